"""Throwaway nbgrader courses for the tests, each assignment released once per session.

``autograder.devtools.nbgrader_course.make_course`` releases the assignment into a fresh
gradebook (nbgrader's generate_assignment: seconds). Every course a test makes holds the same
release of the same solved notebook, so :class:`Courses` builds one course per assignment with
``make_course`` itself and gives the next ones a copy of its release folder and gradebook in
place of the release step; everything else (configuration, support package, source, submissions)
is ``make_course``'s own.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from unittest import mock

from autograder.course.paths import CoursePaths
from autograder.devtools import nbgrader_course


class Courses:
    """Makes courses as ``make_course`` does, releasing each assignment only the first time."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder  # where the first course of each assignment is built
        self._released: dict[str, Path] = {}

    def make(
        self, root: Path, assignment: str, submissions: dict[str, Path], settings: str = ""
    ) -> None:
        """``make_course(root, assignment, submissions, settings)``, its release copied."""
        first = self._released.get(assignment) or self._release(assignment)

        def copy_release(assignments: list[str], course: CoursePaths, gradebook: str) -> None:
            assert assignments == [assignment], assignments
            shutil.copytree(first / "release" / assignment, course.release / assignment)
            # The gradebook is an SQLite file (``course_gradebook``): the first one, copied.
            shutil.copy(first / "gradebook.db", gradebook.removeprefix("sqlite:///"))

        with mock.patch.object(nbgrader_course, "release", copy_release):
            nbgrader_course.make_course(root, assignment, submissions, settings)

    def _release(self, assignment: str) -> Path:
        root = self.folder / assignment
        root.mkdir(parents=True)
        nbgrader_course.make_course(root, assignment, {})
        self._released[assignment] = root
        return root
