"""Fixtures shared by the whole suite: the kit's course folders, real data, reference functions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest

from autograder.course.paths import KIT, CoursePaths
from autograder.grading.reference import load_reference
from tests.helpers.data import CATVNONCAT, MNIST, require


@pytest.fixture(scope="session")
def kit() -> CoursePaths:
    """The kit's own course: ``source/``, ``release/``, ``support/`` at the repository root."""
    return KIT


@pytest.fixture(scope="session")
def reference() -> Callable[[str], SimpleNamespace]:
    """The solved notebook's functions of an assignment, by id (run once per process)."""
    return load_reference


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
