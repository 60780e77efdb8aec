"""``dnnkit release``: build every student release from the solved notebooks, or fail loudly.

Each assignment goes through nbgrader's own ``generate_assignment`` with the kit's
``nbgrader_config.py``, whose last step adds the ``support`` modules the notebook imports and
``requirements.txt`` (``authoring.release_files``), so the release folder runs on its own. With a
gradebook, the assignment, its notebooks and grade cells are registered as nbgrader's own
``generate_assignment`` registers them, ready for ``nbgrader autograde``. The result is verified
before the command reports success: a release that lost its markers or kept a hidden test is an
error.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import nbformat
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config, PyFileConfigLoader

from autograder.course.markers import (
    BEGIN_SOLUTION,
    END_SOLUTION,
    graded_name,
    has_hidden_tests,
)
from autograder.course.paths import KIT, NBGRADER_CONFIG, CoursePaths


class ReleaseError(RuntimeError):
    """The release could not be built or failed its verification."""


def load_config(course: CoursePaths) -> Config:
    """Load ``nbgrader_config.py``, letting any error in it surface instead of being ignored."""
    path = course.nbgrader_config
    if not path.is_file():
        raise ReleaseError(f"{path} not found: the kit's nbgrader configuration is missing")
    try:
        return PyFileConfigLoader(NBGRADER_CONFIG, path=str(course.root)).load_config()
    except Exception as error:
        raise ReleaseError(f"{path} raised {type(error).__name__}: {error}") from error


def verify_release(notebook: Path) -> None:
    """Refuse a release whose graded cells lost their markers or that still holds hidden tests."""
    released = nbformat.read(notebook, as_version=4)
    problems = []
    for cell in released.cells:
        text = cell.source
        if has_hidden_tests(text):
            problems.append("a hidden test block is still present")
        name = graded_name(text) if cell.cell_type == "code" else None
        if name:
            if BEGIN_SOLUTION not in text or END_SOLUTION not in text:
                problems.append(f"graded cell {name} lost its START/END markers")
            if "NotImplementedError" in text:
                problems.append(f"graded cell {name} was blanked by nbgrader's stub")
    if problems:
        raise ReleaseError(f"{notebook}: " + "; ".join(problems))


@contextmanager
def environment_tools() -> Iterator[None]:
    """This environment's commands first on PATH: a new gradebook runs ``alembic`` by name, and
    ``.venv/bin/dnnkit`` is often run without the environment activated."""
    before = os.environ.get("PATH", "")
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), before])
    try:
        yield
    finally:
        os.environ["PATH"] = before


def generate(
    assignment: str, course: CoursePaths, output: Path, config: Config, gradebook: str | None
) -> Path:
    """Run nbgrader's generate_assignment for one assignment into ``output/assignment``,
    registering it in the ``gradebook`` database (a SQLAlchemy URL), if one is given."""
    config.CourseDirectory.root = str(course.root)
    config.CourseDirectory.release_directory = str(output)
    if gradebook is None:
        config.GenerateAssignment.no_database = True
        config.SaveCells.enabled = False
    else:
        config.CourseDirectory.db_url = gradebook
    api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
    with environment_tools():
        result = api.generate_assignment(assignment, force=True, create=True)
    if not result["success"]:
        detail = "\n".join(filter(None, [result.get("log"), result.get("error")])) or "no details"
        raise ReleaseError(f"nbgrader generate_assignment failed for {assignment}:\n{detail}")
    destination = output / assignment
    notebooks = sorted(destination.glob("*.ipynb"))
    if not notebooks:
        raise ReleaseError(f"nbgrader produced no notebook in {destination}")
    for notebook in notebooks:
        verify_release(notebook)
    return destination


def course_gradebook(course: CoursePaths) -> str:
    """nbgrader's default gradebook of the course: ``gradebook.db`` at its root."""
    return f"sqlite:///{(course.root / 'gradebook.db').resolve()}"


def release(
    assignments: list[str] | None = None,
    course: CoursePaths = KIT,
    output: Path | None = None,
    gradebook: str | None = None,
) -> list[Path]:
    """Build the releases of ``assignments`` (default: all) under ``output`` (default: release/).

    ``gradebook`` (a database URL, see :func:`course_gradebook`) also registers each assignment
    there; None builds the files only.
    """
    output = (output or course.release).resolve()
    known = course.assignment_ids()
    wanted = assignments or known
    unknown = sorted(set(wanted) - set(known))
    if unknown:
        raise ReleaseError(f"unknown assignment(s) {unknown}; known: {known}")
    built = []
    for assignment in wanted:
        built.append(generate(assignment, course, output, load_config(course), gradebook))
    return built
