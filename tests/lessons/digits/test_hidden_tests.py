"""Lesson 3's hidden tests: the solution passes them all, typical mistakes fail with their hint.

In-process runs (the nbgrader path) cover every function and mistake quickly; two end-to-end
runs of ``dnnkit grade`` check the sandboxed path on whole notebooks.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograder.authoring.placeholders import replace_solution_blocks
from autograder.course.paths import solved_notebook_path
from autograder.grading.cases import judge_prepared, prepared_cases, run_in_process
from autograder.grading.grader import grade_paths
from autograder.grading.reference import load_reference
from autograder.grading.schema import Outcome, load_hidden_tests
from support.checks import describe_crash
from tests.helpers.digits import NAMES, mutant, reference_listing_initialiser

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # nan from the mistakes


def hidden_problems(name: str, function) -> list[str]:
    problems = []
    for index, prepared in enumerate(prepared_cases("digits", name)):
        try:
            outcome = run_in_process(function, prepared, rerun=index == 0)
        except Exception as error:
            outcome = Outcome(error=describe_crash(name, error))
        problems += judge_prepared("digits", name, prepared, outcome)
    return problems


def test_every_graded_function_has_hidden_tests_and_a_documented_case():
    functions = load_hidden_tests("digits")
    assert sorted(functions) == sorted(NAMES)
    for name, spec in functions.items():
        assert sum(case.documented for case in spec.cases) >= 1, name
        assert len(spec.cases) >= 3, name


@pytest.mark.parametrize("name", NAMES)
def test_solution_passes_every_hidden_case(name):
    assert hidden_problems(name, getattr(load_reference("digits"), name)) == []


HINTED_MISTAKES = [
    (
        "one_hot_encoding",
        ("np.eye(num_classes)[:, labels]", "np.eye(num_classes)[labels]"),
        "one column per example",
    ),
    ("softmax", ("np.max(Z, axis=0, keepdims=True)", "np.max(Z)"), "SPEC erratum 5"),
    ("softmax", ("axis=0", "axis=1"), "use axis=0, not axis=1"),
    ("softmax", ("Z - np.max(Z, axis=0, keepdims=True)", "Z"), "subtract each column's maximum"),
    ("compute_cost", ("np.log(true_class_probabilities)", "Y * np.log(AL)"), "SPEC erratum 6"),
    ("compute_cost", ("-np.sum(np.log", "np.sum(np.log"), "minus sign"),
    ("compute_cost", ("/ m", "/ AL.shape[0]"), "not Y.shape[0]"),
    (
        "initialize_parameters",
        ("np.random.randn(layer_dims[l], 1) * 0.01", "np.zeros((layer_dims[l], 1))"),
        "the biases are random too",
    ),
    ("initialize_parameters", ("np.random.seed(3)", "np.random.seed(1)"), "np.random.seed(3)"),
    ("initialize_parameters", reference_listing_initialiser, "bogus layer"),
    ("forward_propagation", ("activations[l - 1]", "activations[l - 2]"), "activations[l - 1]"),
    ("backward_propagation", ("dZ = AL - Y", "dZ = Y - AL"), "(not Y - AL)"),
    (
        "backward_propagation",
        ('grads["dA" + str(l - 1)]', 'grads["dA" + str(l)]'),
        "dA_prev goes under",
    ),
    ("update_parameters", (" - learning_rate", " + learning_rate"), "subtracts"),
    ("predict", ("np.argmax(AL, axis=0)", "np.argmax(AL, axis=1)"), "axis=0"),
    (
        "neural_network_model",
        ("parameters = update_parameters(", "new_parameters = update_parameters("),
        "assign the result of update_parameters",
    ),
]


@pytest.mark.parametrize(
    "name, change, hint",
    HINTED_MISTAKES,
    ids=[f"{name}-{i}" for i, (name, _, _) in enumerate(HINTED_MISTAKES)],
)
def test_typical_mistake_fails_with_its_hint(name, change, hint):
    function = change if callable(change) else mutant(name, *change)
    problems = hidden_problems(name, function)
    assert problems, f"{name} with {change} passed the hidden tests"
    assert any(hint in p for p in problems if p.startswith("Hint:")), problems


def test_backward_without_one_over_m_gets_the_hint():
    both = mutant("backward_propagation", "/ m", "")
    problems = hidden_problems("backward_propagation", both)
    assert "Hint: dW and db need the factor 1/m (m = AL.shape[1])" in problems


def test_hidden_feedback_shows_values_only_for_documented_cases():
    problems = hidden_problems("softmax", mutant("softmax", "axis=0", "axis=1"))
    documented = [p for p in problems if "expected [[" in p]
    assert documented, "the documented case should show the expected array"
    hidden_values = [p for p in problems if "10 classes" in p or "700 apart" in p]
    assert all("expected [[" not in p for p in hidden_values)


# ---------------------------------------------------------------- end to end, sandboxed


def untouched_release(path: Path) -> Path:
    notebook = nbformat.read(solved_notebook_path("digits"), as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.source.startswith("# GRADED FUNCTION:"):
            cell.source = replace_solution_blocks(cell.source)[0]
    nbformat.write(notebook, path)
    return path


def test_dnnkit_grade_gives_the_solution_full_marks():
    (result,) = grade_paths([solved_notebook_path("digits")], "digits", workers=2)
    assert result.score == result.max_score == 12, [t.feedback for t in result.tests]


def test_dnnkit_grade_isolates_each_broken_function(tmp_path: Path):
    """Softmax broken and forward untouched: only those lose points; the rest use references."""
    notebook = nbformat.read(solved_notebook_path("digits"), as_version=4)
    for cell in notebook.cells:
        if cell.source.startswith("# GRADED FUNCTION: softmax"):
            cell.source = cell.source.replace("axis=0", "axis=1")
        if cell.source.startswith("# GRADED FUNCTION: forward_propagation"):
            cell.source = replace_solution_blocks(cell.source)[0]
    path = tmp_path / "digits.ipynb"
    nbformat.write(notebook, path)
    (result,) = grade_paths([path], "digits", workers=2)
    failed = {test.name for test in result.tests if not test.passed}
    assert failed == {"softmax", "forward_propagation"}
    assert result.score == 12 - 1 - 2


def test_dnnkit_grade_gives_the_untouched_release_nothing(tmp_path: Path):
    (result,) = grade_paths([untouched_release(tmp_path / "digits.ipynb")], "digits", workers=2)
    assert result.score == 0
    assert np.all([not test.passed for test in result.tests])
