"""The test cells SandboxedGrading writes, scored by nbgrader's own ``determine_grade``.

nbgrader decides a test cell's points from its outputs; these tests let nbgrader decide, so the
outputs must mean to nbgrader what the kit's result says.
"""

from __future__ import annotations

import nbformat
import pytest
from nbgrader.utils import determine_grade

from autograder.grading.nbgrader_autograde import (
    NO_FUNCTION,
    WITHOUT_ISOLATION,
    write_results,
)
from autograder.grading.results import CaseFailure, FunctionResult, SubmissionResult

ISOLATED = {"isolated": True}


def notebook(*grade_ids: str, points: float = 4) -> nbformat.NotebookNode:
    cells = [
        nbformat.v4.new_code_cell(
            "# GRADED FUNCTION: f\ndef f(x):\n    return x",
            metadata={"nbgrader": {"grade": False, "solution": True, "grade_id": "f"}},
        )
    ]
    for grade_id in grade_ids:
        cell = nbformat.v4.new_code_cell("f_test(f)")
        cell.metadata["nbgrader"] = {
            "grade": True,
            "solution": False,
            "locked": True,
            "grade_id": grade_id,
            "points": points,
        }
        cells.append(cell)
    return nbformat.v4.new_notebook(cells=cells)


def failing(cases: int, failed: int, partial: bool = False) -> FunctionResult:
    failures = [CaseFailure(f"hidden: case {i}", ("output is wrong",)) for i in range(failed)]
    return FunctionResult("f", 4, cases, failures, partial_credit=partial)


def graded(result: FunctionResult, isolation: dict = ISOLATED) -> nbformat.NotebookNode:
    nb = notebook("test_f")
    assert write_results(nb, SubmissionResult("s.ipynb", [result], isolation)) == 1
    return nb


def nbgrader_score(nb: nbformat.NotebookNode) -> float:
    (cell,) = [c for c in nb.cells if c.metadata["nbgrader"]["grade"]]
    score, maximum = determine_grade(cell)
    assert maximum == 4
    return score


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        (FunctionResult("f", 4, 3), 4),  # every case passed
        (failing(3, 3), 0),
        (failing(4, 1), 0),  # all or nothing by default
        (failing(4, 1, partial=True), 3),  # three of four cases: 3 of 4 points
        (failing(4, 4, partial=True), 0),
        (FunctionResult("f", 4, 3, not_graded="the cell raised NameError"), 0),
    ],
)
def test_nbgrader_awards_the_kit_s_score(result: FunctionResult, expected: float) -> None:
    assert result.score == expected  # the kit's own rule, stated independently above
    assert nbgrader_score(graded(result)) == expected


def test_the_feedback_is_the_cell_s_output() -> None:
    result = failing(3, 2)
    (output,) = graded(result).cells[1].outputs
    assert output.output_type == "error"
    assert "\n".join(output.traceback).endswith(result.feedback)
    assert "[hidden: case 0] output is wrong" in output.traceback


def test_a_test_cell_of_no_graded_function_earns_nothing() -> None:
    """Without outputs nbgrader would give such a cell full points."""
    nb = notebook("test_f", "test_extra")
    write_results(nb, SubmissionResult("s.ipynb", [FunctionResult("f", 4, 3)], ISOLATED))
    extra = nb.cells[2]
    assert determine_grade(extra) == (0, 4)
    assert NO_FUNCTION in extra.outputs[0].traceback


def test_a_result_graded_without_isolation_says_so_in_every_cell() -> None:
    nb = graded(FunctionResult("f", 4, 3), isolation={"isolated": False})
    assert nb.cells[1].outputs[0].text.startswith(WITHOUT_ISOLATION)
    assert nbgrader_score(nb) == 4
