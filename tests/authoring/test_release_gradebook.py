"""`dnnkit release` and nbgrader's own generate commands give one release and one gradebook.

An instructor may generate a release three ways: ``dnnkit release``, ``nbgrader
generate_assignment --force`` and formgrader's Generate button (which calls
``NbGraderAPI.generate_assignment``). Each must give the committed release folder, support
modules and requirements.txt included, and register the assignment in the gradebook.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config, PyFileConfigLoader

from autograder.authoring.release import course_gradebook, environment_tools, release
from autograder.course.notebooks import points_per_function, read_notebook
from autograder.course.paths import KIT, NBGRADER_CONFIG, CoursePaths
from autograder.devtools.nbgrader_course import CONFIG, nbgrader
from tests.helpers.trees import tree_differences

ASSIGNMENT = "step_by_step"


@pytest.fixture
def course(tmp_path: Path) -> CoursePaths:
    """A course cloned from the kit: its config, support package and one solved notebook."""
    root = tmp_path / "course"
    (root / "source" / ASSIGNMENT).mkdir(parents=True)
    (root / NBGRADER_CONFIG).write_text(CONFIG.format(root=str(root)))
    shutil.copytree(KIT.support, root / "support", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(KIT.solved_notebook(ASSIGNMENT), root / "source" / ASSIGNMENT)
    return CoursePaths(root)


def registered(course: CoursePaths) -> dict[str, float]:
    """Points of each grade cell the gradebook holds for the assignment's notebook."""
    with Gradebook(course_gradebook(course)) as gradebook:
        notebook = gradebook.find_notebook(ASSIGNMENT, ASSIGNMENT)
        return {cell.name: cell.max_score for cell in notebook.grade_cells}


def expected_cells() -> dict[str, float]:
    """The solved notebook's own grade cells, read from its metadata."""
    points = points_per_function(read_notebook(KIT.solved_notebook(ASSIGNMENT)))
    return {f"test_{name}": value for name, value in points.items()}


def assert_committed_release(course: CoursePaths) -> None:
    differences = tree_differences(KIT.release / ASSIGNMENT, course.release / ASSIGNMENT)
    assert not differences, f"differs from the committed release in {differences}"


def test_dnnkit_release_registers_the_assignment_in_the_gradebook(course) -> None:
    release([ASSIGNMENT], course=course, gradebook=course_gradebook(course))
    assert registered(course) == expected_cells()
    assert_committed_release(course)


def test_without_a_gradebook_release_touches_none(course) -> None:
    release([ASSIGNMENT], course=course)
    assert not (course.root / "gradebook.db").exists()
    assert_committed_release(course)


def test_nbgrader_generate_assignment_force_keeps_support_and_requirements(course) -> None:
    for _ in range(2):  # the second --force is the one that used to delete them
        done = nbgrader(course.root, "generate_assignment", ASSIGNMENT, "--force")
        assert done.returncode == 0, done.stderr[-2000:]
        assert_committed_release(course)
    assert registered(course) == expected_cells()


def test_formgrader_generate_gives_the_same_release(course) -> None:
    """What formgrader's Generate button runs: NbGraderAPI.generate_assignment, in process."""
    release([ASSIGNMENT], course=course, gradebook=course_gradebook(course))
    config: Config = PyFileConfigLoader(NBGRADER_CONFIG, path=str(course.root)).load_config()
    api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
    with environment_tools():
        result = api.generate_assignment(ASSIGNMENT)
    assert result["success"], result.get("log")
    assert_committed_release(course)
    assert registered(course) == expected_cells()
