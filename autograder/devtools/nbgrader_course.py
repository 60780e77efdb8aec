"""A throwaway nbgrader course, to grade submissions the nbgrader way (autograde, gradebook).

Used by the grading benchmark and the tests of the nbgrader path: the solved notebook goes into
``source/`` (a copy of the kit's ``support`` package at the root, as in a course cloned from the
kit), ``dnnkit release`` records it in a fresh gradebook, each submission goes to
``submitted/<student>/<assignment>/``, and ``nbgrader autograde`` grades them through the kit's
configuration: in the sandbox (``autograder.grading.nbgrader_autograde``), no kernel started.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

from autograder.authoring.release import course_gradebook, release
from autograder.course.paths import KIT, CoursePaths

BIN = Path(sys.executable).parent
SUBMITTED_AT = "2026-11-29 10:00:00.000000 UTC"
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


def make_course(
    root: Path, assignment_id: str, submissions: dict[str, Path], settings: str = ""
) -> None:
    """Create the course at ``root`` with one assignment, released with ``dnnkit release``'s
    code into a fresh gradebook, and the given student submissions.

    ``settings`` are extra lines for its ``nbgrader_config.py`` (``c = get_config()`` is set).
    """
    config = CONFIG.format(root=str(root)) + (f"c = get_config()  # noqa: F821\n{settings}\n")
    (root / "nbgrader_config.py").write_text(config)
    # A course is a copy of the kit: releases carry modules of its support package.
    shutil.copytree(KIT.support, root / "support", ignore=shutil.ignore_patterns("__pycache__"))
    source = root / "source" / assignment_id
    source.mkdir(parents=True)
    shutil.copy(KIT.solved_notebook(assignment_id), source)
    course = CoursePaths(root)
    release([assignment_id], course=course, gradebook=course_gradebook(course))
    for student, path in submissions.items():
        folder = root / "submitted" / student / assignment_id
        folder.mkdir(parents=True)
        shutil.copy(path, folder / f"{assignment_id}.ipynb")
        # As `nbgrader submit` and `collect` leave them: release_feedback names the feedback
        # after both.
        (folder / "timestamp.txt").write_text(SUBMITTED_AT)
        (folder / "submission_secret.txt").write_text(secrets.token_hex(16))


def autograde(root: Path, assignment_id: str) -> subprocess.CompletedProcess:
    """Run ``nbgrader autograde`` on every submission of the course."""
    return nbgrader(root, "autograde", assignment_id, "--force")


def scores(root: Path, assignment_id: str) -> dict[str, float]:
    """Each student's total score in the course's gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(course_gradebook(CoursePaths(root))) as gradebook:
        return {
            submission.student.id: submission.score
            for submission in gradebook.assignment_submissions(assignment_id)
        }
