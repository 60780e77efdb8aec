"""Fixtures shared by the whole suite: the kit's course folders and the real data (with skips)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from autograder.course.paths import KIT, CoursePaths
from tests.helpers.data import CATVNONCAT, MNIST, require
from tests.helpers.grading_runs import close_shared_runs
from tests.helpers.nbgrader_courses import Courses
from tests.helpers.samples import notebook_points


@pytest.fixture(scope="session")
def kit() -> CoursePaths:
    """The kit's own course: ``source/``, ``release/``, ``support/`` at the repository root."""
    return KIT


@pytest.fixture
def catvnoncat_dir() -> Path:
    """Lesson 2's course files; the test skips, saying so, where they are absent."""
    require(CATVNONCAT, "train_catvnoncat.h5", "test_catvnoncat.h5")
    return CATVNONCAT


@pytest.fixture
def mnist_dir() -> Path:
    """The MNIST t10k files; the test skips, saying so, where they are absent."""
    require(MNIST, "t10k-images-idx3-ubyte*", "t10k-labels-idx1-ubyte*")
    return MNIST


@pytest.fixture(scope="session")
def points_of(kit: CoursePaths) -> Callable[[str], dict[str, float]]:
    """An assignment's points per function, read here from its solved notebook's metadata."""
    return lambda assignment: notebook_points(kit.solved_notebook(assignment))


@pytest.fixture(scope="session", autouse=True)
def shared_grading_runs() -> Iterator[None]:
    """The grading runs tests share (``tests/helpers/grading_runs.py``), closed at the end."""
    yield
    close_shared_runs()


@pytest.fixture(scope="session")
def nbgrader_courses(tmp_path_factory: pytest.TempPathFactory) -> Courses:
    """Makes throwaway nbgrader courses, releasing each assignment once per session."""
    return Courses(tmp_path_factory.mktemp("released_courses"))
