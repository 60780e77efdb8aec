"""Exports: the column layouts of Canvas's and Moodle's gradebook imports, and feedback pages."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from autograder.grading.exports import (
    ExportError,
    feedback_html,
    feedback_path,
    gradebook_rows,
    read_roster,
    write_rows,
)


def rec(student: str, scores: dict[str, float], assignment: str = "step_by_step") -> dict:
    points = {"f": 2.0, "g": 1.0}
    tests = [
        {
            "name": name,
            "score": scores[name],
            "max_score": points[name],
            "status": "passed" if scores[name] == points[name] else "failed",
            "output": "All 3 cases passed.",
        }
        for name in points
    ]
    return {
        "student": student,
        "assignment": assignment,
        "score": sum(scores.values()),
        "max_score": 3.0,
        "sha256": "ab" * 32,
        "graded_at": "2026-01-01T00:00:00+00:00",
        "tests": tests,
    }


RECORDS = [rec("bob", {"f": 2.0, "g": 0.0}), rec("alice", {"f": 1.5, "g": 1.0})]


def parsed(rows: list[list[str]]) -> list[list[str]]:
    out = io.StringIO()
    write_rows(rows, out)
    return list(csv.reader(io.StringIO(out.getvalue())))


def test_plain_csv_is_one_row_per_student_one_column_per_function_and_the_total():
    rows, _ = gradebook_rows(RECORDS, "csv")
    assert parsed(rows) == [
        ["student", "step_by_step: f", "step_by_step: g", "step_by_step total"],
        ["alice", "1.5", "1", "2.5"],
        ["bob", "2", "0", "2"],
    ]


def test_canvas_layout_is_what_its_importer_checks():
    rows, unmatched = gradebook_rows(RECORDS, "canvas")
    header, points, *students = parsed(rows)
    # Canvas: Student, ID, then SIS User ID and SIS Login ID, the last student column Section.
    assert header[:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert header[5:] == ["step_by_step: f", "step_by_step: g", "step_by_step total"]
    assert points[0].strip() == "Points Possible"
    assert points[5:] == ["2", "1", "3"]
    assert students[0] == ["alice", "", "", "alice", "", "1.5", "1", "2.5"]
    assert unmatched == []


def test_canvas_roster_fills_in_the_ids_canvas_matches_on(tmp_path):
    roster = tmp_path / "export.csv"
    roster.write_text(
        "Student,ID,SIS User ID,SIS Login ID,Section,Quiz 1 (12)\n"
        "    Points Possible,,,,,10\n"
        '"Doe, Alice",101,S-1,alice,Sec A,9\n'
    )
    rows, unmatched = gradebook_rows(RECORDS, "canvas", read_roster(roster))
    students = parsed(rows)[2:]
    assert students[0][:5] == ["Doe, Alice", "101", "S-1", "alice", "Sec A"]
    assert unmatched == ["bob"]
    not_canvas = tmp_path / "other.csv"
    not_canvas.write_text("name,score\nalice,1\n")
    with pytest.raises(ExportError, match="not a Canvas gradebook"):
        read_roster(not_canvas)


def test_moodle_layout_is_an_identifier_column_then_numeric_grade_columns():
    rows, _ = gradebook_rows(RECORDS, "moodle")
    header, *students = parsed(rows)
    assert header == ["Username", "step_by_step: f", "step_by_step: g", "step_by_step total"]
    assert all(float(cell) >= 0 for row in students for cell in row[1:])


def test_several_assignments_share_rows_and_missing_results_stay_blank():
    digits = rec("alice", {"f": 2.0, "g": 1.0}, assignment="digits")
    rows, _ = gradebook_rows([*RECORDS, digits], "csv")
    header, alice, bob = parsed(rows)
    assert header[1:4] == ["digits: f", "digits: g", "digits total"]
    assert alice[1:4] == ["2", "1", "3"]
    assert bob[1:4] == ["", "", ""]


def test_text_a_spreadsheet_would_run_as_a_formula_is_quoted():
    rows, _ = gradebook_rows([rec("=HYPERLINK(1)", {"f": 0.0, "g": 0.0})], "csv")
    assert parsed(rows)[1][0] == "'=HYPERLINK(1)"


def test_nothing_to_export_is_an_error():
    with pytest.raises(ExportError):
        gradebook_rows([], "canvas")


def test_feedback_pages_escape_what_the_student_controls_and_use_nbgrader_layout():
    hostile = rec("<b>eve</b>", {"f": 0.0, "g": 1.0})
    hostile["tests"][0]["output"] = 'Not graded.\n<script>alert("x")</script><img src=x onerror=1>'
    hostile["tests"][0]["name"] = 'f" onmouseover="alert(1)'
    page = feedback_html(hostile)
    assert "<script" not in page
    assert "<img" not in page
    assert "<b>eve" not in page
    assert "&lt;script&gt;" in page
    assert "&lt;b&gt;eve&lt;/b&gt;" in page
    assert 'onmouseover="' not in page
    assert "Content-Security-Policy" in page
    assert "default-src 'none'" in page
    path = feedback_path(Path("feedback"), rec("alice", {"f": 2.0, "g": 1.0}))
    assert path == Path("feedback/alice/step_by_step/step_by_step.html")
