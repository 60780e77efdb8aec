"""Reading a submitted notebook: whatever the file is, the grader gets a notebook or a
NotebookError a student can act on, never a hang, a crash of the batch or the wrong file graded.

Every malformed file here is one a student can hand in (or plant through a link); the expected
messages are written from the rules in ``autograder/course/notebooks.py``'s docstring.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from autograder.course.notebooks import (
    MAX_NOTEBOOK_BYTES,
    NotebookError,
    as_submission,
    cell_source,
    find_graded_cells,
    points_per_function,
    read_notebook,
    read_submitted,
)
from autograder.course.paths import KIT
from tests.helpers.fifo import without_blocking

GRADED = {
    "cell_type": "code",
    "metadata": {"nbgrader": {"grade_id": "double", "solution": True}},
    "source": ["# GRADED FUNCTION: double\n", "def double(x):\n", "    return 2 * x\n"],
}
TEST_CELL = {
    "cell_type": "code",
    "metadata": {"nbgrader": {"grade": True, "grade_id": "test_double", "points": 2}},
    "source": "assert double(2) == 4",
}


def notebook(*cells: object) -> dict:
    return {"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def write(path: Path, content: dict | str | bytes) -> Path:
    if isinstance(content, dict):
        content = json.dumps(content)
    if isinstance(content, str):
        content = content.encode()
    path.write_bytes(content)
    return path


def refused(path: Path) -> str:
    """The NotebookError's message for ``path`` (the test fails if it reads, or raises another)."""
    with pytest.raises(NotebookError) as caught:
        read_notebook(path)
    return str(caught.value)


def test_a_plain_notebook_reads_and_its_graded_cell_and_points_are_found(tmp_path) -> None:
    path = write(tmp_path / "a.ipynb", notebook(GRADED, TEST_CELL))
    read = read_notebook(path)
    cells = find_graded_cells(read, ["double"])
    assert cells.code == {"double": "# GRADED FUNCTION: double\ndef double(x):\n    return 2 * x\n"}
    assert cells.problems == {}
    assert points_per_function(read) == {"double": 2.0}


# ------------------------------------------------------------------------- what the file is


def test_a_symlink_to_the_solved_notebook_is_refused_not_graded(tmp_path) -> None:
    link = tmp_path / "step_by_step.ipynb"
    link.symlink_to(KIT.solved_notebook("step_by_step"))
    message = refused(link)
    assert "symbolic link" in message
    assert "hand in the notebook file itself" in message


def test_a_symlink_to_dev_zero_is_refused_without_reading_it(tmp_path) -> None:
    link = tmp_path / "zero.ipynb"
    link.symlink_to("/dev/zero")
    assert "symbolic link" in refused(link)


def test_a_device_is_refused_as_a_device() -> None:
    assert "/dev/zero is a device, not a notebook file" in refused(Path("/dev/zero"))


def test_a_folder_named_like_a_notebook_is_refused_as_a_folder(tmp_path) -> None:
    (tmp_path / "a.ipynb").mkdir()
    assert "a.ipynb is a folder, not a notebook file" in refused(tmp_path / "a.ipynb")


def test_a_fifo_is_refused_at_once_instead_of_waiting_for_a_writer(tmp_path) -> None:
    fifo = tmp_path / "a.ipynb"
    os.mkfifo(fifo)
    error = without_blocking(fifo, lambda: read_notebook(fifo))
    assert isinstance(error, NotebookError)
    assert "a.ipynb is a named pipe (FIFO), not a notebook file" in str(error)


def test_a_missing_file_is_a_notebook_error(tmp_path) -> None:
    assert "never.ipynb does not exist" in refused(tmp_path / "never.ipynb")
    assert "does not exist" in refused(tmp_path / "no_folder" / "never.ipynb")


@pytest.mark.parametrize("linked", ["student", "assignment"])
def test_no_link_is_followed_below_nbgrader_submitted(tmp_path, linked: str) -> None:
    """A student's or assignment folder that is a link (to a classmate's) is refused by name."""
    (tmp_path / "submitted" / "alice" / "a").mkdir(parents=True)
    real = write(tmp_path / "submitted" / "alice" / "a" / "a.ipynb", notebook(GRADED))
    assert len(read_notebook(real)["cells"]) == 1
    if linked == "student":
        (tmp_path / "submitted" / "mallory").symlink_to(tmp_path / "submitted" / "alice")
    else:
        (tmp_path / "submitted" / "mallory").mkdir()
        (tmp_path / "submitted" / "mallory" / "a").symlink_to(real.parent)
    message = refused(tmp_path / "submitted" / "mallory" / "a" / "a.ipynb")
    name = "mallory" if linked == "student" else "a"
    assert f"{name} in " in message
    assert "is a symbolic link, not a notebook file" in message


def test_the_bytes_hashed_are_the_bytes_read(tmp_path) -> None:
    path = write(tmp_path / "a.ipynb", notebook(GRADED))
    submitted = read_submitted(path)
    assert submitted.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_30_mb_notebook_is_refused_with_its_size_and_the_cap(tmp_path) -> None:
    # A valid notebook, padded with blanks JSON allows: only its size is wrong.
    text = json.dumps(notebook(GRADED))
    path = write(tmp_path / "big.ipynb", text[:-1] + " " * 30_000_000 + text[-1])
    message = refused(path)
    assert "30.0 MB" in message
    assert f"{MAX_NOTEBOOK_BYTES / 1e6:g} MB" in message
    assert "clear the outputs" in message


def test_a_notebook_of_exactly_the_cap_still_reads(tmp_path) -> None:
    text = json.dumps(notebook(GRADED))
    padding = MAX_NOTEBOOK_BYTES - len(text)
    path = write(tmp_path / "full.ipynb", text[:-1] + " " * padding + text[-1])
    assert path.stat().st_size == MAX_NOTEBOOK_BYTES
    assert len(read_notebook(path)["cells"]) == 1


# ------------------------------------------------------------------------- what the file holds


def test_a_5000_digit_number_is_a_notebook_error(tmp_path) -> None:
    text = json.dumps(notebook(GRADED)).replace('"nbformat": 4', '"nbformat": ' + "9" * 5000)
    message = refused(write(tmp_path / "a.ipynb", text))
    assert "5000 characters long" in message


def test_a_long_float_is_a_notebook_error_too(tmp_path) -> None:
    text = json.dumps(notebook(GRADED)).replace('"nbformat": 4', '"nbformat": 4.' + "0" * 5000)
    assert "characters long" in refused(write(tmp_path / "a.ipynb", text))


@pytest.mark.parametrize("depth", [150, 100_000])
def test_deeply_nested_json_is_a_notebook_error_not_a_recursion_error(tmp_path, depth) -> None:
    bomb = "[" * depth + "]" * depth
    text = json.dumps(notebook(GRADED)).replace('"metadata": {}', f'"metadata": {{"x": {bomb}}}')
    assert "nested too deeply" in refused(write(tmp_path / "a.ipynb", text))


def test_nesting_a_real_notebook_needs_is_accepted(tmp_path) -> None:
    deep = "[" * 40 + "]" * 40
    text = json.dumps(notebook(GRADED)).replace('"metadata": {}', f'"metadata": {{"x": {deep}}}')
    assert len(read_notebook(write(tmp_path / "a.ipynb", text))["cells"]) == 1


def test_a_file_that_is_not_utf8_is_a_notebook_error(tmp_path) -> None:
    text = json.dumps(notebook(GRADED)).replace("double(x)", "d\u00e9double(x)")
    message = refused(write(tmp_path / "a.ipynb", text.encode("latin-1")))
    assert "not UTF-8" in message


def test_invalid_json_is_a_notebook_error(tmp_path) -> None:
    assert "not valid notebook JSON" in refused(write(tmp_path / "a.ipynb", '{"cells": ['))


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        ({**GRADED, "source": [1, 2]}, '"source" that is neither text'),
        ({**GRADED, "source": None}, '"source" that is neither text'),
        ({**GRADED, "source": {"a": 1}}, '"source" that is neither text'),
        ({key: GRADED[key] for key in ("cell_type", "metadata")}, '"source" that is neither text'),
        ({key: GRADED[key] for key in ("source", "metadata")}, 'no "cell_type"'),
        ({**GRADED, "cell_type": 3}, 'no "cell_type"'),
        ("print(1)", "is not a JSON object"),
        ([GRADED], "is not a JSON object"),
        ({**GRADED, "metadata": []}, '"metadata"'),
        ({**GRADED, "metadata": {"nbgrader": "yes"}}, '"metadata"'),
        ({**TEST_CELL, "metadata": {"nbgrader": {"grade_id": ["t"]}}}, "grade_id"),
        ({**TEST_CELL, "metadata": {"nbgrader": {"grade_id": "t", "points": "2"}}}, "points"),
        ({**TEST_CELL, "metadata": {"nbgrader": {"grade_id": "t", "points": True}}}, "points"),
    ],
)
def test_a_wrongly_shaped_cell_is_a_notebook_error_naming_the_cell(tmp_path, cell, words) -> None:
    message = refused(write(tmp_path / "a.ipynb", notebook(TEST_CELL, cell)))
    assert "cell 2 " in message
    assert words in message


def test_nan_points_are_a_notebook_error(tmp_path) -> None:
    text = json.dumps(notebook(TEST_CELL)).replace('"points": 2', '"points": NaN')
    assert "points" in refused(write(tmp_path / "a.ipynb", text))


@pytest.mark.parametrize("content", [[], "cells", {"cells": {"0": GRADED}}, {"nbformat": 4}])
def test_json_that_is_not_a_notebook_is_a_notebook_error(tmp_path, content) -> None:
    text = json.dumps(content)
    assert "no list of cells" in refused(write(tmp_path / "a.ipynb", text))


# ------------------------------------------------------- the readers, on data nobody checked


HOSTILE_CELLS = [
    {"source": [1, 2]},
    {"source": ["a", 3, "b"]},
    {"source": None},
    {"source": {"x": 1}},
    {"metadata": []},
    {"metadata": {"nbgrader": [1]}},
    {"metadata": {"nbgrader": {"grade": True, "grade_id": ["test_x"], "points": 1}}},
    {"metadata": {"nbgrader": {"grade": True, "grade_id": "test_x", "points": "many"}}},
    {"metadata": {"nbgrader": {"grade": True, "grade_id": "test_x", "points": [1]}}},
    {"metadata": {"nbgrader": {"grade": True, "grade_id": "test_x", "points": float("nan")}}},
    {"cell_type": "code", "source": 5},
    "a string",
    None,
    7,
]


@pytest.mark.parametrize("cell", HOSTILE_CELLS)
def test_cell_source_is_always_text(cell) -> None:
    assert isinstance(cell_source(cell), str)


def test_cell_source_keeps_the_text_of_a_list_and_drops_what_is_not_text() -> None:
    assert cell_source({"source": ["a\n", 3, "b"]}) == "a\nb"


@pytest.mark.parametrize("cell", HOSTILE_CELLS)
def test_the_readers_accept_any_cell_without_raising(cell) -> None:
    hostile = {"cells": [cell, TEST_CELL]}
    assert points_per_function(hostile) == {"double": 2.0}
    assert find_graded_cells(hostile, ["double"]).problems.keys() == {"double"}
    assert len(as_submission(hostile)["cells"]) == 2


@pytest.mark.parametrize("content", [[], None, "x", {"cells": 3}, {"cells": None}])
def test_the_readers_accept_a_notebook_that_is_not_one(content) -> None:
    assert points_per_function(content) == {}
    assert find_graded_cells(content, ["f"]).problems.keys() == {"f"}
