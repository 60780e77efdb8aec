"""Helpers shared by the kit's tests: one place, imported as ``tests.helpers.<module>``."""
