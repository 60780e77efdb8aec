"""Move values between the grader and a sandboxed child as plain arrays and JSON, never pickles.

A value becomes two byte strings (:func:`encode`): a JSON skeleton in which every numpy array or
numpy scalar is replaced by a reference to an entry of an array table (dtype, shape, offset), and
the arrays' raw bytes, back to back. Reading back (:func:`decode`) only accepts numeric dtypes and
rebuilds arrays from those bytes: no pickle, no zip archive, so whatever a student's code returns,
decoding it can only produce numbers, strings and containers. Anything else the student returns
(a function, a class instance) arrives as :class:`Opaque`. The two byte strings travel in one
frame on a socket (``autograder.sandbox.channel``); nothing here reads or writes files.

The writer may be hostile (student code runs where values are encoded), so decoding is bounded by
what was received, not by what the skeleton claims: the skeleton and the raw bytes are refused
past ``MAX_JSON_BYTES`` and ``MAX_DATA_BYTES``, every array lies inside the raw bytes, no two
arrays share a byte and each is used once (decoded arrays never add up to more than ``len(raw)``),
and the counts of arrays, values, dictionary entries and list items, the nesting, string lengths
and integer digits are all capped. Every way a message can be wrong raises
:class:`TransportError`, never a RecursionError or a ValueError of the JSON parser.
"""

from __future__ import annotations

import json
import math
from itertools import islice, pairwise
from typing import Any

import numpy as np

MAX_DEPTH = 32  # containers inside containers
MAX_ITEMS = 10_000  # entries of one list, tuple or dictionary
MAX_NODES = 100_000  # values in one message, every level counted
MAX_ARRAYS = 10_000
MAX_NDIM = 32  # numpy's own limit is 64
MAX_STRING = 2_000  # characters of a string value or dictionary key
MAX_TYPE_NAME = 100  # characters of an Opaque stand-in's description
MAX_INT_DIGITS = 20  # the writer sends larger integers as floats
MAX_NUMBER_CHARS = 40  # characters of a number in the skeleton
MAX_JSON_BYTES = 4_000_000
MAX_DATA_BYTES = 64_000_000
NUMERIC_KINDS = "biufc"
NON_FINITE = ("nan", "inf", "-inf")


class Opaque:
    """Stands in for an object the student returned that cannot travel as plain data."""

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<{self.type_name} object>"


class TransportError(ValueError):
    """A received message is not in the expected shape (truncated, tampered or too large)."""


# ------------------------------------------------------------------------------------- encoding


def _opaque(description: str) -> dict:
    return {"__object__": description[:MAX_TYPE_NAME]}


class _Encoder:
    """One value's skeleton and arrays, within the same caps the decoder enforces."""

    def __init__(self) -> None:
        self.arrays: list[np.ndarray] = []
        self.data_bytes = 0
        self.nodes = 1  # the top-level value

    def _room(self, count: int) -> bool:
        """Take ``count`` more values from the message's budget, if it has room for them."""
        if self.nodes + count > MAX_NODES:
            return False
        self.nodes += count
        return True

    def _array(self, value: np.ndarray | np.generic) -> dict:
        array = np.asarray(value)
        if array.dtype.hasobject or array.dtype.kind not in NUMERIC_KINDS or array.dtype.shape:
            return _opaque(f"numpy array of dtype {array.dtype}")
        if array.ndim > MAX_NDIM:
            return _opaque(f"numpy array of {array.ndim} dimensions")
        if len(self.arrays) >= MAX_ARRAYS:
            return _opaque("value with too many arrays")
        if self.data_bytes + array.nbytes > MAX_DATA_BYTES:
            return _opaque(f"numpy array too large to send back ({array.nbytes} bytes)")
        self.arrays.append(np.asarray(array, order="C"))  # a plain ndarray, even from a subclass
        self.data_bytes += array.nbytes
        return {"__array__": f"a{len(self.arrays) - 1}", "scalar": isinstance(value, np.generic)}

    def node(self, value: Any, depth: int) -> Any:
        """The skeleton of ``value``; its budget was taken by the caller."""
        if depth > MAX_DEPTH:
            return _opaque("too deeply nested value")
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, str):
            return str(value[:MAX_STRING])
        if isinstance(value, np.ndarray | np.generic):
            return self._array(value)
        if isinstance(value, int):
            if abs(value) < 2**53:
                return int(value)
            return self.node(float(value), depth) if abs(value) < 2**1023 else _opaque("huge int")
        if isinstance(value, float):
            return float(value) if math.isfinite(value) else {"__float__": repr(float(value))}
        if isinstance(value, tuple | list):
            items = []
            for item in islice(value, MAX_ITEMS):
                if not self._room(1):
                    break
                items.append(self.node(item, depth + 1))
            return {"__tuple__": items} if isinstance(value, tuple) else items
        if isinstance(value, dict):
            pairs = []
            for key, item in islice(value.items(), MAX_ITEMS):
                if not self._room(2):
                    break
                pairs.append([self.node(key, depth + 1), self.node(item, depth + 1)])
            return {"__dict__": pairs}
        return _opaque(type(value).__name__)


def encode(value: Any) -> tuple[bytes, bytes]:
    """``value`` as a JSON skeleton and the raw bytes of its arrays (see :func:`decode`).

    Whatever cannot travel, or would pass a cap, becomes an :class:`Opaque` description (or is cut:
    strings, long containers), so what is sent always decodes.
    """
    encoder = _Encoder()
    skeleton = encoder.node(value, 0)
    layout, offset = {}, 0
    for index, array in enumerate(encoder.arrays):
        layout[f"a{index}"] = [array.dtype.str, list(array.shape), offset]
        offset += array.nbytes
    text = json.dumps({"value": skeleton, "arrays": layout}, separators=(",", ":"))
    return text.encode(), b"".join(array.tobytes() for array in encoder.arrays)


# ------------------------------------------------------------------------------------- decoding


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise TransportError(f"an integer of {len(text)} digits")
    return int(text)


def _parse_float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise TransportError(f"a number of {len(text)} characters")
    return float(text)


def _parse_json(skeleton: bytes) -> Any:
    """The skeleton as JSON; every parser failure (nesting past the interpreter's recursion
    limit, huge numbers, bad encoding) becomes a TransportError."""
    if len(skeleton) > MAX_JSON_BYTES:
        raise TransportError(f"skeleton of {len(skeleton)} bytes, over {MAX_JSON_BYTES}")
    try:
        text = str(skeleton, "utf-8")
        return json.loads(text, parse_int=_parse_int, parse_float=_parse_float)
    except RecursionError:
        raise TransportError("nesting too deep") from None
    except ValueError as error:  # JSONDecodeError, UnicodeDecodeError, TransportError
        if isinstance(error, TransportError):
            raise
        raise TransportError(f"not JSON ({type(error).__name__})") from None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _dtype(name: Any) -> np.dtype:
    """A plain numeric dtype, spelled exactly as the writer spells one (``<f8``, ``|b1``)."""
    if not isinstance(name, str) or len(name) > 8:
        raise TransportError("bad dtype")
    try:
        dtype = np.dtype(name)
    except (TypeError, ValueError):
        raise TransportError(f"refused dtype {name[:8]!r}") from None
    if dtype.str != name or dtype.kind not in NUMERIC_KINDS or dtype.hasobject or dtype.shape:
        raise TransportError(f"refused dtype {dtype}")
    return dtype


class _Table:
    """The array table: entries checked against the raw bytes, each array built on first use."""

    def __init__(self, layout: Any, raw: bytes) -> None:
        if not isinstance(layout, dict):
            raise TransportError("bad array table")
        if len(layout) > MAX_ARRAYS:
            raise TransportError(f"{len(layout)} arrays, over {MAX_ARRAYS}")
        self.raw = raw
        self.entries: dict[str, tuple[np.dtype, tuple[int, ...], int]] = {}
        self.used: set[str] = set()
        ranges = []
        for key, entry in layout.items():
            if not isinstance(entry, list) or len(entry) != 3:
                raise TransportError("bad array entry")
            dtype_name, shape, offset = entry
            dtype = _dtype(dtype_name)
            if not isinstance(shape, list) or len(shape) > MAX_NDIM:
                raise TransportError("bad array shape")
            if not all(_is_int(n) and n >= 0 for n in shape) or not _is_int(offset):
                raise TransportError("bad array shape or offset")
            nbytes = math.prod(shape) * dtype.itemsize  # exact: Python integers do not wrap
            if offset < 0 or offset + nbytes > len(raw):
                raise TransportError("array outside the raw data")
            self.entries[key] = (dtype, tuple(shape), offset)
            if nbytes:
                ranges.append((offset, offset + nbytes))
        ranges.sort()
        for (_, end), (start, _) in pairwise(ranges):
            if start < end:
                raise TransportError("overlapping arrays")
        if sum(end - start for start, end in ranges) > len(raw):  # implied by the above; cheap
            raise TransportError("arrays larger than the data")

    def array(self, key: Any) -> np.ndarray:
        if not isinstance(key, str) or key not in self.entries:
            raise TransportError("reference to a missing array")
        if key in self.used:
            raise TransportError("an array used twice")
        self.used.add(key)
        dtype, shape, offset = self.entries[key]
        count = math.prod(shape)
        flat = np.frombuffer(self.raw, dtype=dtype, count=count, offset=offset)
        return flat.reshape(shape).copy()


class _Decoder:
    def __init__(self, table: _Table) -> None:
        self.table = table
        self.nodes = 0

    def node(self, node: Any, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise TransportError(f"more than {MAX_NODES} values")
        if depth > MAX_DEPTH + 2:  # the writer cuts at MAX_DEPTH; a marker sits one level below
            raise TransportError("nesting too deep")
        if node is None or isinstance(node, bool | int | float):
            return node
        if isinstance(node, str):
            if len(node) > MAX_STRING:
                raise TransportError(f"a string of {len(node)} characters")
            return node
        if isinstance(node, list):
            return [self.node(item, depth + 1) for item in self._items(node)]
        if not isinstance(node, dict):
            raise TransportError("unexpected node")
        keys = set(node)
        if keys in ({"__array__"}, {"__array__", "scalar"}):
            return self._array(node)
        if keys == {"__tuple__"} and isinstance(node["__tuple__"], list):
            return tuple(self.node(item, depth + 1) for item in self._items(node["__tuple__"]))
        if keys == {"__dict__"} and isinstance(node["__dict__"], list):
            return dict(self._pair(pair, depth) for pair in self._items(node["__dict__"]))
        if keys == {"__float__"} and node["__float__"] in NON_FINITE:
            return float(node["__float__"])
        if keys == {"__object__"} and isinstance(node["__object__"], str):
            if len(node["__object__"]) > MAX_TYPE_NAME:
                raise TransportError("an object description too long")
            return Opaque(node["__object__"])
        raise TransportError("unexpected node")

    @staticmethod
    def _items(items: list) -> list:
        if len(items) > MAX_ITEMS:
            raise TransportError(f"{len(items)} items, over {MAX_ITEMS}")
        return items

    def _array(self, node: dict) -> Any:
        array = self.table.array(node["__array__"])
        scalar = node.get("scalar", False)
        if not isinstance(scalar, bool) or (scalar and array.shape != ()):
            raise TransportError("bad scalar flag")
        return array[()] if scalar else array

    def _pair(self, pair: Any, depth: int) -> tuple:
        if not isinstance(pair, list) or len(pair) != 2:
            raise TransportError("unexpected dictionary entry")
        key = self.node(pair[0], depth + 1)
        try:
            hash(key)
        except TypeError:
            raise TransportError("an unhashable dictionary key") from None
        return key, self.node(pair[1], depth + 1)


def decode(skeleton: bytes, raw: bytes) -> Any:
    """Rebuild a value from :func:`encode`'s two byte strings, trusting neither.

    Raises TransportError for anything malformed, tampered or past a cap.
    """
    if len(raw) > MAX_DATA_BYTES:
        raise TransportError(f"data of {len(raw)} bytes, over {MAX_DATA_BYTES}")
    stored = _parse_json(skeleton)
    if not isinstance(stored, dict) or set(stored) != {"value", "arrays"}:
        raise TransportError("not a transported value")
    try:
        return _Decoder(_Table(stored["arrays"], raw)).node(stored["value"], 0)
    except TransportError:
        raise
    except (ValueError, TypeError, OverflowError, MemoryError) as error:  # numpy refusing a shape
        raise TransportError(f"{type(error).__name__} while decoding") from None
