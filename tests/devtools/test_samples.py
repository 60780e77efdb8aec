"""The sample submissions of `dnnkit demo`: each costs exactly the points of its own mistake."""

from __future__ import annotations

from autograder.devtools.samples import DEMO_MISTAKES, grade_samples, write_samples
from tests.helpers.samples import assert_sample_table


def test_samples_are_written_from_the_solved_notebook(tmp_path) -> None:
    paths = write_samples(tmp_path)
    names = [path.stem for path in paths]
    assert names[0] == "solved"
    assert [f"wrong_{slug}" for slug in DEMO_MISTAKES] == [
        n for n in names if n.startswith("wrong")
    ]
    assert all(path.exists() for path in paths)


def test_grade_table_scores_each_sample_by_its_own_mistake(tmp_path, kit) -> None:
    """Solved: full marks; untouched release: 0; each mistake: only its function's points lost."""
    assert kit.released_notebook("step_by_step").is_file(), (
        "release/step_by_step/step_by_step.ipynb is missing: run `dnnkit release`"
    )
    assert_sample_table(grade_samples(tmp_path))
