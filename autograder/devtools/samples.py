"""Sample submissions of lesson 1 for ``dnnkit demo``, and grading them.

The samples are generated, not stored: the solved notebook as a student would hand it in, the
untouched student release, a few realistic mistakes from lesson 1's catalogue
(``autograder.lessons.step_by_step.mistakes``, the same recipes the tests use) and one runaway
infinite loop. The grade table shows each costing exactly the points of the function it sits in.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from autograder.course.notebooks import as_submission, read_notebook
from autograder.course.paths import KIT
from autograder.grading.grader import grade_paths
from autograder.grading.reports import render_table
from autograder.lessons.mutations import mutate
from autograder.lessons.step_by_step.mistakes import BY_SLUG

ASSIGNMENT = "step_by_step"
SAMPLES_DIR = KIT.root / "samples" / ASSIGNMENT
DEMO_MISTAKES = (
    "cost_no_one_over_m",
    "model_backward_sigmoid_in_relu_loop",
    "update_erratum_7_range",
    "forward_top_level_loop",
)


def write_samples(directory: Path = SAMPLES_DIR) -> list[Path]:
    """Write the sample submissions into ``directory`` and return their paths, in table order."""
    directory.mkdir(parents=True, exist_ok=True)
    solved = as_submission(read_notebook(KIT.solved_notebook(ASSIGNMENT)))
    notebooks = {"solved": solved}
    notebooks |= {f"wrong_{slug}": mutate(solved, BY_SLUG[slug]) for slug in DEMO_MISTAKES}
    paths = []
    for name, notebook in notebooks.items():
        path = directory / f"{name}.ipynb"
        path.write_text(json.dumps(notebook, indent=1))
        paths.append(path)
    release = KIT.released_notebook(ASSIGNMENT)
    if release.exists():
        paths.insert(1, Path(shutil.copyfile(release, directory / "untouched_release.ipynb")))
    return paths


def grade_samples(directory: Path = SAMPLES_DIR, workers: int | None = None) -> str:
    """Write the samples, grade them in the sandbox, and return the grade table as text."""
    results = grade_paths(write_samples(directory), ASSIGNMENT, workers)
    for result in results:
        result.submission = os.path.relpath(result.submission, KIT.root)
    return render_table(results)
