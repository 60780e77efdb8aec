"""Lesson `digits`: hidden tests and typical mistakes."""
