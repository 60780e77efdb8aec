"""Reader for the IDX files MNIST is distributed in, plain or gzipped, using numpy only.

An IDX file is a 4-byte magic number (two zero bytes, a type code, the number of dimensions),
one big-endian 4-byte size per dimension, then the values in C order, big-endian. Downloads of
MNIST are often cut short or saved as an HTML error page, so every part is checked and a bad file
fails with a message that says what is wrong instead of producing a silently shifted array.
"""

from __future__ import annotations

import gzip
import zlib
from os import PathLike
from pathlib import Path

import numpy as np

GZIP_SIGNATURE = b"\x1f\x8b"

# Type code (third byte of the magic number) -> big-endian numpy dtype of the stored values.
IDX_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


class IdxFormatError(ValueError):
    """The file is not a valid IDX file (wrong magic number, truncated, or extra bytes)."""


def read_bytes(path: Path) -> bytes:
    """Return the file's content, decompressed when it starts with the gzip signature."""
    raw = path.read_bytes()
    if not raw.startswith(GZIP_SIGNATURE):
        return raw
    try:
        return gzip.decompress(raw)
    except (EOFError, OSError, zlib.error) as error:
        raise IdxFormatError(f"{path}: gzip data is truncated or corrupt ({error})") from error


def parse_header(path: Path, data: bytes) -> tuple[np.dtype, tuple[int, ...], int]:
    """Check the magic number and sizes; return the value dtype, the shape and the header size."""
    if len(data) < 4:
        raise IdxFormatError(f"{path}: {len(data)} bytes is too short for an IDX magic number")
    if data[0] != 0 or data[1] != 0:
        raise IdxFormatError(
            f"{path}: not an IDX file (magic number starts with {data[:2].hex()}, expected 0000)"
        )
    type_code, ndim = data[2], data[3]
    if type_code not in IDX_DTYPES:
        raise IdxFormatError(f"{path}: unknown IDX type code 0x{type_code:02x}")
    if ndim == 0:
        raise IdxFormatError(f"{path}: the magic number declares 0 dimensions")
    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise IdxFormatError(
            f"{path}: truncated header: {ndim} dimensions need {header_size} bytes, "
            f"the file has {len(data)}"
        )
    shape = tuple(int(size) for size in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    return IDX_DTYPES[type_code], shape, header_size


def read_idx(path: str | PathLike[str]) -> np.ndarray:
    """Read an IDX file (gzipped or not) into an array of the file's shape and value type.

    The values come back in native byte order (``uint8`` for MNIST). Raises ``IdxFormatError``
    (a ``ValueError``) when the magic number, the header or the data length is wrong.
    """
    path = Path(path)
    data = read_bytes(path)
    dtype, shape, header_size = parse_header(path, data)
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    found = len(data) - header_size
    if found < expected:
        raise IdxFormatError(
            f"{path}: truncated: shape {shape} needs {expected} data bytes, found {found}"
        )
    if found > expected:
        raise IdxFormatError(
            f"{path}: corrupt: {found - expected} unexpected bytes after the {expected} data "
            f"bytes of shape {shape}"
        )
    values = np.frombuffer(data, dtype=dtype, offset=header_size).reshape(shape)
    return values.astype(dtype.newbyteorder("="))
