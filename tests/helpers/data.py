"""Where the course's real data lives for tests, and skipping with the reason when it is absent.

The real files sit in ``../shared/data/`` beside the repository (or where the lessons' own
environment variables point). Tests that need them skip, naming what is missing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from autograder.course.paths import KIT

ROOT = KIT.root
SHARED_DATA = ROOT.parent / "shared" / "data"


def course_data(variable: str, folder: str) -> Path:
    """``$variable`` when set, else ``../shared/data/<folder>``."""
    return Path(os.environ.get(variable) or SHARED_DATA / folder)


CATVNONCAT = course_data("DNNKIT_CATVNONCAT_DIR", "catvnoncat")
MNIST = course_data("DNNKIT_MNIST_DIR", "mnist")
VARIABLES = {CATVNONCAT: "DNNKIT_CATVNONCAT_DIR", MNIST: "DNNKIT_MNIST_DIR"}


def require(folder: Path, *patterns: str) -> list[Path]:
    """The files matching each pattern in ``folder``; skip the test, saying which, if any lacks."""
    elsewhere = f": put it there or point {VARIABLES[folder]} at it" if folder in VARIABLES else ""
    found = []
    for pattern in patterns:
        matches = sorted(folder.glob(pattern))
        if not matches:
            pytest.skip(f"needs {folder / pattern} (the course's real data{elsewhere}): not found")
        found += matches
    return found
