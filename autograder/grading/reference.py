"""The instructor's reference functions, run from the solved notebook in the trusted process.

Hidden tests compute expected outputs with these, so the solved notebook stays the one home of
the solutions. Never imported by the sandbox: a child must not hold the kit's reference code.
"""

from __future__ import annotations

from functools import cache
from types import SimpleNamespace

from autograder.course.notebooks import find_graded_cells, points_per_function, read_notebook
from autograder.course.paths import KIT


@cache
def load_reference(assignment_id: str) -> SimpleNamespace:
    """Run the solved notebook's imports and graded cells (trusted code) and keep the functions."""
    notebook = read_notebook(KIT.solved_notebook(assignment_id))
    cells = find_graded_cells(notebook, [])
    namespace: dict = {}
    exec(compile(cells.imports, "<reference imports>", "exec"), namespace)
    for name, source in cells.code.items():
        exec(compile(source, f"<reference {name}>", "exec"), namespace)
    return SimpleNamespace(**{name: namespace[name] for name in cells.code})


@cache
def reference_sources(assignment_id: str) -> tuple[str, dict[str, str], dict[str, float]]:
    """The solved notebook's imports, graded cell sources and points, read once per process."""
    notebook = read_notebook(KIT.solved_notebook(assignment_id))
    cells = find_graded_cells(notebook, [])
    return cells.imports, dict(cells.code), points_per_function(notebook)
