"""The IDX reader returns the file's array exactly and refuses damaged files with a clear reason.

Files are written here by an independent writer (``struct`` header plus big-endian bytes, per
the format's description), never by the code under test.
"""

from __future__ import annotations

import gzip
import hashlib
import struct
from pathlib import Path

import numpy as np
import pytest

import support
from support.idx import IdxFormatError, read_idx
from tests.helpers.data import MNIST, require
from tests.helpers.idx_files import idx_bytes


def write(path: Path, data: bytes, compressed: bool) -> Path:
    path.write_bytes(gzip.compress(data) if compressed else data)
    return path


@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize(
    "array",
    [
        np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4),
        np.array([7, 2, 1, 0, 4], dtype=np.uint8),
        np.array([[-3, 5], [127, -128]], dtype=np.int8),
        np.array([[1, -2, 30000]], dtype=np.int16),
        np.array([-70000, 5, 2**31 - 1], dtype=np.int32),
        np.array([[0.5, -1.25], [3.0e8, 1e-7]], dtype=np.float32),
        np.array([np.pi, -np.e, 1e300], dtype=np.float64),
    ],
    ids=["uint8-3d", "uint8-1d", "int8", "int16", "int32", "float32", "float64"],
)
def test_round_trip_keeps_shape_dtype_and_values(tmp_path: Path, array, compressed):
    got = read_idx(write(tmp_path / "a.idx", idx_bytes(array), compressed))
    assert got.shape == array.shape
    assert got.dtype == array.dtype
    assert got.dtype.isnative
    np.testing.assert_array_equal(got, array)


def test_exported_from_the_support_package(tmp_path: Path):
    array = np.array([1, 2, 3], dtype=np.uint8)
    np.testing.assert_array_equal(
        support.read_idx(write(tmp_path / "x", idx_bytes(array), False)), array
    )


def test_accepts_str_paths(tmp_path: Path):
    path = write(tmp_path / "x", idx_bytes(np.zeros((2, 2), np.uint8)), False)
    assert read_idx(str(path)).shape == (2, 2)


GOOD = idx_bytes(np.arange(60, dtype=np.uint8).reshape(3, 4, 5))


@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (GOOD[:-1], "truncated: shape (3, 4, 5) needs 60 data bytes, found 59"),
        (GOOD[:10], "truncated header"),
        (GOOD[:3], "too short"),
        (GOOD + b"\x00\x00", "2 unexpected bytes"),
        (b"<!DOCTYPE html><html>not found</html>", "not an IDX file"),
        (b"\x00\x00\x07\x01" + struct.pack(">I", 1) + b"\x00", "unknown IDX type code 0x07"),
        (b"\x00\x00\x08\x00", "0 dimensions"),
        (b"", "too short"),
    ],
    ids=["data", "header", "magic", "extra", "html", "type", "no-dims", "empty"],
)
def test_damaged_files_fail_with_a_clear_message(tmp_path: Path, data, message, compressed):
    path = write(tmp_path / "bad.idx", data, compressed)
    with pytest.raises(IdxFormatError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_idx(path)
    with pytest.raises(ValueError, match=str(path).replace(".", r"\.")):
        read_idx(path)  # a ValueError that names the file


def test_truncated_gzip_stream_fails_clearly(tmp_path: Path):
    path = tmp_path / "cut.gz"
    path.write_bytes(gzip.compress(GOOD)[:-12])
    with pytest.raises(IdxFormatError, match="gzip data is truncated or corrupt"):
        read_idx(path)


def test_missing_file_raises_file_not_found(tmp_path: Path):
    with pytest.raises(FileNotFoundError):
        read_idx(tmp_path / "nothing-here")


def test_real_mnist_test_images():
    (path,) = require(MNIST, "t10k-images-idx3-ubyte.gz")
    images = read_idx(path)
    assert images.shape == (10000, 28, 28)
    assert images.dtype == np.uint8
    raw = gzip.decompress(path.read_bytes())
    assert raw[16:] == images.tobytes()
    # sha256 of the uncompressed file, from ../shared/data/README.md
    assert hashlib.sha256(raw).hexdigest() == (
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"
    )


def test_real_mnist_test_labels():
    (path,) = require(MNIST, "t10k-labels-idx1-ubyte.gz")
    labels = read_idx(path)
    assert labels.shape == (10000,)
    assert labels.dtype == np.uint8
    assert labels[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]  # README.md
    assert set(np.unique(labels).tolist()) == set(range(10))
