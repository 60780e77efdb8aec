"""`dnnkit demo` end to end, on a copy of the course in a temporary folder.

The demo writes ``release/`` and ``samples/`` under its course root, so the test points it at a
copy holding lesson 1 only (the other lessons' notebooks take half a minute each to run; they are
validated by ``tests/e2e`` and released by ``tests/authoring/test_release.py``). The repository
must come out of it untouched.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pytest

from autograder.cli import demo
from autograder.course.paths import CoursePaths
from autograder.devtools import samples
from tests.helpers.samples import assert_sample_table

ASSIGNMENT = "step_by_step"


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folder`` with its size and modification time."""
    return {
        str(path.relative_to(folder)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def course_copy(tmp_path: Path, kit: CoursePaths) -> CoursePaths:
    """The kit's configuration, support package and lesson 1's solved notebook, in tmp."""
    root = tmp_path / "course"
    (root / "source").mkdir(parents=True)
    shutil.copy(kit.nbgrader_config, root)
    shutil.copytree(kit.support, root / "support", ignore=shutil.ignore_patterns("__py*"))
    shutil.copytree(kit.source / ASSIGNMENT, root / "source" / ASSIGNMENT)
    return CoursePaths(root)


def test_demo_releases_validates_and_grades_without_touching_the_repository(
    course_copy: CoursePaths, kit: CoursePaths, monkeypatch, capsys
) -> None:
    release_before = snapshot(kit.release)
    samples_existed = (kit.root / "samples").exists()
    samples_folder = course_copy.root / "samples" / ASSIGNMENT
    monkeypatch.setattr(demo, "KIT", course_copy)
    monkeypatch.setattr(samples, "KIT", course_copy)
    monkeypatch.setattr(demo, "grade_samples", lambda: samples.grade_samples(samples_folder))

    assert demo.run(argparse.Namespace()) == 0

    out = capsys.readouterr().out
    steps = [line for line in out.splitlines() if line.startswith("== ")]
    assert [step[:5] for step in steps] == ["== 1.", "== 2.", "== 3."], out
    # 1. the release was built in the copy, with placeholders and without hidden tests
    assert f"released {ASSIGNMENT} -> release/{ASSIGNMENT}" in out
    released = (course_copy.release / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text()
    assert "### START CODE HERE ###" in released
    assert "HIDDEN TESTS" not in released
    # 2. the solved notebook ran: one visible check per graded function (ten in SPEC's table)
    assert f"{ASSIGNMENT}: ran in " in out
    assert "10 check(s) passed for 10 graded function(s)" in out
    # 3. the samples were written in the copy and graded as the demo must show them
    assert sorted(p.name for p in samples_folder.iterdir()) == sorted(
        ["solved.ipynb", "untouched_release.ipynb"]
        + [f"wrong_{slug}.ipynb" for slug in samples.DEMO_MISTAKES]
    )
    assert_sample_table(out[out.index("== 3.") :])
    # and the repository is as it was
    assert snapshot(kit.release) == release_before
    assert (kit.root / "samples").exists() == samples_existed
