"""The nbgrader path: `nbgrader autograde` runs the same hidden tests from the locked cells."""

from __future__ import annotations

from autograder.course.notebooks import points_per_function, read_notebook
from autograder.course.paths import KIT
from autograder.grading.nbgrader_course import autograde, make_course, scores
from autograder.lessons.mutations import mutate
from autograder.lessons.step_by_step.mistakes import BY_SLUG
from tests.helpers.submissions import solved_submission, write


def test_nbgrader_autograde_scores_right_and_wrong_submissions(tmp_path) -> None:
    solved = solved_submission()
    mistake = BY_SLUG["cost_no_one_over_m"]
    submissions = {
        "right": write(tmp_path, "right", solved),
        "wrong": write(tmp_path, "wrong", mutate(solved, mistake)),
    }
    course = tmp_path / "course"
    course.mkdir()
    make_course(course, "step_by_step", submissions)
    done = autograde(course, "step_by_step")
    assert done.returncode == 0, done.stderr[-2000:]
    points = points_per_function(read_notebook(KIT.solved_notebook("step_by_step")))
    total = sum(points.values())
    assert scores(course, "step_by_step") == {
        "right": total,
        "wrong": total - points[mistake.function],
    }
