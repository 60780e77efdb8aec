"""Read notebooks as data: graded cells, the imports they need, points per function.

The grader never executes a submitted notebook as a whole: it pulls out each
``# GRADED FUNCTION: <name>`` cell and the import statements of the other code cells, so a
training loop or a stray infinite loop outside the graded cells never runs at grading time.
Everything here only parses.
"""

from __future__ import annotations

import ast
import copy
import json
from dataclasses import dataclass, field
from pathlib import Path

from autograder.course.markers import (
    GRADED_FUNCTION,
    graded_name,
    graded_test_name,
    has_hidden_tests,
    strip_hidden_tests,
)


class NotebookError(Exception):
    """The file is not a notebook the grader can read (bad JSON, wrong structure)."""


@dataclass
class GradedCells:
    """The graded cells of one notebook, and what went wrong finding them, per function."""

    code: dict[str, str] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    imports: str = ""


def read_notebook(path: str | Path) -> dict:
    """Load a notebook's JSON, checking just enough structure to find its cells."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise NotebookError(f"cannot read {path}: {error}") from error
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotebookError(f"{path} is not valid notebook JSON ({error})") from error
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise NotebookError(f"{path} has no list of cells; is it a Jupyter notebook?")
    return notebook


def cell_source(cell: dict) -> str:
    """A cell's text, whether stored as one string or as a list of lines."""
    source = cell.get("source", "") if isinstance(cell, dict) else ""
    return "".join(source) if isinstance(source, list) else str(source)


def import_statements(source: str) -> list[str]:
    """The top-level import statements of a code cell (magics and broken code are skipped)."""
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    nodes = [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
    return [ast.unparse(node) for node in nodes]


def find_graded_cells(notebook: dict, names: list[str]) -> GradedCells:
    """Collect each expected graded function's cell, with a clear problem when it is not usable."""
    found = GradedCells()
    imports: list[str] = []
    seen: dict[str, int] = {}
    markdown: set[str] = set()
    for cell in notebook.get("cells", []):
        if not isinstance(cell, dict):
            continue
        source = cell_source(cell)
        name = graded_name(source)
        if cell.get("cell_type") != "code":
            if name:
                markdown.add(name)
            continue
        if name is None:  # hidden tests' own imports are the grader's business, not the student's
            imports += import_statements(strip_hidden_tests(source))
            continue
        seen[name] = seen.get(name, 0) + 1
        found.code[name] = source  # like running the notebook: the last definition wins
    found.imports = "\n".join(dict.fromkeys(imports))
    for name in names:
        if name in found.code:
            if seen[name] > 1:
                found.notes[name] = (
                    f"{seen[name]} cells start with '{GRADED_FUNCTION} {name}'; graded the last one"
                )
        elif name in markdown:
            found.problems[name] = (
                f"the cell of {name} is a markdown cell; change it back to a code cell"
            )
        else:
            found.problems[name] = (
                f"no code cell starts with '{GRADED_FUNCTION} {name}'; keep that first line of the "
                "graded cell unchanged (was the cell deleted or renamed?)"
            )
    return found


def points_per_function(notebook: dict) -> dict[str, float]:
    """Points of each graded function, from nbgrader metadata of its ``test_<name>`` cell."""
    points: dict[str, float] = {}
    for cell in notebook["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        name = graded_test_name(str(meta.get("grade_id", "")))
        if meta.get("grade") and name:
            points[name] = float(meta.get("points", 0))
    return points


def as_submission(solved: dict) -> dict:
    """A copy of a solved notebook as a student would hand it in: no hidden test blocks."""
    notebook = copy.deepcopy(solved)
    for cell in notebook["cells"]:
        if cell.get("cell_type") == "code" and has_hidden_tests(cell_source(cell)):
            cell["source"] = strip_hidden_tests(cell_source(cell)).rstrip("\n")
            cell["outputs"] = []
    return notebook
