"""Values cross the sandbox boundary as arrays and JSON only; tampered files are refused."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from autograder.sandbox import transport
from autograder.sandbox.transport import Opaque


def test_nested_values_round_trip_with_their_types(tmp_path) -> None:
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
    transport.save(tmp_path / "value", value)
    back = transport.load(tmp_path / "value")
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


def test_objects_arrive_as_opaque_placeholders(tmp_path) -> None:
    transport.save(tmp_path / "value", (len, np.array([None, 1], dtype=object)))
    function, objects = transport.load(tmp_path / "value")
    assert isinstance(function, Opaque)
    assert isinstance(objects, Opaque)
    assert "object" in objects.type_name


def test_an_object_dtype_written_by_hand_is_refused(tmp_path) -> None:
    transport.save(tmp_path / "value", np.zeros(2))
    stored = json.loads((tmp_path / "value.json").read_text())
    stored["arrays"]["a0"][0] = "|O"
    (tmp_path / "value.json").write_text(json.dumps(stored))
    with pytest.raises(transport.TransportError, match="refused dtype"):
        transport.load(tmp_path / "value")


def test_an_array_reaching_past_the_data_file_is_refused(tmp_path) -> None:
    transport.save(tmp_path / "value", np.zeros(2))
    stored = json.loads((tmp_path / "value.json").read_text())
    stored["arrays"]["a0"][1] = [1000]
    (tmp_path / "value.json").write_text(json.dumps(stored))
    with pytest.raises(transport.TransportError, match="outside"):
        transport.load(tmp_path / "value")


@pytest.mark.parametrize(
    "skeleton",
    [
        '{"value": {"__array__": "missing"}, "arrays": {}}',
        '{"value": {"x": 1, "y": 2, "z": 3}}',
        "[",
    ],
)
def test_malformed_results_raise_transport_errors(tmp_path, skeleton: str) -> None:
    (tmp_path / "value.json").write_text(skeleton)
    (tmp_path / "value.bin").write_bytes(b"")
    with pytest.raises(transport.TransportError):
        transport.load(tmp_path / "value")


def test_a_missing_result_is_a_transport_error(tmp_path) -> None:
    with pytest.raises(transport.TransportError):
        transport.load(tmp_path / "never_written")


def test_digest_sees_in_place_changes_and_nothing_else() -> None:
    value = {"W1": np.ones((2, 3)), "b1": [np.zeros((2, 1))]}
    same = {"W1": np.ones((2, 3)), "b1": [np.zeros((2, 1))]}
    assert transport.digest(value) == transport.digest(same)
    value["b1"][0][1, 0] = 1e-12
    assert transport.digest(value) != transport.digest(same)
    assert transport.digest(np.ones(3)) != transport.digest(np.ones(3, dtype=np.float32))


# --- size limits: whatever a student returns or writes, the grader reads a bounded amount -------


def nested_lists(depth: int, leaf=0):
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


def innermost(value, depth: int):
    for _ in range(depth):
        (value,) = value
    return value


def test_nesting_up_to_max_depth_round_trips_and_deeper_levels_become_opaque(tmp_path) -> None:
    transport.save(tmp_path / "ok", nested_lists(transport.MAX_DEPTH, leaf=7))
    assert transport.load(tmp_path / "ok") == nested_lists(transport.MAX_DEPTH, leaf=7)

    transport.save(tmp_path / "deep", nested_lists(transport.MAX_DEPTH + 1, leaf=7))
    cut = innermost(transport.load(tmp_path / "deep"), transport.MAX_DEPTH + 1)
    assert isinstance(cut, Opaque)
    assert "too deeply nested" in cut.type_name

    # far deeper than Python's recursion limit allows to walk: still saved, cut at the limit
    transport.save(tmp_path / "abyss", nested_lists(5000))
    cut = innermost(transport.load(tmp_path / "abyss"), transport.MAX_DEPTH + 1)
    assert isinstance(cut, Opaque)


def test_a_hand_written_skeleton_nested_too_deep_is_refused(tmp_path) -> None:
    (tmp_path / "value.bin").write_bytes(b"")
    allowed = transport.MAX_DEPTH + 2
    for depth, refused in ((allowed, False), (allowed + 1, True), (200_000, True)):
        skeleton = "[" * depth + "0" + "]" * depth
        (tmp_path / "value.json").write_text(f'{{"value": {skeleton}, "arrays": {{}}}}')
        if refused:
            with pytest.raises(transport.TransportError):
                transport.load(tmp_path / "value")
        else:
            assert innermost(transport.load(tmp_path / "value"), depth) == 0


def test_long_lists_and_dictionaries_keep_their_first_max_items_entries(tmp_path) -> None:
    count = transport.MAX_ITEMS + 25
    value = (list(range(count)), {f"k{i}": i for i in range(count)})
    transport.save(tmp_path / "value", value)
    items, mapping = transport.load(tmp_path / "value")
    assert items == list(range(transport.MAX_ITEMS))
    assert mapping == {f"k{i}": i for i in range(transport.MAX_ITEMS)}


def test_more_arrays_than_max_items_arrive_as_opaque_beyond_the_limit(tmp_path) -> None:
    row = [np.full(1, 3.0)] * transport.MAX_ITEMS
    transport.save(tmp_path / "value", [row, row])
    first, second = transport.load(tmp_path / "value")
    assert all(isinstance(a, np.ndarray) and a.tolist() == [3.0] for a in first)
    stored = json.loads((tmp_path / "value.json").read_text())["arrays"]
    assert len(stored) <= transport.MAX_ITEMS + 1
    assert isinstance(second[-1], Opaque)
    assert "too deeply nested" in second[-1].type_name
    assert (tmp_path / "value.bin").stat().st_size == len(stored) * 8


def test_strings_are_cut_at_max_string_characters(tmp_path) -> None:
    long = "ab" * transport.MAX_STRING
    transport.save(tmp_path / "value", {"text": long, long: "key"})
    back = transport.load(tmp_path / "value")
    assert back == {"text": long[: transport.MAX_STRING], long[: transport.MAX_STRING]: "key"}
    short = "x" * transport.MAX_STRING
    transport.save(tmp_path / "short", short)
    assert transport.load(tmp_path / "short") == short


def test_a_json_file_larger_than_max_json_bytes_is_refused(tmp_path) -> None:
    (tmp_path / "value.bin").write_bytes(b"")
    frame = '{"value": "", "arrays": {}}'
    filler = transport.MAX_JSON_BYTES - len(frame)  # a string that makes the file exactly fit
    (tmp_path / "value.json").write_text(frame.replace('""', '"' + "x" * filler + '"'))
    assert (tmp_path / "value.json").stat().st_size == transport.MAX_JSON_BYTES
    assert transport.load(tmp_path / "value") == "x" * filler
    (tmp_path / "value.json").write_text(frame.replace('""', '"' + "x" * (filler + 1) + '"'))
    with pytest.raises(transport.TransportError):
        transport.load(tmp_path / "value")


def test_an_array_past_max_data_bytes_is_refused_even_if_the_file_holds_it(tmp_path) -> None:
    limit = transport.MAX_DATA_BYTES
    with open(tmp_path / "value.bin", "wb") as raw:  # sparse: no disk space used
        raw.truncate(limit + 16)
    for offset, refused in ((limit - 8, False), (limit, True)):
        layout = {"a0": ["<f8", [1], offset]}
        skeleton = {"value": {"__array__": "a0", "scalar": False}, "arrays": layout}
        (tmp_path / "value.json").write_text(json.dumps(skeleton))
        if refused:
            with pytest.raises(transport.TransportError, match="outside the data file"):
                transport.load(tmp_path / "value")
        else:
            assert transport.load(tmp_path / "value").tolist() == [0.0]


def test_read_limited_returns_at_most_the_limit(tmp_path) -> None:
    (tmp_path / "big").write_bytes(b"0123456789" * 100)
    assert transport.read_limited(tmp_path / "big", 25) == b"0123456789012345678901234"
    assert transport.read_limited(tmp_path / "big", 5000) == b"0123456789" * 100


def test_read_limited_refuses_a_symlink_even_to_a_regular_file(tmp_path) -> None:
    (tmp_path / "real.json").write_text("{}")
    (tmp_path / "link.json").symlink_to(tmp_path / "real.json")
    (tmp_path / "zero.json").symlink_to("/dev/zero")
    for name in ("link.json", "zero.json"):
        with pytest.raises(transport.TransportError, match="cannot open"):
            transport.read_limited(tmp_path / name, 100)


def test_read_limited_refuses_a_device() -> None:
    with pytest.raises(transport.TransportError, match="not a regular file"):
        transport.read_limited(Path("/dev/zero"), 100)


def test_read_limited_refuses_a_directory(tmp_path) -> None:
    (tmp_path / "output.txt").mkdir()
    with pytest.raises(transport.TransportError, match="not a regular file"):
        transport.read_limited(tmp_path / "output.txt", 100)


def without_blocking(fifo: Path, call: Callable[[], object]) -> object:
    """What ``call`` returns or raises; fail, instead of hanging, if it blocks on ``fifo``."""
    outcome: list = []

    def run() -> None:
        try:
            outcome.append(call())
        except Exception as error:
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=10)
    if thread.is_alive():  # open the writing end to release the reader, then fail
        with open(fifo, "wb"):
            pass
        pytest.fail(f"blocked waiting for a writer on the FIFO {fifo.name}")
    return outcome[0]


def test_read_limited_refuses_a_fifo_without_waiting_for_a_writer(tmp_path) -> None:
    fifo = tmp_path / "case_1.json"
    os.mkfifo(fifo)
    error = without_blocking(fifo, lambda: transport.read_limited(fifo, 100))
    assert isinstance(error, transport.TransportError)
    assert "not a regular file" in str(error)


def test_a_fifo_or_symlink_in_place_of_a_result_is_a_transport_error(tmp_path) -> None:
    fifo = tmp_path / "value.json"
    os.mkfifo(fifo)
    (tmp_path / "value.bin").symlink_to("/dev/zero")
    error = without_blocking(fifo, lambda: transport.load(tmp_path / "value"))
    assert isinstance(error, transport.TransportError)
    assert "not a regular file" in str(error)
    fifo.unlink()
    fifo.write_text('{"value": 1, "arrays": {}}')
    with pytest.raises(transport.TransportError, match="cannot open"):
        transport.load(tmp_path / "value")
