"""Grades out of a results folder: gradebook CSVs for an LMS, and one feedback page per student.

One row per student, one column per graded function and one total per assignment, in the layout
each gradebook import reads:

- ``csv``: ``student`` then the grade columns; for scripts and spreadsheets.
- ``canvas``: Canvas's own gradebook layout, which its importer checks: ``Student``, ``ID``,
  ``SIS User ID``, ``SIS Login ID``, ``Section`` (the last student column must be ``Section``),
  then one column per grade (a column whose title is not an existing assignment becomes a new
  one), and a ``Points Possible`` row right under the header, which sets new assignments' points.
  Canvas finds a student by ``ID`` first, then ``SIS User ID``, ``SIS Login ID``, then name; the
  kit knows only the student id, written as ``SIS Login ID`` and ``Student``. With ``roster`` (a
  gradebook exported from the course's Canvas) the five student columns are copied from the row
  whose ``SIS Login ID``, ``SIS User ID`` or ``ID`` is the student id, so every row matches.
- ``moodle``: ``Username`` then the grade columns. Moodle's "Import grades: CSV file" asks which
  column identifies the user (map ``Username`` to username, or to ID number or email address,
  whichever the student ids are) and maps each grade column to a grade item (new or existing);
  numbers use a dot, an empty cell means no grade.

Column titles: ``<assignment>: <function>`` and ``<assignment> total``. Text cells that a
spreadsheet would take for a formula (a leading ``=``, ``+``, ``-``, ``@``) get a leading quote.

Feedback pages follow nbgrader's layout, ``feedback/<student>/<assignment>/<assignment>.html``.
Feedback quotes what the student's code did (an error message, a file name), so every text is
HTML-escaped and each page forbids scripts, styles from elsewhere and any request
(Content-Security-Policy) in case a browser or viewer is ever lenient.
"""

from __future__ import annotations

import csv
import html
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from autograder.grading.result_store import file_stem

FORMATS = ("csv", "canvas", "moodle")
CANVAS_STUDENT_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_POINTS_ROW = "    Points Possible"  # as Canvas writes it; its importer matches the words
CANVAS_MATCH_ORDER = ("SIS Login ID", "SIS User ID", "ID")
MOODLE_USER_COLUMN = "Username"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'"


class ExportError(ValueError):
    """The results cannot be exported as asked (no results, a roster without the columns)."""


@dataclass(frozen=True)
class Column:
    """One grade column: an assignment's function (or its total, ``function`` None)."""

    assignment: str
    function: str | None
    points: float

    @property
    def title(self) -> str:
        if self.function is None:
            return f"{self.assignment} total"
        return f"{self.assignment}: {self.function}"


def grade_columns(records: Iterable[dict]) -> list[Column]:
    """Per assignment (sorted): its functions in grading order, then its total."""
    functions: dict[str, dict[str, float]] = {}
    totals: dict[str, float] = {}
    for record in records:
        assignment = record["assignment"]
        known = functions.setdefault(assignment, {})
        for test in record["tests"]:
            known.setdefault(str(test["name"]), float(test["max_score"]))
        totals[assignment] = max(totals.get(assignment, 0.0), float(record["max_score"]))
    columns = []
    for assignment in sorted(functions):
        columns += [Column(assignment, name, pts) for name, pts in functions[assignment].items()]
        columns.append(Column(assignment, None, totals[assignment]))
    return columns


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _text(value: str) -> str:
    """A text cell a spreadsheet will not run as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _grades(records: list[dict], columns: list[Column]) -> dict[str, list[str]]:
    """Student id -> the grade cells of ``columns`` (empty where there is no result)."""
    by_student: dict[str, dict[tuple[str, str | None], float]] = {}
    for record in records:
        cells = by_student.setdefault(record["student"], {})
        for test in record["tests"]:
            cells[(record["assignment"], str(test["name"]))] = float(test["score"])
        cells[(record["assignment"], None)] = float(record["score"])
    return {
        student: [_number(cells.get((c.assignment, c.function))) for c in columns]
        for student, cells in sorted(by_student.items())
    }


def read_roster(path: Path) -> list[dict[str, str]]:
    """The student rows of a Canvas gradebook export (its Points Possible row left out)."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    if not rows or not set(CANVAS_STUDENT_COLUMNS) <= set(rows[0]):
        raise ExportError(
            f"{path} is not a Canvas gradebook export: it needs the columns "
            f"{', '.join(CANVAS_STUDENT_COLUMNS)}"
        )
    return [row for row in rows if "Points Possible" not in (row.get("Student") or "")]


def gradebook_rows(
    records: list[dict], fmt: str, roster: list[dict[str, str]] | None = None
) -> tuple[list[list[str]], list[str]]:
    """The CSV rows of one export, and the student ids a roster did not have (if one was given)."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    if not records:
        raise ExportError("no results to export")
    columns = grade_columns(records)
    titles = [column.title for column in columns]
    grades = _grades(records, columns)
    unmatched: list[str] = []
    if fmt == "csv":
        rows = [["student", *titles]]
        rows += [[_text(student), *cells] for student, cells in grades.items()]
    elif fmt == "moodle":
        rows = [[MOODLE_USER_COLUMN, *titles]]
        rows += [[_text(student), *cells] for student, cells in grades.items()]
    else:
        rows = [list(CANVAS_STUDENT_COLUMNS) + titles]
        rows.append([CANVAS_POINTS_ROW, "", "", "", "", *[_number(c.points) for c in columns]])
        for student, cells in grades.items():
            match = _roster_row(roster, student) if roster is not None else None
            if roster is not None and match is None:
                unmatched.append(student)
            if match is not None:
                who = [match.get(name) or "" for name in CANVAS_STUDENT_COLUMNS]
            else:
                who = [student, "", "", student, ""]
            rows.append([*map(_text, who), *cells])
    return rows, unmatched


def _roster_row(roster: list[dict[str, str]], student: str) -> dict[str, str] | None:
    for key in CANVAS_MATCH_ORDER:
        for row in roster:
            if (row.get(key) or "").strip() == student:
                return row
    return None


def write_rows(rows: list[list[str]], out: TextIO) -> None:
    """Standard CSV: comma-separated, quoted where needed, CRLF line ends as RFC 4180 says."""
    csv.writer(out).writerows(rows)


def feedback_path(folder: Path, record: dict) -> Path:
    """nbgrader's feedback layout: ``<folder>/<student>/<assignment>/<assignment>.html``."""
    assignment = record["assignment"]
    return folder / file_stem(record["student"]) / assignment / f"{assignment}.html"


def feedback_html(record: dict) -> str:
    """One student's feedback page: every text escaped, nothing loaded or run."""

    def e(value: object) -> str:
        return html.escape(str(value), quote=True)

    score = f"{float(record['score']):g} / {float(record['max_score']):g}"
    rows = []
    sections = []
    for test in record["tests"]:
        points = f"{float(test['score']):g} / {float(test['max_score']):g}"
        status = "passed" if test.get("status") == "passed" else "failed"
        rows.append(
            f'<tr><td><a href="#{e(test["name"])}">{e(test["name"])}</a></td>'
            f'<td class="{status}">{e(points)}</td></tr>'
        )
        sections.append(
            f'<section id="{e(test["name"])}"><h2>{e(test["name"])}: {e(points)}</h2>'
            f"<pre>{e(test.get('output', ''))}</pre></section>"
        )
    title = f"{record['assignment']}: feedback for {record['student']}"
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">',
            f"<title>{e(title)}</title>",
            "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
            "pre{white-space:pre-wrap;background:#f6f6f6;padding:.5em}"
            "td{padding:.2em 1em}.passed{color:#060}.failed{color:#a00}</style>",
            "</head><body>",
            f"<h1>{e(record['assignment'])}: {e(score)}</h1>",
            f"<p>Student: {e(record['student'])}. Graded {e(record.get('graded_at', ''))}, "
            f"notebook sha256 {e(record.get('sha256', ''))}.</p>",
            "<table><tr><th>function</th><th>points</th></tr>",
            *rows,
            "</table>",
            *sections,
            "</body></html>",
            "",
        ]
    )


def write_feedback(records: list[dict], folder: Path) -> list[Path]:
    """One feedback page per student and assignment; returns the files written."""
    if not records:
        raise ExportError("no results to export")
    written = []
    for record in records:
        path = feedback_path(folder, record)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(feedback_html(record), encoding="utf-8")
        written.append(path)
    return written
