"""Read notebooks as data: graded cells, the imports they need, points per function.

The grader never executes a submitted notebook as a whole: it pulls out each
``# GRADED FUNCTION: <name>`` cell and the import statements of the other code cells, so a
training loop or a stray infinite loop outside the graded cells never runs at grading time.
Everything here only parses.

A submitted notebook is hostile data: :func:`read_notebook` opens it without following a symlink
(a link to the solved notebook must not be graded) or waiting on a FIFO, caps its size, and turns
every way the file can be wrong (encoding, JSON, nesting, huge numbers, wrongly typed cells) into
one :class:`NotebookError` a student can act on. The other functions accept any JSON shape
without raising.
"""

from __future__ import annotations

import ast
import copy
import errno
import json
import math
import os
import stat
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


MAX_NOTEBOOK_BYTES = 20_000_000  # a lesson's notebook with its outputs is well under 5 MB
MAX_NESTING = 100  # JSON containers inside containers; nbformat itself needs about ten
MAX_NUMBER_CHARS = 100  # Jupyter writes counts and points, never a hundred-digit number


class _HugeNumber(ValueError):
    """A number too long to be anything Jupyter wrote (and slow to convert)."""


def _parse_int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise _HugeNumber(len(text))
    return int(text)


def _parse_float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise _HugeNumber(len(text))
    return float(text)


def _read_bytes(path: Path) -> bytes:
    """The file's bytes: a regular file only, never through a symlink, never blocking."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(path, flags)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise NotebookError(
                f"{path} is a symbolic link; hand in the notebook file itself, not a link"
            ) from None
        raise NotebookError(f"cannot read {path}: {error.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotebookError(
                f"{path} is not a regular file (a folder, a pipe or a device?); "
                "hand in the .ipynb file itself"
            )
        if info.st_size > MAX_NOTEBOOK_BYTES:
            raise NotebookError(_too_big(path, info.st_size))
        chunks, size = [], 0
        while size <= MAX_NOTEBOOK_BYTES:  # the file may grow while read
            chunk = os.read(fd, min(1 << 20, MAX_NOTEBOOK_BYTES + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as error:
        raise NotebookError(f"cannot read {path}: {error.strerror}") from None
    finally:
        os.close(fd)
    if size > MAX_NOTEBOOK_BYTES:
        raise NotebookError(_too_big(path, size))
    return b"".join(chunks)


def _too_big(path: Path, size: int) -> str:
    return (
        f"{path} is {size / 1e6:.1f} MB; notebooks over {MAX_NOTEBOOK_BYTES / 1e6:g} MB are not "
        "graded (clear the outputs before saving: Kernel > Restart & Clear Output)"
    )


def _nesting(value: Any) -> int:
    """How deep containers sit inside each other, without recursion, stopping past MAX_NESTING."""
    deepest, pending = 0, [(value, 1)] if isinstance(value, dict | list) else []
    while pending and deepest <= MAX_NESTING:
        item, depth = pending.pop()
        deepest = max(deepest, depth)
        children = item.values() if isinstance(item, dict) else item
        pending += [(child, depth + 1) for child in children if isinstance(child, dict | list)]
    return deepest


def _cell_problem(cell: Any) -> str | None:
    """What is wrong with a cell's shape, in words; None for a cell Jupyter could open."""
    if not isinstance(cell, dict):
        return "is not a JSON object"
    if not isinstance(cell.get("cell_type"), str):
        return 'has no "cell_type" text'
    source = cell.get("source")
    lines = source if isinstance(source, list) else [source]
    if not all(isinstance(line, str) for line in lines):
        return 'has a "source" that is neither text nor a list of lines of text'
    metadata = cell.get("metadata", {})
    nbgrader = metadata.get("nbgrader", {}) if isinstance(metadata, dict) else None
    if not isinstance(nbgrader, dict):
        return 'has "metadata" (or nbgrader metadata) that is not a JSON object'
    if not isinstance(nbgrader.get("grade_id", ""), str):
        return "has an nbgrader grade_id that is not text"
    points = nbgrader.get("points", 0)
    if not _is_number(points) or not math.isfinite(points):
        return "has nbgrader points that are not a number"
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def read_notebook(path: str | Path) -> dict:
    """Load a notebook's JSON safely, checking the structure the grader reads.

    Raises NotebookError, with a reason a student can act on, for anything else.
    """
    path = Path(path)
    data = _read_bytes(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise NotebookError(
            f"{path} is not UTF-8 text (byte {error.start}); save it again from Jupyter"
        ) from None
    try:
        notebook = json.loads(text, parse_int=_parse_int, parse_float=_parse_float)
    except _HugeNumber as error:
        raise NotebookError(
            f"{path} holds a number {error.args[0]} characters long; Jupyter never writes one"
        ) from None
    except RecursionError:
        raise NotebookError(f"{path} is nested too deeply to be a notebook") from None
    except json.JSONDecodeError as error:
        raise NotebookError(f"{path} is not valid notebook JSON ({error})") from None
    except (ValueError, MemoryError) as error:
        raise NotebookError(f"{path} could not be read as JSON ({type(error).__name__})") from None
    if _nesting(notebook) > MAX_NESTING:
        raise NotebookError(f"{path} is nested too deeply to be a notebook")
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise NotebookError(f"{path} has no list of cells; is it a Jupyter notebook?")
    for number, cell in enumerate(notebook["cells"], start=1):
        problem = _cell_problem(cell)
        if problem is not None:
            raise NotebookError(
                f"{path}: cell {number} {problem}; Jupyter could not open this notebook either "
                "(was it edited by hand?)"
            )
    return notebook


def cell_source(cell: Any) -> str:
    """A cell's text, whether stored as one string or as a list of lines ("" for anything else)."""
    source = cell.get("source", "") if isinstance(cell, dict) else ""
    if isinstance(source, list):
        return "".join(line for line in source if isinstance(line, str))
    return source if isinstance(source, str) else ""


# CPython before 3.11.8 and 3.12.1 corrupts ast.parse's recursion guard when threads parse at
# once ("SystemError: AST constructor recursion depth mismatch", gh-106905); the grader parses
# submissions in its worker threads, so one parse at a time.
_PARSING = threading.Lock()


def parse_python(source: str) -> ast.Module | None:
    """The syntax tree of a cell, or None when it does not parse (or is too deep to)."""
    try:
        with _PARSING:
            return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def import_statements(source: str) -> list[str]:
    """The top-level import statements of a code cell (magics and broken code are skipped)."""
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    tree = parse_python("\n".join(lines))
    if tree is None:
        return []
    nodes = [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
    return [ast.unparse(node) for node in nodes]


def find_graded_cells(notebook: dict, names: list[str]) -> GradedCells:
    """Collect each expected graded function's cell, with a clear problem when it is not usable."""
    found = GradedCells()
    imports: list[str] = []
    seen: dict[str, int] = {}
    markdown: set[str] = set()
    for cell in _cells(notebook):
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
    for cell in _cells(notebook):
        metadata = cell.get("metadata")
        meta = metadata.get("nbgrader") if isinstance(metadata, dict) else None
        if not isinstance(meta, dict) or not isinstance(meta.get("grade_id"), str):
            continue
        name = graded_test_name(meta["grade_id"])
        value = meta.get("points", 0)
        if meta.get("grade") and name and _is_number(value) and math.isfinite(value):
            points[name] = float(value)
    return points


def _cells(notebook: Any) -> list[dict]:
    """The notebook's cells that are JSON objects (none for something that is not a notebook)."""
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    return [cell for cell in cells if isinstance(cell, dict)] if isinstance(cells, list) else []


def as_submission(solved: dict) -> dict:
    """A copy of a solved notebook as a student would hand it in: no hidden test blocks."""
    notebook = copy.deepcopy(solved)  # recursion bounded: read_notebook caps the nesting
    for cell in _cells(notebook):
        if cell.get("cell_type") == "code" and has_hidden_tests(cell_source(cell)):
            cell["source"] = strip_hidden_tests(cell_source(cell)).rstrip("\n")
            cell["outputs"] = []
    return notebook
