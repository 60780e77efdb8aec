"""Where a course's folders are: the one owner of course paths, as nbgrader's CourseDirectory is.

The kit's own repository is the default course (its root is the nbgrader course root); a test
or a command can point a :class:`CoursePaths` anywhere else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

KIT_ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENT_ID = re.compile(r"[a-z_][a-z0-9_]*")
SUPPORT_PACKAGE = "support"
NBGRADER_CONFIG = "nbgrader_config.py"


@dataclass(frozen=True)
class CoursePaths:
    """The folders of one course: ``source/<id>/<id>.ipynb`` solved, ``release/<id>/`` generated."""

    root: Path = KIT_ROOT
    source_folder: str = "source"
    release_folder: str = "release"

    @property
    def source(self) -> Path:
        return self.root / self.source_folder

    @property
    def release(self) -> Path:
        return self.root / self.release_folder

    @property
    def support(self) -> Path:
        """The student-side package every release carries a part of."""
        return self.root / SUPPORT_PACKAGE

    @property
    def nbgrader_config(self) -> Path:
        return self.root / NBGRADER_CONFIG

    def solved_notebook(self, assignment_id: str) -> Path:
        return self.source / assignment_id / f"{assignment_id}.ipynb"

    def released_notebook(self, assignment_id: str) -> Path:
        return self.release / assignment_id / f"{assignment_id}.ipynb"

    def assignment_ids(self) -> list[str]:
        """Every folder under ``source/`` that holds a notebook, sorted."""
        return sorted(
            path.parent.name
            for path in self.source.glob("*/*.ipynb")
            if ".ipynb_checkpoints" not in path.parts
        )

    def has_assignment(self, candidate: str) -> bool:
        """Whether ``candidate`` is a well-formed id with a solved notebook in this course."""
        return (
            bool(ASSIGNMENT_ID.fullmatch(candidate)) and self.solved_notebook(candidate).is_file()
        )


KIT = CoursePaths()
