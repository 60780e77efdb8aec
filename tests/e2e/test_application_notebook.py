"""Lesson 2's solved notebook: its stored outputs reproduce on the course data (nbval), and it
runs end to end on the bundled default where the course files are absent.

How the notebook finds its data under nbval: ``load_data()`` reads ``$DNNKIT_CATVNONCAT_DIR``
first, so the nbval test points that variable at the course files (the ``catvnoncat_dir``
fixture: ``../shared/data/catvnoncat`` beside the repository) and skips, saying so, when they are
missing. The stored outputs are the course data's, so they cannot reproduce on the bundled
default; the second test runs the notebook there without comparing outputs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from autograder.authoring.execution import execute_notebook
from autograder.authoring.release import release
from support.application.data import ENVIRONMENT_VARIABLE
from tests.helpers.data import ROOT

SOLVED = ROOT / "source/application/application.ipynb"


def test_solved_notebook_reproduces_its_stored_outputs_under_nbval(catvnoncat_dir: Path):
    environment = {**os.environ, ENVIRONMENT_VARIABLE: str(catvnoncat_dir.resolve())}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "-p", "no:cacheprovider", "-q", str(SOLVED)],
        capture_output=True,
        text=True,
        cwd=SOLVED.parent,
        env=environment,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert " passed" in result.stdout


def outputs_text(notebook) -> str:
    return "".join(
        output.get("text", "") for cell in notebook.cells for output in cell.get("outputs", [])
    )


def test_release_folder_runs_on_its_own_once_solved(tmp_path: Path, monkeypatch):
    """Build the release, fill in the solutions, train briefly, and run every cell there."""
    monkeypatch.delenv(ENVIRONMENT_VARIABLE, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (built,) = release(["application"], output=tmp_path / "release")
    assert "HIDDEN TESTS" not in (built / "application.ipynb").read_text()
    student = tmp_path / "student"
    shutil.copytree(built, student)
    solved = {
        cell.source.split("\n", 1)[0]: cell.source
        for cell in nbformat.read(SOLVED, as_version=4).cells
        if cell.source.startswith("# GRADED FUNCTION:")
    }
    notebook = nbformat.read(student / "application.ipynb", as_version=4)
    for cell in notebook.cells:
        first_line = cell.source.split("\n", 1)[0]
        if first_line in solved:
            cell.source = solved.pop(first_line)
        cell.source = cell.source.replace("num_iterations=2500", "num_iterations=200")
    assert not solved, f"graded cells missing from the release: {sorted(solved)}"
    notebook.cells.append(nbformat.v4.new_code_cell("import support\nprint(support.__file__)"))

    execute_notebook(notebook, student, timeout=300)

    text = outputs_text(notebook)
    assert text.count("All tests passed") == 2
    assert "Cost after iteration 100:" in text
    assert text.strip().splitlines()[-1].startswith(str(student)), "support must be the release's"


def test_solved_notebook_runs_on_the_bundled_default(tmp_path: Path, monkeypatch):
    """A machine without the course files: no variable, no datasets/ folder, empty cache."""
    monkeypatch.delenv(ENVIRONMENT_VARIABLE, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "application"
    folder.mkdir()
    shutil.copy(SOLVED, folder)
    notebook = nbformat.read(folder / SOLVED.name, as_version=4)

    execute_notebook(notebook, folder, timeout=600)

    text = outputs_text(notebook)
    assert "uses the bundled default: faces (label 1) against non-faces" in text
    assert "Number of training examples: 150" in text
    assert text.count("All tests passed") == 2
    assert text.count("all hidden tests passed") == 2
    assert "Cost after iteration 2400:" in text
    assert text.count("Accuracy:") == 5
    assert 'your L-layer model predicts a "' in text
    assert not any(
        out.get("output_type") == "error" for c in notebook.cells for out in c.get("outputs", [])
    )
