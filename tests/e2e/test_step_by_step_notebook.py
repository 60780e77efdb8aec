"""Lesson 1 notebooks run: the solved one reproduces its outputs; the release stands alone."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.data import ROOT
from tests.helpers.notebook_runs import run_nbval, run_release_solved


def test_solved_notebook_reproduces_its_stored_outputs_under_nbval():
    result = run_nbval(ROOT / "source/step_by_step/step_by_step.ipynb")
    assert result.returncode == 0, result.stdout[-3000:]
    assert " passed" in result.stdout


def test_release_folder_runs_on_its_own_once_solved(tmp_path: Path):
    outputs = run_release_solved(ROOT / "release/step_by_step", tmp_path)
    assert sum("All tests passed" in text for text in outputs) == 10
    assert outputs[-1].strip().startswith(str(tmp_path)), "support must come from the release copy"
