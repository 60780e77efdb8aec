"""A failing visible check in a real Jupyter kernel: a short list, no kit traceback, Run All stops.

The kernel runs the lesson 1 check on a ``linear_backward`` that lost ``keepdims`` and keeps the
course's ``assert db.shape == b.shape`` (the student's usual situation), and on one without the
assert. What the student sees is the error output's traceback lines, as JupyterLab shows them.
"""

from __future__ import annotations

import re

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError

from autograder.authoring.execution import execute_notebook
from tests.helpers.data import ROOT

ANSI = re.compile(r"\x1b\[[0-9;]*m")

IMPORTS = "import numpy as np\nfrom support.step_by_step.checks import linear_backward_test"
WITH_ASSERT = """def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1) / m
    dA_prev = np.dot(W.T, dZ)
    assert db.shape == b.shape
    return dA_prev, dW, db"""
WITHOUT_ASSERT = WITH_ASSERT.replace("    assert db.shape == b.shape\n", "")


def run(*cells: str) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    with pytest.raises(CellExecutionError):
        execute_notebook(notebook, ROOT, timeout=60)
    return notebook


def shown(cell: nbformat.NotebookNode) -> list[str]:
    (error,) = [output for output in cell.outputs if output.output_type == "error"]
    assert error.ename == "CheckFailed"
    return ANSI.sub("", "\n".join(error.traceback)).splitlines()


@pytest.mark.parametrize(
    ("definition", "problem", "hint"),
    [
        (
            WITH_ASSERT,
            "[documented case] linear_backward raised AssertionError at line "
            "`assert db.shape == b.shape` (db has shape (1,), b has shape (1, 1))",
            "    Hint: db must keep the column shape of b, (n, 1): sum dZ over the examples "
            "(axis=1) with keepdims=True",
        ),
        (
            WITHOUT_ASSERT,
            "[documented case] db: keepdims lost: shape (1,); expected (1, 1) "
            "(sum with keepdims=True, or reshape to a column)",
            None,
        ),
    ],
)
def test_lost_keepdims_shows_a_short_list_and_stops_run_all(definition, problem, hint):
    notebook = run(IMPORTS, definition, "linear_backward_test(linear_backward)", "print('ran')")
    lines = shown(notebook.cells[2])
    assert lines[0] == "linear_backward failed 2 of 2 visible cases:"
    assert lines[1] == problem
    if hint is not None:
        assert lines[2] == hint
    assert len(lines) <= 5, lines
    assert not any("Traceback" in line or ".py" in line or "----> " in line for line in lines)
    assert notebook.cells[3].outputs == [], "Run All must stop at the failing check"
