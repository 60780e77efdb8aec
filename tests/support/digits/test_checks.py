"""Lesson 3's visible checks: their expected numbers are right, and they explain every failure.

The numbers typed into ``support/digits/checks.py`` are re-derived here independently (scipy's
softmax, loops, hand-written passes). Then every check must pass the solved functions and fail
the untouched release functions and typical wrong implementations with a message naming the
problem.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import numpy as np
import pytest
from scipy.special import softmax as scipy_softmax

from autograder.authoring.placeholders import replace_solution_blocks
from autograder.grading.reference import load_reference, reference_sources
from autograder.lessons.digits.mistakes import BY_SLUG
from support.checks import CheckFailed
from support.digits import checks as checks
from support.digits import fixtures as fixtures
from tests.helpers.digits import (
    NAMES,
    cost_loop,
    forward,
    independent_training,
    mutant,
)
from tests.helpers.submissions import reference_namespace


@pytest.fixture(scope="module")
def ref() -> SimpleNamespace:
    return load_reference("digits")


def released(name: str) -> Callable:
    """The function as a student first sees it: solution lines turned into placeholders."""
    source, blocks = replace_solution_blocks(reference_sources("digits")[1][name])
    assert blocks > 0
    namespace = reference_namespace("digits")
    exec(source, namespace)
    return namespace[name]


# ------------------------------------------------------------------------ the typed-in numbers


def test_softmax_numbers_match_scipy():
    np.testing.assert_allclose(
        checks.SOFTMAX_DOCUMENTED, scipy_softmax(fixtures.softmax_test_case(), axis=0), atol=1e-8
    )
    np.testing.assert_allclose(
        checks.SOFTMAX_LARGE,
        scipy_softmax(fixtures.softmax_large_scores_test_case(), axis=0),
        atol=1e-8,
    )


def test_cost_numbers_match_the_double_sum():
    assert pytest.approx(cost_loop(*fixtures.compute_cost_test_case())) == checks.COST_DOCUMENTED
    assert (
        pytest.approx(-(np.log(0.8) + np.log(0.9)) / 2, rel=1e-12) == checks.COST_ZERO_PROBABILITY
    )


@pytest.mark.parametrize(
    ("dims", "expected"),
    [([5, 4, 3], checks.INIT_DOCUMENTED), ([2, 3, 1, 2], checks.INIT_THREE_LAYERS)],
)
def test_initialisation_numbers_are_seed_3_draws_in_order(dims, expected):
    np.random.seed(3)
    for l in range(1, len(dims)):
        np.testing.assert_allclose(
            expected[f"W{l}"], np.random.randn(dims[l], dims[l - 1]) * 0.01, atol=1e-8
        )
        np.testing.assert_allclose(expected[f"b{l}"], np.random.randn(dims[l], 1) * 0.01, atol=1e-8)


# SPEC.md, Assignment 1, initialize_parameters_deep([5, 4, 3]) after np.random.seed(3): W1 (4, 5)
# then W2 (3, 4), the first 32 draws. Lesson 3 draws W1 (20), b1 (4), W2 (12), b2 (3) in turn.
SPEC_LESSON_ONE_W1 = [
    [0.01788628, 0.0043651, 0.00096497, -0.01863493, -0.00277388],
    [-0.00354759, -0.00082741, -0.00627001, -0.00043818, -0.00477218],
    [-0.01313865, 0.00884622, 0.00881318, 0.01709573, 0.00050034],
    [-0.00404677, -0.0054536, -0.01546477, 0.00982367, -0.01101068],
]
SPEC_LESSON_ONE_W2 = [
    [-0.01185047, -0.0020565, 0.01486148, 0.00236716],
    [-0.01023785, -0.00712993, 0.00625245, -0.00160513],
    [-0.00768836, -0.00230031, 0.00745056, 0.01976111],
]


def test_spec_documented_weights_are_the_first_draws_of_lesson_three():
    """SPEC's lesson 1 numbers are the same seed-3 stream: W1, then b1 and W2 start its W2."""
    documented = checks.INIT_DOCUMENTED
    lesson_three = np.concatenate(
        [np.ravel(documented["W1"]), np.ravel(documented["b1"]), np.ravel(documented["W2"])]
    )
    spec = np.concatenate([np.ravel(SPEC_LESSON_ONE_W1), np.ravel(SPEC_LESSON_ONE_W2)])
    np.testing.assert_allclose(lesson_three[: spec.size], spec, rtol=0, atol=5e-9)


def test_forward_numbers_match_an_independent_pass():
    for case, expected in [
        (fixtures.forward_propagation_test_case(), checks.FORWARD_DOCUMENTED),
        (fixtures.forward_propagation_three_layer_test_case(), checks.FORWARD_THREE_LAYERS),
    ]:
        np.testing.assert_allclose(expected, forward(*case), atol=1e-8)


def pre_activations(X, parameters, activations):
    """Every layer's Z, by an explicit loop over the examples (no matrix product)."""
    by_name = {"relu": lambda Z: np.maximum(Z, 0), "tanh": np.tanh}
    A, Zs = X, []
    for l, name in enumerate(activations, start=1):
        W, b = parameters[f"W{l}"], parameters[f"b{l}"]
        Z = np.stack([W @ A[:, j] for j in range(A.shape[1])], axis=1) + b
        Zs.append(Z)
        A = by_name[name](Z) if name in by_name else None
    return Zs


def test_cached_pre_activations_match_a_loop_over_the_examples():
    for case, expected in [
        (fixtures.forward_propagation_test_case(), checks.FORWARD_DOCUMENTED_Z),
        (fixtures.forward_propagation_three_layer_test_case(), checks.FORWARD_THREE_LAYERS_Z),
    ]:
        Zs = pre_activations(*case)
        assert len(Zs) == len(expected)
        for got, want in zip(Zs, expected, strict=True):
            np.testing.assert_allclose(want, got, rtol=0, atol=1e-8)
    documented_Z1 = np.array(checks.FORWARD_DOCUMENTED_Z[0])
    np.testing.assert_array_equal(
        checks.FORWARD_DOCUMENTED_A1, np.where(documented_Z1 > 0, documented_Z1, 0)
    )


def test_one_example_softmax_matches_scipy():
    column = np.array([[3.0], [1.0], [0.2]])
    np.testing.assert_allclose(
        checks.SOFTMAX_ONE_EXAMPLE, scipy_softmax(column, axis=0), rtol=0, atol=1e-8
    )


def test_documented_one_hot_has_a_single_one_per_label():
    labels, classes = fixtures.one_hot_encoding_test_case()
    Y = np.array(checks.ONE_HOT_DOCUMENTED)
    assert Y.shape == (classes, len(labels))
    assert Y.sum(axis=0).tolist() == [1] * len(labels)
    assert [int(np.flatnonzero(Y[:, j])[0]) for j in range(len(labels))] == labels.tolist()


def test_three_layer_update_numbers_are_the_formula():
    parameters = fixtures.random_parameters(4, [3, 2, 2, 1])
    for key, value in checks.UPDATE_THREE_LAYERS.items():
        step = parameters[key][::-1, ::-1] * 0.05  # the check's gradients: the arrays reversed
        np.testing.assert_allclose(value, parameters[key] - step, rtol=0, atol=1e-8)


def backward_by_hand(AL, Y, caches, activations):
    """The chain rule written out layer by layer, with derivatives taken from Z."""
    derivative = {"relu": lambda Z: (Z > 0) * 1.0, "tanh": lambda Z: 1 - np.tanh(Z) ** 2}
    m = Y.shape[1]
    grads = {}
    dZ = AL - Y
    for l in range(len(caches), 0, -1):
        (A_prev, W, _), _ = caches[l - 1]
        grads[f"dW{l}"] = dZ @ A_prev.T / m
        grads[f"db{l}"] = dZ.sum(axis=1, keepdims=True) / m
        if l > 1:
            grads[f"dA{l - 1}"] = W.T @ dZ
            dZ = grads[f"dA{l - 1}"] * derivative[activations[l - 2]](caches[l - 2][1])
    return grads


def test_backward_numbers_match_the_chain_rule_by_hand():
    for case, expected in [
        (fixtures.backward_propagation_test_case(), checks.BACKWARD_DOCUMENTED),
        (fixtures.backward_propagation_three_layer_test_case(), checks.BACKWARD_THREE_LAYERS),
    ]:
        grads = backward_by_hand(*case)
        assert set(grads) == set(expected)
        for key, value in expected.items():
            np.testing.assert_allclose(value, grads[key], atol=1e-8)


def test_update_numbers_are_spec_and_the_formula():
    parameters, grads, rate = fixtures.update_parameters_test_case()
    for key, value in checks.UPDATE_PARAMETERS_DOCUMENTED.items():
        np.testing.assert_allclose(value, parameters[key] - rate * grads[f"d{key}"], atol=1e-8)


def test_predict_numbers_are_the_argmax():
    X, parameters, activations = fixtures.predict_test_case()
    assert forward(X, parameters, activations).argmax(0).tolist() == checks.PREDICT_DOCUMENTED


def test_model_numbers_match_an_independent_training_loop():
    X, Y, dims, _ = fixtures.neural_network_model_test_case()
    parameters, costs, accuracies = independent_training(X, Y, dims, 0.5, 50)
    assert checks.MODEL_DOCUMENTED["first cost"] == pytest.approx(costs[0], rel=1e-12)
    assert checks.MODEL_DOCUMENTED["last cost"] == pytest.approx(costs[-1], rel=1e-10)
    assert accuracies[-1] == 0.75
    np.testing.assert_allclose(checks.MODEL_DOCUMENTED_B2, parameters["b2"], atol=1e-8)
    parameters, costs, accuracies = independent_training(X, Y, dims, 0.1, 3)
    np.testing.assert_allclose(checks.MODEL_THREE_STEPS_COSTS, costs, rtol=1e-12)
    np.testing.assert_allclose(checks.MODEL_THREE_STEPS_B1, parameters["b1"], atol=1e-8)
    assert accuracies == [5 / 12] * 3


def test_first_model_cost_is_close_to_ln_of_the_classes():
    assert checks.MODEL_DOCUMENTED["first cost"] == pytest.approx(np.log(3), abs=1e-4)


# ------------------------------------------------------------------------------ the checks


@pytest.mark.parametrize("name", NAMES)
def test_solved_function_passes(ref, name, capsys):
    getattr(checks, f"{name}_test")(getattr(ref, name))
    assert "All tests passed" in capsys.readouterr().out


@pytest.mark.parametrize("name", NAMES)
def test_untouched_release_function_fails_pointing_at_the_placeholder(name):
    with pytest.raises(CheckFailed) as failure:
        getattr(checks, f"{name}_test")(released(name))
    assert "None" in str(failure.value), str(failure.value)


def catalogued(slug: str, message: str):
    """A mistake of the grader's catalogue, with what the visible check must say about it."""
    mutation = BY_SLUG[slug]
    return pytest.param(mutation.function, mutation.replacements, message, id=slug)


# (function, text replacements in its solved cell, part of the visible check's message)
MISTAKES = [
    catalogued("one_hot_rows", "Y has shape (6, 10); expected (10, 6) (transposed?)"),
    catalogued("softmax_global_max", "subtract each column's own maximum"),
    catalogued("softmax_over_rows", "A has wrong values"),
    catalogued("cost_log_of_every_class", "0 * log(0) gave nan"),
    catalogued("cost_no_minus", "cost is -0.56344873"),
    catalogued("init_zero_biases", "parameters['b1'] has wrong values"),
    catalogued("init_listing_loop", "unexpected keys ['W3', 'b3']"),
    catalogued("forward_activation_index_shifted", "AL has wrong values"),
    pytest.param(
        "forward_propagation",
        (("A_prev = A\n", "A_prev = X\n"),),
        "raised ValueError",
        id="forward_A_prev_is_X",
    ),
    catalogued("backward_no_one_over_m", "dW1"),
    catalogued("backward_dZ_sign", "grads['dW1'] has wrong values"),
    catalogued("backward_dA_keys_shifted", "layer l's dA_prev goes under 'dA' + str(l - 1)"),
    catalogued("update_plus_sign", "updated['W1'] has wrong values"),
    catalogued("predict_argmax_over_examples", "predictions has shape (3,)"),
    catalogued("model_update_not_assigned", "costs[-1]"),
]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # nan and overflow from the mistakes
@pytest.mark.parametrize(("name", "replacements", "message"), MISTAKES)
def test_wrong_implementation_fails_with_a_clear_message(name, replacements, message):
    with pytest.raises(CheckFailed) as failure:
        getattr(checks, f"{name}_test")(mutant(name, *replacements))
    assert message in str(failure.value), str(failure.value)


def test_a_modified_input_is_reported():
    def softmax_in_place(Z):
        Z -= Z.max(axis=0, keepdims=True)
        e = np.exp(Z)
        return e / e.sum(axis=0, keepdims=True), Z

    with pytest.raises(CheckFailed, match="modified in place"):
        checks.softmax_test(softmax_in_place)
