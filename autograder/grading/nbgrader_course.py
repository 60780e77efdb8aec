"""A throwaway nbgrader course, to grade submissions the nbgrader way (autograde, gradebook).

Used by the grading benchmark and the tests of the nbgrader path: the solved notebook goes into
``source/``, ``generate_assignment`` records it in a fresh gradebook, each submission goes to
``submitted/<student>/<assignment>/``, and ``nbgrader autograde`` runs the hidden test cells
(``autograder.grading.inline``) inside each student's kernel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from autograder.course.paths import KIT

BIN = Path(sys.executable).parent
CONFIG = """\
from pathlib import Path

from autograder.authoring.nbgrader_setup import configure
from autograder.course.paths import KIT, CoursePaths

configure(get_config(), CoursePaths(Path({root!r})), course_id="dnnkit-course")  # noqa: F821
"""


def nbgrader(root: Path, *args: str) -> subprocess.CompletedProcess:
    """Run an nbgrader command in the course (with the venv's tools, e.g. alembic, on PATH)."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(
        [str(BIN / "nbgrader"), *args], cwd=root, capture_output=True, text=True, env=env
    )


def make_course(root: Path, assignment_id: str, submissions: dict[str, Path]) -> None:
    """Create the course at ``root`` with one assignment and the given student submissions."""
    (root / "nbgrader_config.py").write_text(CONFIG.format(root=str(root)))
    source = root / "source" / assignment_id
    source.mkdir(parents=True)
    shutil.copy(KIT.solved_notebook(assignment_id), source)
    for args in (
        ("db", "assignment", "add", assignment_id),
        ("generate_assignment", assignment_id),
    ):
        done = nbgrader(root, *args, "--force") if args[0] != "db" else nbgrader(root, *args)
        if done.returncode != 0:
            raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    for student, path in submissions.items():
        folder = root / "submitted" / student / assignment_id
        folder.mkdir(parents=True)
        shutil.copy(path, folder / f"{assignment_id}.ipynb")


def autograde(root: Path, assignment_id: str) -> subprocess.CompletedProcess:
    """Run ``nbgrader autograde`` on every submission of the course."""
    return nbgrader(root, "autograde", assignment_id, "--force")


def scores(root: Path, assignment_id: str) -> dict[str, float]:
    """Each student's total score in the course's gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        return {
            submission.student.id: submission.score
            for submission in gradebook.assignment_submissions(assignment_id)
        }
