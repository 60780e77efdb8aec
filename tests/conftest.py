"""Fixtures shared by the whole suite: the kit's course folders, real data, reference functions."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest

from autograder.course.paths import KIT, CoursePaths
from autograder.grading.reference import load_reference
from autograder.grading.samples import DEMO_MISTAKES
from autograder.lessons.step_by_step.mistakes import BY_SLUG
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


# --- the sample submissions' grade table (`dnnkit demo`, autograder.grading.samples) -----------

SAMPLE_HEADER = re.compile(r"^(?P<path>\S+\.ipynb): (?P<score>[\d.]+) / (?P<max>[\d.]+)$", re.M)
SAMPLE_ROW = re.compile(r"^  (?P<name>\w+)\s+(?P<score>[\d.]+)/(?P<max>[\d.]+)\s+(?P<status>\w+)")


def read_grade_table(text: str) -> dict[str, dict]:
    """A grade table as data: submission stem -> score, max_score, rows (name -> row)."""
    tables = {}
    for header in SAMPLE_HEADER.finditer(text):
        rows = {}
        for line in text[header.end() + 1 :].splitlines():
            row = SAMPLE_ROW.match(line)
            if row is None:
                break
            rows[row["name"]] = (float(row["score"]), float(row["max"]), row["status"])
        stem = Path(header["path"]).stem
        tables[stem] = {"score": float(header["score"]), "max_score": float(header["max"])}
        tables[stem]["rows"] = rows
    return tables


def notebook_points(path: Path) -> dict[str, float]:
    """Points per graded function, read from the nbgrader metadata of its ``test_<name>`` cell."""
    points = {}
    for cell in json.loads(path.read_text())["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and str(meta.get("grade_id", "")).startswith("test_"):
            points[meta["grade_id"].removeprefix("test_")] = float(meta["points"])
    return points


@pytest.fixture(scope="session")
def points_of(kit: CoursePaths) -> Callable[[str], dict[str, float]]:
    """An assignment's points per function, read here from its solved notebook's metadata."""
    return lambda assignment: notebook_points(kit.solved_notebook(assignment))


@pytest.fixture(scope="session")
def assert_sample_table(points_of: Callable[[str], dict[str, float]]) -> Callable[[str], None]:
    """Check the samples' grade table as `dnnkit demo` must show it.

    In order: the solved notebook with full marks, the untouched release with 0, then each demo
    mistake failing exactly its own function and losing exactly that function's points.
    """
    points = points_of("step_by_step")
    total = sum(points.values())

    def check(text: str) -> None:
        failing = {"solved": [], "untouched_release": list(points)}
        failing |= {f"wrong_{slug}": [BY_SLUG[slug].function] for slug in DEMO_MISTAKES}
        tables = read_grade_table(text)
        assert list(tables) == list(failing), text
        for stem, functions in failing.items():
            table = tables[stem]
            assert list(table["rows"]) == list(points), (stem, text)
            for name, (score, max_score, status) in table["rows"].items():
                assert max_score == points[name], (stem, name)
                wanted = ("FAILED", 0) if name in functions else ("passed", points[name])
                assert (status, score) == wanted, (stem, name)
            lost = sum(points[name] for name in functions)
            assert (table["score"], table["max_score"]) == (total - lost, total), (stem, text)

    return check
