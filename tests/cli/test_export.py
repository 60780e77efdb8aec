"""`dnnkit export`: from a results folder to an LMS's CSV or to feedback pages, by the CLI."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from autograder.cli import main
from autograder.grading.result_store import ResultStore, make_record
from autograder.grading.results import CaseFailure, FunctionResult, SubmissionResult


@pytest.fixture
def results(tmp_path) -> Path:
    store = ResultStore(tmp_path / "results")
    for student, failures in (("alice", []), ("bob", [CaseFailure("hidden", ("<b>x</b>",))])):
        result = SubmissionResult(
            f"{student}.ipynb", [FunctionResult("f", 2.0, 3, failures=failures)]
        )
        store.save(
            make_record(
                student=student,
                assignment="step_by_step",
                submission=Path(f"{student}.ipynb"),
                sha256="0" * 64,
                fingerprint="fp",
                result=result,
            )
        )
    (store.root / "step_by_step" / "broken.json").write_text("{")
    return store.root


def test_csv_goes_to_stdout_and_unreadable_files_are_reported(results, capsys):
    assert main(["export", "--results", str(results), "--format", "csv"]) == 0
    captured = capsys.readouterr()
    rows = list(csv.reader(io.StringIO(captured.out)))
    assert rows == [
        ["student", "step_by_step: f", "step_by_step total"],
        ["alice", "2", "2"],
        ["bob", "0", "0"],
    ]
    assert "broken.json" in captured.err


def test_canvas_and_moodle_go_to_files(results, tmp_path, capsys):
    for fmt, first in (("canvas", "Student"), ("moodle", "Username")):
        out = tmp_path / "exports" / f"{fmt}.csv"
        assert main(["export", "--results", str(results), "--format", fmt, "-o", str(out)]) == 0
        assert out.read_text().split(",")[0] == first
    capsys.readouterr()


def test_feedback_writes_one_escaped_page_per_student(results, tmp_path, capsys):
    folder = tmp_path / "feedback"
    code = main(["export", "--results", str(results), "--format", "feedback", "-o", str(folder)])
    assert code == 0
    pages = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html"))
    assert pages == ["alice/step_by_step/step_by_step.html", "bob/step_by_step/step_by_step.html"]
    bob = (folder / pages[1]).read_text()
    assert "&lt;b&gt;x&lt;/b&gt;" in bob
    assert "<b>x" not in bob
    capsys.readouterr()


def test_missing_results_or_output_folder_are_errors(results, tmp_path, capsys):
    assert main(["export", "--results", str(tmp_path / "none"), "--format", "csv"]) == 2
    assert main(["export", "--results", str(results), "--format", "feedback"]) == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["export", "--results", str(empty), "--format", "canvas"]) == 2
    assert "no results" in capsys.readouterr().err
