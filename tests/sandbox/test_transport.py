"""Values cross the sandbox boundary as arrays and JSON only; tampered messages are refused."""

from __future__ import annotations

import contextlib
import json

import numpy as np
import pytest

from autograder.sandbox import transport
from autograder.sandbox.transport import Opaque


def round_trip(value: object) -> object:
    """``value`` encoded and decoded again, as it reaches the grader from the child."""
    return transport.decode(*transport.encode(value))


def message(value: object, arrays: dict | None = None) -> bytes:
    """A hand-written skeleton."""
    return json.dumps({"value": value, "arrays": arrays or {}}).encode()


def ref(key: str, scalar: bool = False) -> dict:
    return {"__array__": key, "scalar": scalar}


def tampered(value: object, field: int, replacement: object) -> tuple[bytes, bytes]:
    """``value`` encoded, then one field (dtype, shape, offset) of its array ``a0`` rewritten."""
    skeleton, raw = transport.encode(value)
    stored = json.loads(skeleton)
    stored["arrays"]["a0"][field] = replacement
    return json.dumps(stored).encode(), raw


def test_nested_values_round_trip_with_their_types() -> None:
    value = {
        "W1": np.arange(6.0).reshape(2, 3),
        "cost": np.float64(0.5),
        "zero_d": np.array(1.25),
        "caches": [((np.ones((2, 1)), np.zeros((1, 2)), 3), np.int64(4))],
        "name": "relu",
        "none": None,
        "nan": float("nan"),
        7: True,
    }
    back = round_trip(value)
    assert set(back) == set(value)
    assert isinstance(back["cost"], np.float64)
    assert back["cost"] == 0.5
    assert isinstance(back["zero_d"], np.ndarray)
    assert back["zero_d"].shape == ()
    assert isinstance(back["caches"], list)
    assert isinstance(back["caches"][0], tuple)
    np.testing.assert_array_equal(back["W1"], value["W1"])
    assert back["name"] == "relu"
    assert back["none"] is None
    assert np.isnan(back["nan"])
    assert back[7] is True


def test_objects_arrive_as_opaque_placeholders() -> None:
    function, objects = round_trip((len, np.array([None, 1], dtype=object)))
    assert isinstance(function, Opaque)
    assert isinstance(objects, Opaque)
    assert "object" in objects.type_name


def test_an_object_dtype_written_by_hand_is_refused() -> None:
    skeleton, raw = tampered(np.zeros(2), 0, "|O")
    with pytest.raises(transport.TransportError, match="refused dtype"):
        transport.decode(skeleton, raw)


def test_an_array_reaching_past_the_raw_bytes_is_refused() -> None:
    skeleton, raw = tampered(np.zeros(2), 1, [1000])
    with pytest.raises(transport.TransportError, match="outside"):
        transport.decode(skeleton, raw)


@pytest.mark.parametrize(
    "skeleton",
    [
        b'{"value": {"__array__": "missing"}, "arrays": {}}',
        b'{"value": {"x": 1, "y": 2, "z": 3}}',
        b"[",
    ],
)
def test_malformed_messages_raise_transport_errors(skeleton: bytes) -> None:
    with pytest.raises(transport.TransportError):
        transport.decode(skeleton, b"")


# --- size limits: whatever a student returns or sends, the grader decodes a bounded amount ------


def nested_lists(depth: int, leaf=0):
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


def innermost(value, depth: int):
    for _ in range(depth):
        (value,) = value
    return value


def test_nesting_up_to_max_depth_round_trips_and_deeper_levels_become_opaque() -> None:
    ok = nested_lists(transport.MAX_DEPTH, leaf=7)
    assert round_trip(ok) == ok

    cut = innermost(
        round_trip(nested_lists(transport.MAX_DEPTH + 1, leaf=7)), transport.MAX_DEPTH + 1
    )
    assert isinstance(cut, Opaque)
    assert "too deeply nested" in cut.type_name

    # far deeper than Python's recursion limit allows to walk: still encoded, cut at the limit
    cut = innermost(round_trip(nested_lists(5000)), transport.MAX_DEPTH + 1)
    assert isinstance(cut, Opaque)


def test_a_hand_written_skeleton_nested_too_deep_is_refused() -> None:
    allowed = transport.MAX_DEPTH + 2
    for depth, refused in ((allowed, False), (allowed + 1, True), (200_000, True)):
        nested = "[" * depth + "0" + "]" * depth
        skeleton = f'{{"value": {nested}, "arrays": {{}}}}'.encode()
        if refused:
            with pytest.raises(transport.TransportError):
                transport.decode(skeleton, b"")
        else:
            assert innermost(transport.decode(skeleton, b""), depth) == 0


def test_long_lists_and_dictionaries_keep_their_first_max_items_entries() -> None:
    count = transport.MAX_ITEMS + 25
    items, mapping = round_trip((list(range(count)), {f"k{i}": i for i in range(count)}))
    assert items == list(range(transport.MAX_ITEMS))
    assert mapping == {f"k{i}": i for i in range(transport.MAX_ITEMS)}


def test_more_arrays_than_max_arrays_arrive_as_opaque_beyond_the_limit() -> None:
    row = [np.full(1, 3.0)] * transport.MAX_ARRAYS
    skeleton, raw = transport.encode([row, row])
    first, second = transport.decode(skeleton, raw)
    assert all(isinstance(a, np.ndarray) and a.tolist() == [3.0] for a in first)
    stored = json.loads(skeleton)["arrays"]
    assert len(stored) == transport.MAX_ARRAYS
    assert all(isinstance(a, Opaque) and "too many arrays" in a.type_name for a in second)
    assert len(raw) == len(stored) * 8


def test_strings_are_cut_at_max_string_characters() -> None:
    long = "ab" * transport.MAX_STRING
    back = round_trip({"text": long, long: "key"})
    assert back == {"text": long[: transport.MAX_STRING], long[: transport.MAX_STRING]: "key"}
    short = "x" * transport.MAX_STRING
    assert round_trip(short) == short


def test_a_skeleton_larger_than_max_json_bytes_is_refused() -> None:
    frame = '{"value": 7, "arrays": {}}'
    filler = transport.MAX_JSON_BYTES - len(frame)  # blanks that make the skeleton exactly fit
    fits = frame.replace("7", "7" + " " * filler).encode()
    assert len(fits) == transport.MAX_JSON_BYTES
    assert transport.decode(fits, b"") == 7
    with pytest.raises(transport.TransportError, match="over"):
        transport.decode(frame.replace("7", "7" + " " * (filler + 1)).encode(), b"")


def test_raw_data_larger_than_max_data_bytes_is_refused_not_cut() -> None:
    limit = transport.MAX_DATA_BYTES
    layout = {"a0": ["<f8", [1], limit - 8]}  # the last 8 bytes a message may carry
    skeleton = message(ref("a0"), layout)
    assert transport.decode(skeleton, bytes(limit)).tolist() == [0.0]
    with pytest.raises(transport.TransportError, match="over"):
        transport.decode(skeleton, bytes(limit + 1))


# --- what the honest writer sends, and what a hostile one might ----------------------------------
# The child (student code) encodes what the grader decodes: what the honest writer sends always
# decodes, and every hand-written message below, one the honest writer never would send, is
# refused with a TransportError, quickly and without the grader allocating more than it received.


def test_encode_gives_bytes_with_the_arrays_back_to_back_and_decode_restores_them() -> None:
    value = {
        "W": np.arange(6, dtype=np.float32).reshape(3, 2),
        "t": (1, "a", None),
        2: [np.int8(3)],
    }
    skeleton, raw = transport.encode(value)
    assert isinstance(skeleton, bytes)
    assert isinstance(raw, bytes)
    assert len(raw) == 6 * 4 + 1  # the arrays' bytes, back to back, nothing else
    back = transport.decode(skeleton, raw)
    assert back["W"].dtype == np.float32
    np.testing.assert_array_equal(back["W"], value["W"])
    assert back["t"] == (1, "a", None)
    assert isinstance(back[2][0], np.int8)
    assert back[2][0] == 3


AWKWARD_VALUES = {
    "huge ints": [2**60, -(2**70), 10**400],
    "deep nesting": nested_lists(5000),
    "a list holding itself": (lambda a: a.append(a) or a)([]),
    "a wide tree past the value budget": [[0] * 9_000 for _ in range(20)],
    "a dict past the item cap": {f"k{i}": i for i in range(transport.MAX_ITEMS + 5)},
    "more arrays than allowed": [np.zeros(1)] * (transport.MAX_ARRAYS + 5),
    "more array bytes than allowed": [np.zeros(3), np.zeros(transport.MAX_DATA_BYTES // 8)],
    "long strings and keys": {"x" * 10_000: "y" * 10_000},
    "odd dtypes": [
        np.zeros(2, dtype=">f8"),
        np.zeros(2, dtype=np.float16),
        np.ones(2, dtype=complex),
        np.array([True, False]),
        np.zeros(2, dtype="datetime64[s]"),
        np.zeros(2, dtype=[("a", "f8")]),
        np.longdouble(1.5),
    ],
    "non-finite floats": [float("nan"), float("inf"), -float("inf")],
    "an object with a long type name": type("T" * 5000, (), {})(),
}


@pytest.mark.parametrize("name", AWKWARD_VALUES)
def test_whatever_the_honest_writer_sends_decodes(name: str) -> None:
    skeleton, raw = transport.encode(AWKWARD_VALUES[name])
    transport.decode(skeleton, raw)  # no TransportError: the writer keeps within every cap


def test_a_wide_tree_is_cut_to_the_value_budget_when_written() -> None:
    back = transport.decode(*transport.encode([[0] * 9_000 for _ in range(20)]))
    kept = sum(len(row) for row in back) + len(back) + 1  # every value, the outer list too
    assert kept == transport.MAX_NODES


def test_a_5000_digit_integer_is_a_transport_error() -> None:
    with pytest.raises(transport.TransportError):
        transport.decode(message(None).replace(b"null", b"7" * 5000), b"")


def test_an_integer_too_long_for_the_writer_to_have_sent_is_refused() -> None:
    # 4000 digits still parse in Python; such a number cannot come from the honest writer, and a
    # float() of it in the comparison would raise OverflowError.
    with pytest.raises(transport.TransportError):
        transport.decode(message(None).replace(b"null", b"7" * 4000), b"")


@pytest.mark.parametrize("opener", [b"[", b'{"a":'])
def test_a_nested_json_bomb_is_a_transport_error_not_a_recursion_error(opener: bytes) -> None:
    closer = b"]" if opener == b"[" else b"}"
    bomb = b'{"value":' + opener * 100_000 + b"0" + closer * 100_000 + b',"arrays":{}}'
    with pytest.raises(transport.TransportError):
        transport.decode(bomb, b"")


def test_two_arrays_over_the_same_bytes_are_refused() -> None:
    layout = {"a0": ["<f8", [2], 0], "a1": ["<f8", [2], 8]}  # a1 starts inside a0
    with pytest.raises(transport.TransportError, match="overlapping"):
        transport.decode(message([ref("a0"), ref("a1")], layout), bytes(24))


def test_touching_arrays_and_empty_arrays_are_not_overlaps() -> None:
    layout = {"a0": ["<f8", [2], 0], "a1": ["<f8", [1], 16], "a2": ["<f8", [0], 8]}
    value = transport.decode(message([ref("a0"), ref("a1"), ref("a2")], layout), bytes(24))
    assert [a.shape for a in value] == [(2,), (1,), (0,)]


def test_one_array_used_twice_is_refused() -> None:
    layout = {"a0": ["<f8", [2], 0]}
    with pytest.raises(transport.TransportError, match="twice"):
        transport.decode(message([ref("a0"), ref("a0")], layout), bytes(16))


def test_a_small_layout_claiming_640_gb_is_refused_before_any_copy() -> None:
    raw = bytes(transport.MAX_DATA_BYTES)  # 64 MB, the most a message may carry
    count = transport.MAX_ARRAYS
    layout = {f"a{i}": ["<f8", [transport.MAX_DATA_BYTES // 8], 0] for i in range(count)}
    skeleton = message([ref(f"a{i}") for i in range(count)], layout)
    assert len(skeleton) < 1_000_000
    claimed = count * transport.MAX_DATA_BYTES
    assert claimed >= 640e9
    with pytest.raises(transport.TransportError, match="overlapping"):
        transport.decode(skeleton, raw)


def random_layout(rng: np.random.Generator, size: int) -> bytes:
    """Arrays of random dtypes, shapes and offsets: some honest (back to back, each used once),
    some overlapping, reaching past the data or used twice."""
    layout, offset = {}, 0
    honest = rng.random() < 0.5
    for index in range(int(rng.integers(1, 6))):
        dtype = str(rng.choice(["<f8", "<f4", "|u1", "<i2", "<c16"]))
        shape = [int(n) for n in rng.integers(0, 4, size=int(rng.integers(0, 3)))]
        if not honest:
            offset = int(rng.integers(0, size + 8))
        layout[f"a{index}"] = [dtype, shape, offset]
        offset += int(np.prod(shape, dtype=int)) * np.dtype(dtype).itemsize
    keys = list(layout)
    used = keys if honest else [str(rng.choice(keys)) for _ in range(int(rng.integers(1, 6)))]
    return message([ref(key) for key in used], layout)


def test_decoded_arrays_never_add_up_to_more_than_the_bytes_received() -> None:
    rng = np.random.default_rng(11)
    accepted = 0
    for _ in range(2_000):
        size = int(rng.integers(0, 64))
        skeleton = random_layout(rng, size)
        try:
            arrays = transport.decode(skeleton, bytes(size))
        except transport.TransportError:
            continue
        accepted += 1
        assert sum(array.nbytes for array in arrays) <= size
    assert accepted > 300  # the check above ran on plenty of accepted layouts


def test_every_corruption_of_a_message_is_a_transport_error_or_a_value() -> None:
    value = {"W1": np.ones((2, 3)), "caches": [(np.zeros(2), 3, "relu")], "cost": np.float64(1)}
    skeleton, raw = transport.encode(value)
    rng = np.random.default_rng(5)
    for _ in range(3_000):
        broken = bytearray(skeleton)
        for _ in range(int(rng.integers(1, 4))):
            position = int(rng.integers(0, len(broken)))
            broken[position] = int(rng.choice(list(b'[]{}",:0123456789-ae\\x\xff')))
        cut = int(rng.integers(len(broken) - 3, len(broken) + 1))
        with contextlib.suppress(transport.TransportError):
            transport.decode(bytes(broken[:cut]), raw[: int(rng.integers(0, len(raw) + 1))])


@pytest.mark.parametrize(
    ("what", "value", "arrays"),
    [
        ("more arrays than allowed", None, {f"a{i}": ["|u1", [0], 0] for i in range(10_001)}),
        ("a long string", "x" * (transport.MAX_STRING + 1), {}),
        ("a long key", {"__dict__": [["k" * (transport.MAX_STRING + 1), 0]]}, {}),
        ("a dict of 100k keys", {"__dict__": [[f"k{i}", 0] for i in range(100_000)]}, {}),
        ("a list past the item cap", [0] * (transport.MAX_ITEMS + 1), {}),
        ("more values than allowed", [[0] * 9_000 for _ in range(12)], {}),
        ("a long type name", {"__object__": "T" * 3_000_000}, {}),
        ("an unhashable key", {"__dict__": [[[1, 2], 0]]}, {}),
        ("a non-finite float that is not", {"__float__": "1e5"}, {}),
        ("a node with extra keys", {"__tuple__": [], "x": 1}, {}),
        ("a missing array", {"__array__": "a9"}, {}),
        ("a subarray dtype", {"__array__": "a0"}, {"a0": ["(4,)f8", [1], 0]}),
        ("a datetime dtype", {"__array__": "a0"}, {"a0": ["<M8[s]", [1], 0]}),
        ("an object dtype", {"__array__": "a0"}, {"a0": ["|O", [1], 0]}),
        ("a bool dimension", {"__array__": "a0"}, {"a0": ["<f8", [True], 0]}),
        ("a float dimension", {"__array__": "a0"}, {"a0": ["<f8", [1.5], 0]}),
        ("a negative dimension", {"__array__": "a0"}, {"a0": ["<f8", [-1], 0]}),
        ("a negative offset", {"__array__": "a0"}, {"a0": ["<f8", [1], -8]}),
        ("a float offset", {"__array__": "a0"}, {"a0": ["<f8", [1], 0.0]}),
        (
            "an empty array too large for numpy",
            {"__array__": "a0"},
            {"a0": ["<f8", [0] + [2**62] * 3, 0]},
        ),
        ("a scalar that is not one", ref("a0", scalar=True), {"a0": ["<f8", [2], 0]}),
        ("a table that is a list", None, [["<f8", [1], 0]]),
    ],
)
def test_hand_written_messages_past_a_cap_are_refused(what: str, value, arrays) -> None:
    skeleton = json.dumps({"value": value, "arrays": arrays}).encode()
    assert len(skeleton) <= transport.MAX_JSON_BYTES, what
    with pytest.raises(transport.TransportError):
        transport.decode(skeleton, bytes(16))


def test_a_message_that_is_not_utf8_json_is_refused() -> None:
    for skeleton in (b"\xff\xfe", message(1).decode().encode("utf-16"), b"", b"[1]"):
        with pytest.raises(transport.TransportError):
            transport.decode(skeleton, b"")
