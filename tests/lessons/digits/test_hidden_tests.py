"""Lesson 3's hidden tests: the solution passes them all, and hidden feedback stays hidden.

In-process runs (the nbgrader path) cover every function quickly; end-to-end runs of ``dnnkit
grade`` check the sandboxed path on whole notebooks. The catalogue of typical mistakes, each with
its hint, is graded both ways in ``test_mistakes.py``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograder.authoring.placeholders import replace_solution_blocks
from autograder.course.notebooks import cell_source
from autograder.course.paths import KIT
from autograder.grading.reference import load_reference
from autograder.grading.schema import load_hidden_tests
from autograder.lessons.digits.mistakes import BY_SLUG
from autograder.lessons.mutations import mutate
from tests.helpers.digits import NAMES, hidden_feedback
from tests.helpers.grading_runs import grade_shared
from tests.helpers.submissions import graded_cell, mutated_function, solved_submission

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # nan from the mistakes


def test_every_graded_function_has_hidden_tests_and_a_documented_case():
    functions = load_hidden_tests("digits")
    assert sorted(functions) == sorted(NAMES)
    for name, spec in functions.items():
        assert sum(case.documented for case in spec.cases) >= 1, name
        assert len(spec.cases) >= 3, name


@pytest.mark.parametrize("name", NAMES)
def test_solution_passes_every_hidden_case(name, capsys):
    assert hidden_feedback(name, getattr(load_reference("digits"), name)) is None
    assert capsys.readouterr().out == f"{name}: all hidden tests passed.\n"


def test_hidden_feedback_shows_values_only_for_documented_cases():
    feedback = hidden_feedback("softmax", mutated_function("digits", BY_SLUG["softmax_over_rows"]))
    cases = load_hidden_tests("digits")["softmax"].cases
    documented = {case.name for case in cases if case.documented}
    failed = {}
    for block in re.split(r"\n  - (?=\[)", feedback)[1:]:
        (name,) = [case.name for case in cases if block.startswith(f"[{case.name}] ")]
        failed[name] = block
    assert set(failed) - documented, "the mistake should fail hidden cases too"
    shown = {name for name, block in failed.items() if "expected [[" in block}
    assert shown, "a documented case should show the expected array"
    assert shown <= documented, "only documented cases may show the expected array"


# ---------------------------------------------------------------- end to end, sandboxed


def untouched_release(path: Path) -> Path:
    notebook = nbformat.read(KIT.solved_notebook("digits"), as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.source.startswith("# GRADED FUNCTION:"):
            cell.source = replace_solution_blocks(cell.source)[0]
    nbformat.write(notebook, path)
    return path


def test_dnnkit_grade_gives_the_solution_full_marks():
    (result,) = grade_shared([KIT.solved_notebook("digits")], "digits")
    assert result.score == result.max_score == 12, [t.feedback for t in result.tests]


def test_dnnkit_grade_isolates_each_broken_function(tmp_path: Path):
    """Softmax broken and forward untouched: only those lose points; the rest use references."""
    notebook = mutate(solved_submission("digits"), BY_SLUG["softmax_over_rows"])
    forward = graded_cell(notebook, "forward_propagation")
    forward["source"] = replace_solution_blocks(cell_source(forward))[0]
    path = tmp_path / "digits.ipynb"
    path.write_text(json.dumps(notebook))
    (result,) = grade_shared([path], "digits")
    failed = {test.name for test in result.tests if not test.passed}
    assert failed == {"softmax", "forward_propagation"}
    assert result.score == 12 - 1 - 2


def test_dnnkit_grade_gives_the_untouched_release_nothing(tmp_path: Path):
    (result,) = grade_shared([untouched_release(tmp_path / "digits.ipynb")], "digits")
    assert result.score == 0
    assert np.all([not test.passed for test in result.tests])
