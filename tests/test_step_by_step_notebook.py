"""Lesson 1 notebooks run: the solved one reproduces its outputs; the release stands alone."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
SOLVED = ROOT / "source/step_by_step/step_by_step.ipynb"
RELEASE = ROOT / "release/step_by_step"


def test_solved_notebook_reproduces_its_stored_outputs_under_nbval():
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "-p", "no:cacheprovider", "-q", str(SOLVED)],
        capture_output=True,
        text=True,
        cwd=SOLVED.parent,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert " passed" in result.stdout


def test_release_folder_runs_on_its_own_once_solved(tmp_path: Path):
    """Copy the release elsewhere, fill in the solutions, and run every cell there."""
    student = tmp_path / "step_by_step"
    shutil.copytree(RELEASE, student)
    solved = {
        cell.source.split("\n", 1)[0]: cell.source
        for cell in nbformat.read(SOLVED, as_version=4).cells
        if cell.source.startswith("# GRADED FUNCTION:")
    }
    notebook = nbformat.read(student / "step_by_step.ipynb", as_version=4)
    for cell in notebook.cells:
        first_line = cell.source.split("\n", 1)[0]
        if first_line in solved:
            cell.source = solved.pop(first_line)
    assert not solved, f"graded cells missing from the release: {sorted(solved)}"
    notebook.cells.append(nbformat.v4.new_code_cell("import support\nprint(support.__file__)"))

    NotebookClient(notebook, timeout=120, resources={"metadata": {"path": str(student)}}).execute()

    outputs = [
        "".join(out.get("text", "") for out in cell.get("outputs", []))
        for cell in notebook.cells
        if cell.cell_type == "code"
    ]
    assert sum("All tests passed" in text for text in outputs) == 10
    assert outputs[-1].strip().startswith(str(student)), "support must come from the release copy"
