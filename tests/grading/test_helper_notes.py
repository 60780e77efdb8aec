"""A helper cell that never finished running in its own job is not run again for its callers."""

from __future__ import annotations

from autograder.grading.feedback import render_feedback
from autograder.lessons.mutations import mutate
from autograder.lessons.step_by_step.mistakes import RUNAWAY
from tests.helpers.submissions import grade_all, solved_submission, write


def test_callers_of_a_looping_helper_cell_pass_and_name_that_cell(tmp_path) -> None:
    graded = grade_all([write(tmp_path, "looping", mutate(solved_submission(), RUNAWAY))])[
        "looping"
    ]
    assert "running your cell used more than" in graded["linear_forward"].not_graded
    for caller in ("linear_activation_forward", "L_model_forward"):
        result = graded[caller]
        assert result.passed
        assert result.helper_note is not None
        assert result.helper_note.broken == ("linear_forward",)
        (problem,) = result.helper_note.failure.problems
        assert problem.startswith("running your linear_forward cell used more than")
        assert "With your own linear_forward this function would fail" in render_feedback(result)
