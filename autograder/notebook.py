"""Read notebooks as data: graded cells, the imports they need, points, reference functions.

The grader never executes a submitted notebook as a whole: it pulls out each
``# GRADED FUNCTION: <name>`` cell and the import statements of the other code cells, so a
training loop or a stray infinite loop outside the graded cells never runs at grading time.
Everything here only parses; the one thing that executes code, :func:`load_reference`, runs the
instructor's solved notebook, which is trusted.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import SimpleNamespace

GRADED_PREFIX = "# GRADED FUNCTION:"
HIDDEN_TESTS = re.compile(r"\n?### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\n?", re.DOTALL)
REPO_ROOT = Path(__file__).resolve().parent.parent


class NotebookError(Exception):
    """The file is not a notebook the grader can read (bad JSON, wrong structure)."""


@dataclass
class GradedCells:
    """The graded cells of one notebook, and what went wrong finding them, per function."""

    code: dict[str, str] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    imports: str = ""


def solved_notebook_path(assignment_id: str) -> Path:
    """Where the instructor's solved notebook of an assignment lives."""
    return REPO_ROOT / "source" / assignment_id / f"{assignment_id}.ipynb"


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


def graded_name(source: str) -> str | None:
    """The function name in a ``# GRADED FUNCTION: <name>`` header, if the cell starts with one."""
    first_line = source.lstrip().split("\n", 1)[0].strip()
    if not first_line.startswith(GRADED_PREFIX):
        return None
    return first_line[len(GRADED_PREFIX) :].strip() or None


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
            imports += import_statements(HIDDEN_TESTS.sub("\n", source))
            continue
        seen[name] = seen.get(name, 0) + 1
        found.code[name] = source  # like running the notebook: the last definition wins
    found.imports = "\n".join(dict.fromkeys(imports))
    for name in names:
        if name in found.code:
            if seen[name] > 1:
                found.notes[name] = (
                    f"{seen[name]} cells start with '{GRADED_PREFIX} {name}'; graded the last one"
                )
        elif name in markdown:
            found.problems[name] = (
                f"the cell of {name} is a markdown cell; change it back to a code cell"
            )
        else:
            found.problems[name] = (
                f"no code cell starts with '{GRADED_PREFIX} {name}'; keep that first line of the "
                "graded cell unchanged (was the cell deleted or renamed?)"
            )
    return found


def points_per_function(notebook: dict) -> dict[str, float]:
    """Points of each graded function, from nbgrader metadata of its ``test_<name>`` cell."""
    points: dict[str, float] = {}
    for cell in notebook["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        grade_id = str(meta.get("grade_id", ""))
        if meta.get("grade") and grade_id.startswith("test_"):
            points[grade_id.removeprefix("test_")] = float(meta.get("points", 0))
    return points


@cache
def load_reference(assignment_id: str) -> SimpleNamespace:
    """Run the solved notebook's imports and graded cells (trusted code) and keep the functions.

    Hidden tests compute expected outputs with these, so the solved notebook stays the one home
    of the solutions.
    """
    notebook = read_notebook(solved_notebook_path(assignment_id))
    cells = find_graded_cells(notebook, [])
    namespace: dict = {}
    exec(compile(cells.imports, "<reference imports>", "exec"), namespace)
    for name, source in cells.code.items():
        exec(compile(source, f"<reference {name}>", "exec"), namespace)
    return SimpleNamespace(**{name: namespace[name] for name in cells.code})


@cache
def reference_sources(assignment_id: str) -> tuple[str, dict[str, str], dict[str, float]]:
    """The solved notebook's imports, graded cell sources and points, read once per process."""
    notebook = read_notebook(solved_notebook_path(assignment_id))
    cells = find_graded_cells(notebook, [])
    return cells.imports, dict(cells.code), points_per_function(notebook)
