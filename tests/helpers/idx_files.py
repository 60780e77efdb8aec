"""An IDX writer written independently of ``support.idx``, to build test files."""

from __future__ import annotations

import struct

import numpy as np

TYPE_CODES = {"u1": 0x08, "i1": 0x09, "i2": 0x0B, "i4": 0x0C, "f4": 0x0D, "f8": 0x0E}


def idx_bytes(array: np.ndarray, code: int | None = None) -> bytes:
    """Serialise an array as IDX: 0, 0, type code, ndim, the sizes, then big-endian values."""
    kind = array.dtype.str[1:]
    header = struct.pack(">BBBB", 0, 0, code or TYPE_CODES[kind], array.ndim)
    header += struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()
