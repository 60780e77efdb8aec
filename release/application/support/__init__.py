"""Student-side helpers of dnnkit: activations, fixtures, visible checks and data loaders.

Everything here is copied into the student releases, so nothing in this package is secret.
"""

from support.idx import read_idx as read_idx  # the public IDX reader: support.read_idx(path)
