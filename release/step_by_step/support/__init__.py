"""Student-side helpers of dnnkit: activations, fixtures, visible checks and data loaders.

Everything here is copied into the student releases, so nothing in this package is secret.
"""
