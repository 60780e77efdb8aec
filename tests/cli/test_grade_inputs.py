"""Who a submission belongs to, and what happens to inputs that are not notebooks.

A hostile student controls everything inside ``submitted/<student>/<assignment>/`` and can hand
in links, pipes and folders by a notebook's name. The rules (README, ``grading/batch.py``): the
student id is the folder directly under ``submitted/``; nothing a student places names, creates
or displaces another student or stops the batch; every input gets a record, graded or saying
why not; links are never followed; exit code 1 when some inputs could not be graded. Run as root
and as an ordinary user, through the command line.
"""

from __future__ import annotations

import glob
import json
import os
from pathlib import Path

import pytest

from tests.helpers.sandbox_modes import MODES, run_python
from tests.helpers.submissions import solved_submission, with_cell, write

ASSIGNMENT = "step_by_step"
SOLVED = solved_submission()
# Every function returns None: zero points wherever it is graded.
BLANK = with_cell(SOLVED, "linear_forward", "# GRADED FUNCTION: linear_forward\n")


def _notebook(submitted: Path, student: str, notebook: dict) -> Path:
    folder = submitted / student / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    return write(folder, ASSIGNMENT, notebook)


def _course(root: Path) -> Path:
    """A submitted/ tree with honest students, a planter, and every kind of non-notebook."""
    submitted = root / "submitted"
    alice = _notebook(submitted, "alice", SOLVED)
    _notebook(submitted, "bob", SOLVED)
    _notebook(submitted, "mallory", BLANK)
    planted = submitted / "mallory" / ASSIGNMENT / "submitted"
    _notebook(planted, "alice", BLANK)  # would displace alice, or stop the batch as a duplicate
    _notebook(planted, "zed", SOLVED)  # would create a student who never submitted
    (submitted / "mallory" / ASSIGNMENT / "nested").mkdir()
    (submitted / "mallory" / ASSIGNMENT / "nested" / f"{ASSIGNMENT}.ipynb").mkdir()
    (submitted / "nina" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").mkdir(parents=True)  # a folder
    targets = {
        "link_mem": "/proc/self/mem",
        "link_zero": "/dev/zero",
        "link_dangling": "/nonexistent/notebook.ipynb",
        "link_classmate": str(alice),
    }
    for student, target in targets.items():
        (submitted / student / ASSIGNMENT).mkdir(parents=True)
        (submitted / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").symlink_to(target)
    (submitted / "fifo" / ASSIGNMENT).mkdir(parents=True)
    os.mkfifo(submitted / "fifo" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    (submitted / "copycat").symlink_to(submitted / "alice")  # a student folder that is a link
    (submitted / "copycat2").mkdir()
    (submitted / "copycat2" / ASSIGNMENT).symlink_to(submitted / "alice" / ASSIGNMENT)
    (submitted / "empty" / ASSIGNMENT).mkdir(parents=True)  # no notebook handed in
    return submitted


EXPECTED_PROBLEMS = {
    "link_mem": "is a symbolic link",
    "link_zero": "is a symbolic link",
    "link_dangling": "is a symbolic link",
    "link_classmate": "is a symbolic link",
    "fifo": "is a named pipe (FIFO)",
    "nina": "is a folder, not a notebook file",
    "copycat": "is a symbolic link",
    "copycat2": "is a symbolic link",
    "empty": "does not exist",
}


def _grade(mode: str, inputs: list[str], *options: str) -> tuple[int, dict[str, dict], str]:
    argv = ["-m", "autograder.cli", "grade", "--json", "--no-progress", "--assignment"]
    finished = run_python(mode, *argv, ASSIGNMENT, *options, *inputs, timeout=300)
    assert finished.returncode in (0, 3), finished.stderr[-3000:]
    records = json.loads(finished.stdout)
    students = [record["student"] for record in records]
    assert len(students) == len(set(students)), f"a student graded twice: {students}"
    return finished.returncode, {r["student"]: r for r in records}, finished.stderr


@pytest.fixture(scope="module", params=MODES)
def course(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple:
    submitted = _course(tmp_path_factory.mktemp(f"inputs-{request.param}"))
    return request.param, submitted


def _check(code: int, records: dict[str, dict], stderr: str, expected: dict[str, str]) -> None:
    assert code == 3, "some inputs could not be graded: exit code 3"
    assert records["alice"]["score"] == records["alice"]["max_score"] == 16
    assert records["alice"]["not_graded"] is None
    assert records["bob"]["score"] == 16
    assert records["mallory"]["score"] < 16  # her own blank notebook, nobody else's
    assert records["mallory"]["submission"].endswith(f"mallory/{ASSIGNMENT}/{ASSIGNMENT}.ipynb")
    assert "zed" not in records
    for student, words in expected.items():
        record = records[student]
        assert words in record["not_graded"], (student, record["not_graded"])
        assert record["score"] == 0
        assert all(test["status"] == "failed" for test in record["tests"])
        assert f"not graded: {student} " in stderr
    assert set(records) == {"alice", "bob", "mallory", *expected}


def test_a_submitted_tree_gives_each_student_their_own_record(course: tuple) -> None:
    mode, submitted = course
    code, records, stderr = _grade(mode, [str(submitted)])
    _check(code, records, stderr, EXPECTED_PROBLEMS)


def test_the_readme_glob_gives_the_same_records(course: tuple) -> None:
    """The shell follows links while globbing; the grader does not when it reads."""
    mode, submitted = course
    inputs = sorted(glob.glob(f"{submitted}/*/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"))
    code, records, stderr = _grade(mode, inputs)
    expected = {k: v for k, v in EXPECTED_PROBLEMS.items() if k != "empty"}  # no file to match
    _check(code, records, stderr, expected)


def test_every_input_gets_a_result_file(course: tuple, tmp_path: Path) -> None:
    mode, submitted = course
    results = tmp_path / "results"
    results.mkdir(mode=0o777)
    argv = ["-m", "autograder.cli", "grade", "--no-progress", "--assignment", ASSIGNMENT]
    finished = run_python(mode, *argv, "--results", str(results), str(submitted), timeout=300)
    assert finished.returncode == 3, finished.stderr[-3000:]
    stored = {
        json.loads(path.read_text())["student"]: json.loads(path.read_text())
        for path in (results / ASSIGNMENT).glob("*.json")
    }
    assert set(stored) == {"alice", "bob", "mallory", *EXPECTED_PROBLEMS}
    assert stored["alice"]["score"] == 16
    assert "symbolic link" in stored["link_classmate"]["tests"][0]["output"]


def test_a_named_input_that_is_not_there_is_a_record_not_an_abort(tmp_path: Path) -> None:
    present = write(tmp_path, "olga", SOLVED)
    code, records, stderr = _grade("user", [str(present), str(tmp_path / "pavel.ipynb")])
    assert code == 3
    assert records["olga"]["score"] == 16
    assert "pavel.ipynb does not exist" in records["pavel"]["not_graded"]
    assert "not graded: pavel" in stderr
