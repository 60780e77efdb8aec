"""Values cross the sandbox boundary as arrays and JSON only; tampered files are refused."""

from __future__ import annotations

import json

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
    assert isinstance(back["cost"], np.float64) and back["cost"] == 0.5
    assert isinstance(back["zero_d"], np.ndarray) and back["zero_d"].shape == ()
    assert isinstance(back["caches"], list) and isinstance(back["caches"][0], tuple)
    np.testing.assert_array_equal(back["W1"], value["W1"])
    assert back["name"] == "relu" and back["none"] is None and np.isnan(back["nan"])
    assert back[7] is True


def test_objects_arrive_as_opaque_placeholders(tmp_path) -> None:
    transport.save(tmp_path / "value", (len, np.array([None, 1], dtype=object)))
    function, objects = transport.load(tmp_path / "value")
    assert isinstance(function, Opaque) and isinstance(objects, Opaque)
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
