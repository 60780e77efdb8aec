"""Move values between the grader and a sandboxed child as plain arrays and JSON, never pickles.

A value becomes a JSON skeleton in which every numpy array or numpy scalar is replaced by a
description (dtype, shape, where its raw bytes sit in a ``.bin`` file). Reading back only accepts
numeric dtypes and rebuilds arrays with ``np.frombuffer``: no pickle, no zip archive, so whatever a
student's code returns or writes, loading it can only produce numbers, strings and containers.
Anything else the student returns (a function, a class instance) arrives as :class:`Opaque`.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import stat
from pathlib import Path
from typing import Any

import numpy as np

MAX_DEPTH = 32
MAX_ITEMS = 10_000
MAX_STRING = 2_000
MAX_JSON_BYTES = 4_000_000
MAX_DATA_BYTES = 64_000_000


class Opaque:
    """Stands in for an object the student returned that cannot travel as plain data."""

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<{self.type_name} object>"


class TransportError(ValueError):
    """The stored data is not in the expected shape (truncated, tampered or too large)."""


def _encode(value: Any, arrays: dict[str, np.ndarray], depth: int) -> Any:
    if depth > MAX_DEPTH or len(arrays) > MAX_ITEMS:
        return {"__object__": "too deeply nested value"}
    if value is None or isinstance(value, bool | str):
        return value[:MAX_STRING] if isinstance(value, str) else value
    if isinstance(value, np.ndarray | np.generic):
        array = np.asarray(value)
        if array.dtype.hasobject or array.dtype.kind not in "biufc":
            return {"__object__": f"numpy array of dtype {array.dtype}"}
        key = f"a{len(arrays)}"
        arrays[key] = np.array(array, order="C")  # a plain ndarray, even from a subclass
        return {"__array__": key, "scalar": isinstance(value, np.generic)}
    if isinstance(value, int):
        return value if abs(value) < 2**53 else float(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else {"__float__": repr(float(value))}
    if isinstance(value, tuple | list):
        items = [_encode(item, arrays, depth + 1) for item in list(value)[:MAX_ITEMS]]
        return {"__tuple__": items} if isinstance(value, tuple) else items
    if isinstance(value, dict):
        pairs = list(value.items())[:MAX_ITEMS]
        return {
            "__dict__": [
                [_encode(k, arrays, depth + 1), _encode(v, arrays, depth + 1)] for k, v in pairs
            ]
        }
    return {"__object__": type(value).__name__[:100]}


def save(path: Path, value: Any) -> None:
    """Write ``value`` to ``<path>.bin`` and ``<path>.json`` (written last: it marks completion)."""
    arrays: dict[str, np.ndarray] = {}
    skeleton = _encode(value, arrays, 0)
    layout, offset = {}, 0
    with open(path.with_suffix(".bin"), "wb") as raw:
        for key, array in arrays.items():
            raw.write(array.tobytes())
            layout[key] = [array.dtype.str, list(array.shape), offset]
            offset += array.nbytes
    path.with_suffix(".json").write_text(json.dumps({"value": skeleton, "arrays": layout}))


def _arrays(layout: Any, raw: bytes) -> dict[str, np.ndarray]:
    """Rebuild the arrays from their raw bytes, accepting numeric dtypes only."""
    if not isinstance(layout, dict):
        raise TransportError("bad array table")
    arrays = {}
    for key, (dtype_name, shape, offset) in layout.items():
        dtype = np.dtype(str(dtype_name))
        if dtype.kind not in "biufc" or dtype.hasobject:
            raise TransportError(f"refused dtype {dtype}")
        shape = tuple(int(n) for n in shape)
        count = int(np.prod(shape, dtype=np.int64))
        if count < 0 or int(offset) < 0 or int(offset) + count * dtype.itemsize > len(raw):
            raise TransportError("array outside the data file")
        flat = np.frombuffer(raw, dtype=dtype, count=count, offset=int(offset))
        arrays[str(key)] = flat.reshape(shape).copy()
    return arrays


def digest(value: Any) -> str:
    """A fingerprint of a value's content (structure, dtypes, shapes, bytes), to spot changes."""
    arrays: dict[str, np.ndarray] = {}
    skeleton = _encode(value, arrays, 0)
    hasher = hashlib.sha256(json.dumps(skeleton, sort_keys=True).encode())
    for key, array in arrays.items():
        hasher.update(f"{key}{array.dtype.str}{array.shape}".encode())
        hasher.update(array.tobytes())
    return hasher.hexdigest()


def read_limited(path: Path, limit: int) -> bytes:
    """Read at most ``limit`` bytes of a regular file, refusing links, pipes and devices.

    The sandboxed child owns its job directory, so anything there may be a trap: a symlink to
    /dev/zero or a FIFO would otherwise hang or flood the grader.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        raise TransportError(f"cannot open {path.name}: {error.strerror}") from error
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # before fdopen, which refuses a directory itself
        os.close(fd)
        raise TransportError(f"{path.name} is not a regular file")
    with os.fdopen(fd, "rb") as handle:
        return handle.read(limit)


def _decode(node: Any, arrays: Any, depth: int) -> Any:
    if depth > MAX_DEPTH + 2:
        raise TransportError("nesting too deep")
    if node is None or isinstance(node, bool | int | float | str):
        return node
    if isinstance(node, list):
        return [_decode(item, arrays, depth + 1) for item in node]
    if not isinstance(node, dict) or len(node) not in (1, 2):
        raise TransportError("unexpected node")
    if "__array__" in node:
        array = arrays[str(node["__array__"])]
        return array[()] if node.get("scalar") else array
    if "__tuple__" in node:
        return tuple(_decode(item, arrays, depth + 1) for item in node["__tuple__"])
    if "__dict__" in node:
        pairs = [_decode_pair(pair, arrays, depth) for pair in node["__dict__"]]
        return dict(pairs)
    if "__float__" in node:
        return float(str(node["__float__"]))
    if "__object__" in node:
        return Opaque(str(node["__object__"]))
    raise TransportError("unexpected node")


def _decode_pair(pair: Any, arrays: Any, depth: int) -> tuple:
    if not isinstance(pair, list) or len(pair) != 2:
        raise TransportError("unexpected dictionary entry")
    key = _decode(pair[0], arrays, depth + 1)
    if isinstance(key, list | dict | np.ndarray):
        key = repr(key)  # an unhashable key cannot be a real dictionary key anyway
    return key, _decode(pair[1], arrays, depth + 1)


def load(path: Path) -> Any:
    """Read a value written by :func:`save`; raise TransportError when it is missing or bad."""
    try:
        stored = json.loads(read_limited(path.with_suffix(".json"), MAX_JSON_BYTES))
        arrays = _arrays(stored["arrays"], read_limited(path.with_suffix(".bin"), MAX_DATA_BYTES))
        return _decode(stored["value"], arrays, 0)
    except TransportError:
        raise
    except Exception as error:
        raise TransportError(f"{type(error).__name__}: {error}") from error
