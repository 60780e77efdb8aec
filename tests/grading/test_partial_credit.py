"""Partial credit: opt-in, points split over the cases that ran and passed, never unrun ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.course.notebooks import cell_source
from autograder.grading.grader import grade_paths
from autograder.grading.results import PARTIAL_CREDIT, CaseFailure, FunctionResult
from tests.helpers.submissions import graded_cell, solved_submission, with_cell, write


def test_all_or_nothing_stays_the_default():
    result = FunctionResult("f", 4.0, 4, failures=[CaseFailure("c1", ("wrong",))])
    assert result.score == 0.0
    result.partial_credit = True
    assert result.score == 3.0
    assert result.passed_cases == 3


def test_cases_that_never_ran_earn_nothing():
    stopped = CaseFailure("c2", ("your function ran out of time",), unrun=2)
    result = FunctionResult("f", 4.0, 4, failures=[stopped], partial_credit=True)
    assert result.passed_cases == 1
    assert result.score == 1.0


def test_a_function_not_graded_earns_nothing_and_one_that_passed_everything():
    assert FunctionResult("f", 2.0, 3, not_graded="crash", partial_credit=True).score == 0.0
    assert FunctionResult("f", 2.0, 3, partial_credit=True).score == 2.0
    thirds = FunctionResult("f", 1.0, 3, failures=[CaseFailure("a")], partial_credit=True)
    assert thirds.score == pytest.approx(0.67)


def test_a_function_that_loops_from_its_first_case_gets_no_partial_credit(tmp_path):
    """The sandbox stops a loop at the first case; the cases after it must not count as passed."""
    looping = (
        "# GRADED FUNCTION: linear_forward\n"
        "def linear_forward(A, W, b):\n"
        "    while True:\n"
        "        pass\n"
    )
    source = cell_source(graded_cell(solved_submission(), "linear_forward"))
    wrong_sign = source.replace("+ b", "- b")
    assert wrong_sign != source
    paths = [
        write(tmp_path, "looping", with_cell(solved_submission(), "linear_forward", looping)),
        write(tmp_path, "wrong", with_cell(solved_submission(), "linear_forward", wrong_sign)),
    ]
    results = grade_paths(paths, "step_by_step", scoring=PARTIAL_CREDIT)
    assert [result.scoring for result in results] == [PARTIAL_CREDIT] * 2
    graded = {Path(r.submission).stem: {t.name: t for t in r.tests} for r in results}
    loop = graded["looping"]["linear_forward"]
    assert loop.partial_credit  # scored in the mode chosen before grading, never rewritten
    assert loop.cases > 1
    assert loop.passed_cases == 0
    assert loop.score == 0
    wrong = graded["wrong"]["linear_forward"]
    assert 0 <= wrong.passed_cases < wrong.cases
    assert wrong.score == round(wrong.points * wrong.passed_cases / wrong.cases, 2)
