"""Lesson 2's solved models, helpers and checks against the values SPEC.md documents.

Expected numbers are typed from SPEC.md, Assignment 2, and the reference document it points to
(every cost printed every 100 iterations), or computed independently here; none is produced by
the code under test.
"""

from __future__ import annotations

import nbformat
import numpy as np
import pytest

from autograder.authoring.support_files import support_closure
from autograder.course.paths import KIT
from autograder.grading.inline import run_hidden_tests
from autograder.grading.reference import load_reference
from support.application import utils as helpers
from support.application.checks import L_layer_model_test, two_layer_model_test
from support.checks import CheckFailed

# Documented costs on the course data, iterations 0, 100, ..., 2400.
TWO_LAYER_COSTS = [
    0.693049735659989, 0.6464320953428849, 0.6325140647912678, 0.6015024920354665,
    0.5601966311605748, 0.515830477276473, 0.4754901313943325, 0.43391631512257495,
    0.4007977536203886, 0.35807050113237987, 0.3394281538366413, 0.30527536361962654,
    0.2749137728213015, 0.24681768210614827, 0.1985073503746611, 0.17448318112556593,
    0.1708076297809661, 0.11306524562164737, 0.09629426845937163, 0.08342617959726878,
    0.0743907870431909, 0.06630748132267938, 0.05919329501038176, 0.05336140348560564,
    0.048554785628770226,
]  # fmt: skip
L_LAYER_COSTS = [
    "0.771749", "0.672053", "0.648263", "0.611507", "0.567047", "0.540138", "0.527930",
    "0.465477", "0.369126", "0.391747", "0.315187", "0.272700", "0.237419", "0.199601",
    "0.189263", "0.161189", "0.148214", "0.137775", "0.129740", "0.121225", "0.113821",
    "0.107839", "0.102855", "0.100897", "0.092878",
]  # fmt: skip
SPEC_LABELS = np.array([[1, 1, 1, 1, 0, 0, 0, 1, 1, 0]])


@pytest.fixture(scope="module")
def ref():
    return load_reference("application")


def spec_data(labels=None):
    np.random.seed(1)
    X = np.random.randn(10, 10)
    Y = np.random.randn(1, 10) if labels is None else labels
    return X, Y


def stored_lines() -> list[str]:
    notebook = nbformat.read(KIT.solved_notebook("application"), as_version=4)
    text = "".join(
        output.get("text", "") for cell in notebook.cells for output in cell.get("outputs", [])
    )
    return text.splitlines()


def test_two_layer_model_spec_case(ref):
    parameters, costs = ref.two_layer_model(*spec_data(), (10, 4, 1), 0.0075, 2)
    assert len(costs) == 1
    assert costs[0] == pytest.approx(0.69315968, abs=1e-8)
    np.testing.assert_allclose(
        parameters["W2"], [[-0.00200283, -0.00888593, -0.00751122, 0.01688162]], atol=1e-8
    )
    np.testing.assert_allclose(parameters["b2"], [[-0.00689018]], atol=1e-8)


def test_L_layer_model_spec_case(ref):
    parameters, costs = ref.L_layer_model(*spec_data(SPEC_LABELS), (10, 5, 6, 1), 0.0075, 2)
    assert sorted(parameters) == ["W1", "W2", "W3", "b1", "b2", "b3"]
    assert costs[0] == pytest.approx(0.70723944, abs=1e-8)
    np.testing.assert_allclose(parameters["b3"], [[0.0013201]], atol=1e-7)


def test_costs_are_recorded_every_hundred_iterations_and_printed_when_asked(ref, capsys):
    _, costs = ref.L_layer_model(*spec_data(SPEC_LABELS), (10, 5, 6, 1), 0.0075, 201)
    assert len(costs) == 3
    assert capsys.readouterr().out == ""
    ref.two_layer_model(*spec_data(), (10, 4, 1), 0.0075, 101, print_cost=True)
    printed = [line for line in capsys.readouterr().out.splitlines() if line.startswith("Cost")]
    assert printed[0] == "Cost after iteration 0: 0.693159677264"
    assert [line.split(":")[0] for line in printed] == [
        "Cost after iteration 0",
        "Cost after iteration 100",
    ]


def test_lesson_initialiser_is_seed_one_over_square_root_of_width():
    parameters = helpers.initialize_parameters_deep([5, 4, 3])
    np.random.seed(1)
    W1 = np.random.randn(4, 5) / np.sqrt(5)
    W2 = np.random.randn(3, 4) / np.sqrt(4)
    np.testing.assert_array_equal(parameters["W1"], W1)
    np.testing.assert_array_equal(parameters["W2"], W2)
    assert parameters["b2"].shape == (3, 1)
    assert not parameters["b2"].any()


def test_fast_helpers_skip_only_the_unused_input_gradient():
    np.random.seed(2)
    X, W, b = np.random.randn(300, 40), np.random.randn(200, 300), np.random.randn(200, 1)
    Z, cache = helpers.linear_forward(X, W, b)
    np.testing.assert_allclose(Z, W @ X + b, rtol=1e-12, atol=1e-12)
    dZ = np.random.randn(200, 40)
    dA_prev, dW, db = helpers.linear_backward(dZ, cache)
    np.testing.assert_allclose(dA_prev, W.T @ dZ, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dW, dZ @ X.T / 40, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(db, dZ.sum(axis=1, keepdims=True) / 40, rtol=1e-12)
    skipped, dW_again, _ = helpers.linear_backward(dZ, cache, input_gradient=False)
    assert skipped is None
    assert np.array_equal(dW, dW_again)


def test_compute_cost_counts_zero_log_zero_as_zero():
    assert helpers.compute_cost(np.array([[1.0, 0.0, 0.5]]), np.array([[1, 0, 1]])) == (
        pytest.approx(np.log(2) / 3)
    )


def test_predict_thresholds_at_one_half_and_prints_accuracy(capsys):
    parameters = {"W1": np.array([[1.0]]), "b1": np.array([[0.0]])}
    predictions = helpers.predict(np.array([[-1.0, 0.0, 2.0]]), np.array([[0, 1, 1]]), parameters)
    np.testing.assert_array_equal(predictions, [[0, 0, 1]])
    assert capsys.readouterr().out == "Accuracy: 0.666666666667\n"


def test_stored_outputs_are_the_documented_costs_and_accuracies():
    """nbval then proves these stored outputs reproduce (tests/e2e/test_application_notebook.py)."""
    lines = stored_lines()
    assert (
        "Data: train_catvnoncat.h5 and test_catvnoncat.h5, classes 0 = non-cat, 1 = cat." in lines
    )
    costs = [line for line in lines if line.startswith("Cost after iteration")]
    expected = [f"{c:.12g}" for c in TWO_LAYER_COSTS] + L_LAYER_COSTS
    assert costs == [f"Cost after iteration {100 * (i % 25)}: {c}" for i, c in enumerate(expected)]
    accuracies = [line for line in lines if line.startswith("Accuracy")]
    assert accuracies[:4] == [
        "Accuracy: 1.0",
        "Accuracy: 0.72",
        "Accuracy: 0.985645933014",
        "Accuracy: 0.8",
    ]
    assert "y = 0. It's a non-cat picture." in lines


def test_visible_checks_pass_the_solution_and_explain_a_wrong_one(ref, capsys):
    two_layer_model_test(ref.two_layer_model)
    L_layer_model_test(ref.L_layer_model)
    assert capsys.readouterr().out.count("All tests passed") == 2

    def every_iteration(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, **_):
        parameters, _ = ref.L_layer_model(X, Y, layers_dims, learning_rate, num_iterations)
        return parameters, [0.5] * num_iterations

    with pytest.raises(CheckFailed, match="costs should hold 2 value"):
        L_layer_model_test(every_iteration)


def test_hidden_tests_pass_the_solution_and_give_hints(ref, capsys):
    run_hidden_tests("application", "two_layer_model", ref.two_layer_model)
    run_hidden_tests("application", "L_layer_model", ref.L_layer_model)
    assert capsys.readouterr().out.count("all hidden tests passed") == 2

    def lesson_one_init(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, **_):
        """The L-layer model with lesson 1's initialiser, written out here with the helpers."""
        np.random.seed(3)
        parameters = {}
        for l in range(1, len(layers_dims)):
            W = np.random.randn(layers_dims[l], layers_dims[l - 1]) * 0.01
            parameters[f"W{l}"], parameters[f"b{l}"] = W, np.zeros((layers_dims[l], 1))
        costs = []
        for i in range(num_iterations):
            AL, caches = helpers.L_model_forward(X, parameters)
            if i % 100 == 0:
                costs.append(helpers.compute_cost(AL, Y))
            grads = helpers.L_model_backward(AL, Y, caches)
            parameters = helpers.update_parameters(parameters, grads, learning_rate)
        return parameters, costs

    with pytest.raises(
        AssertionError, match=r"the weights look like lesson 1's \(seed 3, x 0.01\)"
    ):
        run_hidden_tests("application", "L_layer_model", lesson_one_init)


def test_release_carries_the_lesson_helpers():
    source = "\n".join(
        line
        for cell in nbformat.read(KIT.solved_notebook("application"), as_version=4).cells
        if cell.cell_type == "code"
        for line in cell.source.splitlines()
        if not line.startswith("%")
    )
    names = {str(path.relative_to(KIT.support)) for path in support_closure(KIT.support, source)}
    lesson = {"application/__init__.py", "application/utils.py", "application/data.py"}
    assert lesson | {"application/checks.py", "application/big_products.py"} <= names
    assert {"dnn_utils.py", "checks.py"} <= names
