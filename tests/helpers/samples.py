"""Reading grade tables and points as the tests need them, independently of the grader's code."""

from __future__ import annotations

import json
import re
from pathlib import Path

from autograder.course.paths import KIT
from autograder.devtools.samples import DEMO_MISTAKES
from autograder.lessons.step_by_step.mistakes import BY_SLUG

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


def assert_sample_table(text: str) -> None:
    """Check the samples' grade table as `dnnkit demo` must show it.

    In order: the solved notebook with full marks, the untouched release with 0, then each demo
    mistake failing exactly its own function and losing exactly that function's points.
    """
    points = notebook_points(KIT.solved_notebook("step_by_step"))
    total = sum(points.values())
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
