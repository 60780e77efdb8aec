"""Running notebooks the way the kit's tests need: under nbval, and as a student would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from autograder.authoring.execution import execute_notebook
from tests.helpers.data import ROOT


def run_nbval(notebook: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``pytest --nbval`` on one notebook, from its folder, in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "-p", "no:cacheprovider", "-q", str(notebook)],
        capture_output=True,
        text=True,
        cwd=notebook.parent,
        env=env if env is not None else dict(os.environ),
    )


def run_release_solved(release_folder: Path, workdir: Path, timeout: int = 300) -> list[str]:
    """Copy a release folder, paste in the solved graded cells and run every cell there.

    Returns the text each code cell printed. A last cell prints where ``support`` was imported
    from, so callers can check that the release's own copy was used.
    """
    assignment = release_folder.name
    solved_path = ROOT / "source" / assignment / f"{assignment}.ipynb"
    student = workdir / assignment
    shutil.copytree(release_folder, student)
    solved = {
        cell.source.split("\n", 1)[0]: cell.source
        for cell in nbformat.read(solved_path, as_version=4).cells
        if cell.source.startswith("# GRADED FUNCTION:")
    }
    notebook = nbformat.read(student / f"{assignment}.ipynb", as_version=4)
    for cell in notebook.cells:
        first_line = cell.source.split("\n", 1)[0]
        if first_line in solved:
            cell.source = solved.pop(first_line)
    assert not solved, f"graded cells missing from the release: {sorted(solved)}"
    notebook.cells.append(nbformat.v4.new_code_cell("import support\nprint(support.__file__)"))
    execute_notebook(notebook, student, timeout)
    return [
        "".join(output.get("text", "") for output in cell.get("outputs", []))
        for cell in notebook.cells
        if cell.cell_type == "code"
    ]
