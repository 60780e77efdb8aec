"""Read notebooks as data: graded cells, the imports they need, points per function.

The grader never executes a submitted notebook as a whole: it pulls out each
``# GRADED FUNCTION: <name>`` cell and the import statements of the other code cells, so a
training loop or a stray infinite loop outside the graded cells never runs at grading time.
Everything here only parses.

A submitted notebook is hostile data: :func:`read_submitted` opens it without following a symlink
anywhere a student could have placed one (a link to the solved notebook or to a classmate's must
not be graded), opens nothing but a regular file (no FIFO, no device), caps its size, and turns
every way the file can be wrong (encoding, JSON, nesting, huge numbers, wrongly typed cells) into
one :class:`NotebookError` a student can act on. The other functions accept any JSON shape
without raising.
"""

from __future__ import annotations

import ast
import copy
import errno
import hashlib
import itertools
import json
import math
import os
import re
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


NBGRADER_SUBMITTED = "submitted"  # nbgrader's submitted/<student>/<assignment>/ layout


@dataclass(frozen=True)
class SubmittedFile:
    """A submission's bytes as the safe opener read them, once: what is hashed is what is graded."""

    path: Path
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def untrusted_depth(path: Path) -> int:
    """How many trailing components of ``path`` a student may have placed (and so may be links).

    In nbgrader's layout everything below ``submitted/`` (student, assignment folder, file);
    elsewhere the file itself, its folder being the instructor's.
    """
    parts = path.parts
    return 3 if len(parts) >= 4 and parts[-4] == NBGRADER_SUBMITTED else 1


def read_submitted(path: str | Path) -> SubmittedFile:
    """A submission's bytes: a regular file reached without any symbolic link in the part of the
    path a student controls (:func:`untrusted_depth`), never blocking, size capped.

    Raises NotebookError saying, in words a student understands, what is there instead: a link,
    a folder, a pipe, a device, nothing, or a file too large or unreadable. Nothing is opened that
    is not a regular file, so a device never sees an ``open``.
    """
    path = Path(path)
    depth = untrusted_depth(path)
    trusted = Path(*path.parts[:-depth]) if len(path.parts) > depth else Path(".")
    try:
        folder = os.open(trusted, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise NotebookError(f"{path} does not exist: no notebook was handed in there") from None
    except OSError as error:
        raise NotebookError(f"cannot read {path}: {error.strerror} ({trusted})") from None
    try:
        for name in path.parts[-depth:-1]:
            inner = _open_no_follow(folder, name, path, os.O_DIRECTORY)
            os.close(folder)
            folder = inner
        data = _read_regular(folder, path)
    finally:
        os.close(folder)
    return SubmittedFile(path, data)


def _open_no_follow(folder: int, name: str, path: Path, flags: int) -> int:
    """Open ``name`` in ``folder`` without following a link, or say in words why not."""
    try:
        info = os.stat(name, dir_fd=folder, follow_symlinks=False)
        kind = _kind(info.st_mode)
        wanted = "folder" if flags & os.O_DIRECTORY else "file"
        if kind != wanted:
            raise NotebookError(_not_a_notebook(path, name, kind))
        fd = os.open(
            name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC | flags, dir_fd=folder
        )
    except FileNotFoundError:
        raise NotebookError(f"{path} does not exist: no notebook was handed in there") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise NotebookError(_not_a_notebook(path, name, "symbolic link")) from None
        raise NotebookError(f"cannot read {path}: {error.strerror}") from None
    opened = os.fstat(fd)
    if (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino):  # replaced meanwhile
        os.close(fd)
        raise NotebookError(f"{path} changed while it was opened; hand it in again")
    return fd


def _kind(mode: int) -> str:
    kinds = {
        stat.S_ISREG: "file",
        stat.S_ISDIR: "folder",
        stat.S_ISLNK: "symbolic link",
        stat.S_ISFIFO: "named pipe (FIFO)",
        stat.S_ISCHR: "device",
        stat.S_ISBLK: "device",
        stat.S_ISSOCK: "socket",
    }
    return next((kind for test, kind in kinds.items() if test(mode)), "special file")


def _not_a_notebook(path: Path, name: str, kind: str) -> str:
    where = str(path) if name == path.name else f"{name} in {path}"
    return f"{where} is a {kind}, not a notebook file; hand in the notebook file itself"


def _read_regular(folder: int, path: Path) -> bytes:
    """The bytes of the regular file ``path.name`` in ``folder`` (size capped)."""
    fd = _open_no_follow(folder, path.name, path, 0)
    try:
        size = os.fstat(fd).st_size
        if size > MAX_NOTEBOOK_BYTES:
            raise NotebookError(_too_big(path, size))
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
    """Load a notebook's JSON safely (:func:`read_submitted`), checking the structure the grader
    reads.

    Raises NotebookError, with a reason a student can act on, for anything else.
    """
    return parse_notebook(read_submitted(path))


def parse_notebook(submitted: SubmittedFile) -> dict:
    """The notebook in bytes the safe opener read; NotebookError for anything that is not one."""
    path, data = submitted.path, submitted.data
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
    return checked_notebook(notebook, str(path))


def checked_notebook(notebook: Any, path: str) -> dict:
    """``notebook`` (parsed JSON, from a file or from nbgrader) if it has the structure the grader
    reads; NotebookError naming ``path`` otherwise."""
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


# ast.parse holds the GIL throughout (about 2 us per character): a 20 MB cell would stall every
# grading thread, and the jobs waiting on them, for most of a minute. Cells longer than this (a
# lesson's are under 5 KB) are scanned line by line instead.
MAX_PARSED_CHARS = 50_000
MAX_IMPORT_LINES = 1_000  # of a cell too long to parse: its first import lines only
_IMPORT_LINE = re.compile(r"^(?:import|from)\b[^\n]*", re.MULTILINE)


def import_statements(source: str) -> list[str]:
    """The top-level import statements of a code cell (magics and broken code are skipped).

    Without the word ``import`` a cell has none (most cells: nothing is parsed); a cell too long
    to parse gives the import statements written on one line of their own.
    """
    if "import" not in source:
        return []
    if len(source) > MAX_PARSED_CHARS:
        lines = itertools.islice(_IMPORT_LINE.finditer(source), MAX_IMPORT_LINES)
        return [statement for line in lines for statement in _imports_of(line.group())]
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    return _imports_of("\n".join(lines))


def _imports_of(source: str) -> list[str]:
    tree = parse_python(source)
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
