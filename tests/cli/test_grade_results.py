"""`dnnkit grade --results`: one file per submission as it is graded, skips, --force, a kill."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder.cli import main
from autograder.course.paths import KIT
from autograder.lessons.mutations import mutate
from autograder.lessons.step_by_step.mistakes import BY_SLUG
from tests.helpers.submissions import solved_submission, with_cell, write

WRONG = BY_SLUG["cost_no_one_over_m"]
LOOP = (
    "# GRADED FUNCTION: linear_forward\n"
    "def linear_forward(A, W, b):\n    while True:\n        pass\n"
)


def nbgrader_tree(root: Path, notebooks: dict[str, dict | str]) -> Path:
    tree = root / "submitted"
    for student, notebook in notebooks.items():
        folder = tree / student / "step_by_step"
        folder.mkdir(parents=True)
        write(folder, "step_by_step", notebook)
    return tree


def run(capsys, *args: str, code: int = 0) -> str:
    capsys.readouterr()
    assert main(["grade", *args]) == code
    return capsys.readouterr().out


def written(results: Path) -> dict[str, tuple[int, int]]:
    """Each result file's inode and modification time: a rewrite (a rename over it) changes them."""
    files = sorted((results / "step_by_step").glob("*.json"))
    return {path.stem: (path.stat().st_ino, path.stat().st_mtime_ns) for path in files}


def stored(results: Path) -> dict[str, dict]:
    return {
        path.stem: json.loads(path.read_text())
        for path in sorted((results / "step_by_step").glob("*.json"))
    }


@pytest.fixture
def course(tmp_path) -> tuple[Path, Path]:
    tree = nbgrader_tree(
        tmp_path,
        {
            "alice": solved_submission(),
            "bob": mutate(solved_submission(), WRONG),
            "carol": "{ not a notebook",
        },
    )
    return tree, tmp_path / "results"


def test_each_submission_gets_a_result_file_naming_student_file_and_isolation(course, capsys):
    tree, results = course
    out = run(capsys, str(tree), "--results", str(results), code=3)  # carol: not a notebook
    assert "graded 3, unchanged 0" in out
    records = stored(results)
    assert set(records) == {"alice", "bob", "carol"}
    for student, record in records.items():
        path = tree / student / "step_by_step" / "step_by_step.ipynb"
        assert record["student"] == student
        assert record["assignment"] == "step_by_step"
        assert record["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert "isolation" in record
        assert record["score"] == sum(t["score"] for t in record["tests"])
        assert all({"name", "score", "max_score", "output"} <= set(t) for t in record["tests"])
    assert records["alice"]["score"] == records["alice"]["max_score"] == 16
    failed = [t["name"] for t in records["bob"]["tests"] if t["status"] == "failed"]
    assert failed == [WRONG.function]
    assert records["carol"]["score"] == 0
    assert "is not valid notebook JSON" in records["carol"]["not_graded"]
    assert records["alice"]["not_graded"] is None


def test_unchanged_submissions_are_skipped_changed_ones_and_force_regrade(course, capsys):
    tree, results = course
    run(capsys, str(tree), "--results", str(results), code=3)
    first = written(results)
    # carol's notebook is still not one: unchanged, and still counted as not graded
    unchanged = run(capsys, str(tree), "--results", str(results), code=3)
    assert "graded 0, unchanged 3" in unchanged
    assert written(results) == first  # not rewritten
    write(tree / "bob" / "step_by_step", "step_by_step", solved_submission())
    again = run(capsys, str(tree), "--results", str(results), code=3)
    assert "graded 1, unchanged 2" in again
    assert stored(results)["bob"]["score"] == 16
    forced = run(capsys, str(tree), "--results", str(results), "--force", code=3)
    assert "graded 3, unchanged 0" in forced


def test_partial_credit_is_opt_in_and_a_change_of_scoring_regrades(tmp_path, capsys):
    half = with_cell(
        solved_submission(),
        "compute_cost",
        "# GRADED FUNCTION: compute_cost\nimport numpy as np\n"
        "def compute_cost(AL, Y):\n    return np.float64(0.5)\n",
    )
    tree = nbgrader_tree(tmp_path, {"dan": half})
    results = tmp_path / "results"
    run(capsys, str(tree), "--results", str(results))
    (test,) = [t for t in stored(results)["dan"]["tests"] if t["name"] == "compute_cost"]
    assert test["score"] == 0
    assert stored(results)["dan"]["scoring"] == "all-or-nothing"
    out = run(capsys, str(tree), "--results", str(results), "--partial-credit")
    assert "graded 1" in out
    record = stored(results)["dan"]
    (test,) = [t for t in record["tests"] if t["name"] == "compute_cost"]
    assert record["scoring"] == "partial-credit"
    assert test["score"] == round(test["max_score"] * test["passed_cases"] / test["cases"], 2)


def test_force_without_results_and_a_bad_shard_are_usage_errors(course, capsys):
    tree, _ = course
    assert main(["grade", str(tree), "--force"]) == 2
    assert main(["grade", str(tree), "--results", "r", "--shard", "2/2"]) == 2
    assert "--shard" in capsys.readouterr().err


def test_a_batch_killed_midway_keeps_every_saved_result_and_resumes_without_regrading(tmp_path):
    """Results are saved as each submission finishes, so a kill loses only those in flight."""
    notebooks: dict[str, dict | str] = {f"s{i:02d}": solved_submission() for i in range(6)}
    looping = with_cell(solved_submission(), "linear_forward", LOOP)
    notebooks |= {f"zz{i}": looping for i in range(3)}
    tree = nbgrader_tree(tmp_path, notebooks)
    results = tmp_path / "results"
    command = [sys.executable, "-m", "autograder.cli", "grade", str(tree), "--results"]
    command += [str(results), "--workers", "1", "--no-progress"]
    batch = subprocess.Popen(
        command, cwd=KIT.root, stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    deadline = time.monotonic() + 120
    try:
        while len(list(results.glob("step_by_step/*.json"))) < 6:
            assert batch.poll() is None, "the batch ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        os.killpg(batch.pid, signal.SIGKILL)  # the looping ones are still being graded
    finally:
        batch.wait(timeout=60)
    saved = stored(results)  # every file parses: none is half-written
    files = written(results)
    assert len(saved) < len(notebooks)
    assert {f"s{i:02d}" for i in range(6)} <= set(saved)
    resumed = subprocess.run(command, cwd=KIT.root, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert f"graded {len(notebooks) - len(saved)}, unchanged {len(saved)}" in resumed.stdout
    assert set(stored(results)) == set(notebooks)
    assert {name: written(results)[name] for name in saved} == files  # none regraded
