"""The rooms of docs/ARCHITECTURE.md, checked on every import of every module.

Read from the source (``ast``), never imported, so a module that only imports a forbidden room
inside a function is caught too. Each rule says which rooms a room may not import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers.data import ROOT

ROOMS = ("authoring", "cli", "course", "devtools", "gradescope", "grading", "lessons", "sandbox")
# room -> the rooms of ``autograder`` it must never import (``support`` is the students' package)
FORBIDDEN = {
    "support": {f"autograder.{room}" for room in ROOMS} | {"autograder"},
    "autograder/sandbox": {f"autograder.{r}" for r in ROOMS if r != "sandbox"},
    "autograder/course": {f"autograder.{r}" for r in ROOMS if r != "course"},
    "autograder/grading": {
        f"autograder.{r}" for r in ("authoring", "cli", "devtools", "gradescope")
    },
    "autograder/lessons": {
        f"autograder.{r}" for r in ("authoring", "cli", "devtools", "gradescope", "sandbox")
    },
}


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at any depth of its code."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def breaches(room: str) -> list[str]:
    found = []
    for path in sorted((ROOT / room).rglob("*.py")):
        for name in sorted(imported_modules(path)):
            if any(name == bad or name.startswith(f"{bad}.") for bad in FORBIDDEN[room]):
                found.append(f"{path.relative_to(ROOT)} imports {name}")
    return found


@pytest.mark.parametrize("room", FORBIDDEN)
def test_no_room_imports_a_room_it_must_not(room: str) -> None:
    assert breaches(room) == []


def test_the_rule_sees_an_import_inside_a_function(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from autograder.devtools import samples\n")
    assert "autograder.devtools.samples" in imported_modules(module)
