"""The sample submissions of `dnnkit demo`: each costs exactly the points of its own mistake."""

from __future__ import annotations

from autograder.course.notebooks import points_per_function, read_notebook
from autograder.course.paths import solved_notebook_path
from autograder.grading.samples import DEMO_MISTAKES, grade_samples, write_samples
from autograder.lessons.step_by_step.mistakes import BY_SLUG


def test_samples_are_written_from_the_solved_notebook(tmp_path) -> None:
    paths = write_samples(tmp_path)
    names = [path.stem for path in paths]
    assert names[0] == "solved"
    assert [f"wrong_{slug}" for slug in DEMO_MISTAKES] == [
        n for n in names if n.startswith("wrong")
    ]
    assert all(path.exists() for path in paths)


def test_grade_table_scores_each_sample_by_its_own_mistake(tmp_path) -> None:
    table = grade_samples(tmp_path)
    points = points_per_function(read_notebook(solved_notebook_path("step_by_step")))
    total = sum(points.values())
    assert f"solved.ipynb: {total:g} / {total:g}" in table
    for slug in DEMO_MISTAKES:
        lost = points[BY_SLUG[slug].function]
        assert f"wrong_{slug}.ipynb: {total - lost:g} / {total:g}" in table
    if "untouched_release" in table:
        assert f"untouched_release.ipynb: 0 / {total:g}" in table
