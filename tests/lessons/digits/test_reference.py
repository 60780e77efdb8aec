"""The solved lesson 3 functions against independent computations (SPEC.md, Assignment 3).

SPEC gives only loose facts for this lesson (seed 3, randn * 0.01, initial cost near ln 10,
dZ = AL - Y, a per-column maximum in softmax), so expected values come from elsewhere: scipy's
softmax, loops, a forward pass and a training loop written here, and numerical gradients.
"""

from __future__ import annotations

import copy
from types import SimpleNamespace

import numpy as np
import pytest
from scipy.special import softmax as scipy_softmax

from autograder.grading.reference import load_reference
from autograder.lessons.building_blocks import numerical_gradient
from tests.helpers.digits import ACTIVATION, cost_loop, forward, independent_training


@pytest.fixture(scope="module")
def ref() -> SimpleNamespace:
    return load_reference("digits")


def one_hot_loop(labels, classes):
    Y = np.zeros((classes, len(labels)))
    for j, label in enumerate(labels):
        Y[label, j] = 1
    return Y


def random_network(seed, dims, m, scale=1.0):
    rng = np.random.RandomState(seed)
    parameters = {}
    for l in range(1, len(dims)):
        parameters[f"W{l}"] = rng.randn(dims[l], dims[l - 1]) * scale
        parameters[f"b{l}"] = rng.randn(dims[l], 1) * scale
    X = rng.randn(dims[0], m)
    Y = one_hot_loop(rng.randint(0, dims[-1], m), dims[-1])
    return X, Y, parameters


def test_one_hot_matches_a_loop(ref):
    labels = np.random.RandomState(0).randint(0, 10, 50)
    np.testing.assert_array_equal(ref.one_hot_encoding(labels), one_hot_loop(labels, 10))
    np.testing.assert_array_equal(
        ref.one_hot_encoding(np.array([2, 0]), 3), [[0, 1], [0, 0], [1, 0]]
    )


def test_one_hot_refuses_labels_outside_the_classes(ref):
    with pytest.raises(ValueError, match=r"0\.\.2"):
        ref.one_hot_encoding(np.array([0, 3]), 3)
    with pytest.raises(ValueError, match=r"0\.\.2"):
        ref.one_hot_encoding(np.array([-1, 1]), 3)  # negative indices would wrap silently


@pytest.mark.parametrize("scale", [1.0, 30.0, 1000.0])
def test_softmax_matches_scipy_column_by_column(ref, scale):
    Z = np.random.RandomState(1).randn(10, 8) * scale
    A, cache = ref.softmax(Z)
    np.testing.assert_allclose(A, scipy_softmax(Z, axis=0), rtol=1e-12, atol=1e-300)
    assert cache is Z


def test_softmax_uses_each_columns_own_maximum(ref):
    """The reference listing's global maximum turns the low column into 0 / 0 = nan."""
    Z = np.array([[1000.0, -1000.0], [1001.0, -1002.0], [1002.0, -1001.0]])
    A, _ = ref.softmax(Z)
    e = np.exp([0.0, 1.0, 2.0])
    np.testing.assert_allclose(A[:, 0], e / e.sum())
    np.testing.assert_allclose(A[:, 1], (e / e.sum())[[2, 0, 1]])


def test_cost_matches_the_double_sum(ref):
    rng = np.random.RandomState(2)
    AL = scipy_softmax(rng.randn(10, 30), axis=0)
    Y = one_hot_loop(rng.randint(0, 10, 30), 10)
    assert ref.compute_cost(AL, Y) == pytest.approx(cost_loop(AL, Y), rel=1e-12)
    assert isinstance(ref.compute_cost(AL, Y), float)


def test_cost_of_uniform_guesses_is_ln_10_and_zero_terms_count_as_zero(ref):
    Y = one_hot_loop([1, 5, 9], 10)
    assert ref.compute_cost(np.full((10, 3), 0.1), Y) == pytest.approx(np.log(10))
    AL = np.array([[0.0, 0.5], [1.0, 0.5]])
    assert ref.compute_cost(AL, one_hot_loop([1, 0], 2)) == pytest.approx(np.log(2) / 2)


def test_initialiser_draws_w_then_b_per_layer_after_seed_3(ref):
    dims = [7, 5, 4, 3]
    np.random.seed(3)
    draws = np.random.randn(sum(dims[l] * (dims[l - 1] + 1) for l in range(1, len(dims)))) * 0.01
    parameters = ref.initialize_parameters(dims)
    assert list(parameters) == ["W1", "b1", "W2", "b2", "W3", "b3"]
    start = 0
    for l in range(1, len(dims)):
        for key, shape in ((f"W{l}", (dims[l], dims[l - 1])), (f"b{l}", (dims[l], 1))):
            size = shape[0] * shape[1]
            np.testing.assert_array_equal(
                parameters[key], draws[start : start + size].reshape(shape)
            )
            start += size


def test_spec_initial_cost_is_about_ln_10(ref):
    """SPEC: the untrained [n_x, 512, 10] network starts at a cost of about ln 10 = 2.302."""
    rng = np.random.RandomState(4)
    X = rng.randint(0, 256, (784, 300)) / 255
    Y = one_hot_loop(rng.randint(0, 10, 300), 10)
    AL, _ = ref.forward_propagation(
        X, ref.initialize_parameters([784, 512, 10]), ["relu", "softmax"]
    )
    assert ref.compute_cost(AL, Y) == pytest.approx(np.log(10), abs=0.01)


@pytest.mark.parametrize(
    "activations", [["relu", "softmax"], ["tanh", "sigmoid", "softmax"], ["sigmoid", "relu"]]
)
def test_forward_matches_an_independent_pass_and_caches_each_layer(ref, activations):
    dims = [5, 4, 6, 3][: len(activations) + 1]
    X, _, parameters = random_network(5, dims, 7)
    AL, caches = ref.forward_propagation(X, parameters, activations)
    np.testing.assert_allclose(AL, forward(X, parameters, activations), rtol=1e-12)
    assert len(caches) == len(activations)
    A_prev = X
    for l, ((A, W, b), Z) in enumerate(caches, start=1):
        np.testing.assert_array_equal(A, A_prev)
        assert W is parameters[f"W{l}"]
        assert b is parameters[f"b{l}"]
        np.testing.assert_allclose(Z, W @ A + b)
        A_prev = ACTIVATION[activations[l - 1]](Z)


def test_forward_refuses_a_wrong_number_of_activations(ref):
    X, _, parameters = random_network(6, [3, 2, 2], 4)
    with pytest.raises(ValueError, match="2 layers need 2 activations"):
        ref.forward_propagation(X, parameters, ["softmax"])


@pytest.mark.parametrize(
    "activations",
    [["relu", "softmax"], ["tanh", "relu", "softmax"], ["sigmoid", "tanh", "softmax"]],
)
def test_backward_matches_numerical_gradients(ref, activations):
    dims = [4, 5, 3, 3][: len(activations) + 1]
    X, Y, parameters = random_network(7, dims, 6)
    AL, caches = ref.forward_propagation(X, parameters, activations)
    grads = ref.backward_propagation(AL, Y, caches, activations)
    L = len(activations)
    expected_keys = {f"d{k}" for k in parameters} | {f"dA{l}" for l in range(1, L)}
    assert set(grads) == expected_keys  # no dA0: the input's gradient is never needed

    def cost():
        return cost_loop(forward(X, parameters, activations), Y)

    for key, value in parameters.items():
        np.testing.assert_allclose(
            grads[f"d{key}"], numerical_gradient(cost, value), rtol=1e-5, atol=1e-8
        )
    for l in range(1, L):
        A = caches[l][0][0].copy()
        upper = {f"{k[0]}{int(k[1:]) - l}": v for k, v in parameters.items() if int(k[1:]) > l}

        def upper_cost(A=A, upper=upper, l=l):
            return cost_loop(forward(A, upper, activations[l:]), Y)

        numeric = numerical_gradient(upper_cost, A) * X.shape[1]
        np.testing.assert_allclose(grads[f"dA{l}"], numeric, rtol=1e-5, atol=1e-8)


def test_backward_refuses_a_non_softmax_output(ref):
    X, Y, parameters = random_network(8, [3, 2, 2], 4)
    AL, caches = ref.forward_propagation(X, parameters, ["relu", "sigmoid"])
    with pytest.raises(ValueError, match="softmax"):
        ref.backward_propagation(AL, Y, caches, ["relu", "sigmoid"])


def test_update_moves_every_layer_and_leaves_its_inputs(ref):
    _, _, parameters = random_network(9, [4, 3, 3, 2], 1)
    grads = {f"d{k}": v * 2 + 1 for k, v in parameters.items()}
    before = copy.deepcopy((parameters, grads))
    updated = ref.update_parameters(parameters, grads, 0.3)
    assert set(updated) == set(parameters)
    for key in parameters:
        np.testing.assert_allclose(updated[key], before[0][key] - 0.3 * before[1][f"d{key}"])
    for original, now in zip(before, (parameters, grads), strict=True):
        for key in original:
            np.testing.assert_array_equal(original[key], now[key])


def test_predict_is_the_argmax_of_an_independent_forward_pass(ref):
    X, _, parameters = random_network(10, [6, 8, 10], 25, scale=2.0)
    predictions = ref.predict(X, parameters, ["relu", "softmax"])
    assert predictions.shape == (25,)
    assert np.issubdtype(predictions.dtype, np.integer)
    np.testing.assert_array_equal(
        predictions, np.argmax(forward(X, parameters, ["relu", "softmax"]), axis=0)
    )


def test_model_matches_an_independent_training_loop(ref):
    rng = np.random.RandomState(11)
    X = rng.rand(20, 60)
    Y = one_hot_loop(rng.randint(0, 4, 60), 4)
    parameters, costs, accuracies = ref.neural_network_model(
        X, Y, [20, 16, 4], ["relu", "softmax"], 0.5, 40
    )
    expected_parameters, expected_costs, expected_accuracies = independent_training(
        X, Y, [20, 16, 4], 0.5, 40
    )
    assert len(costs) == len(accuracies) == 40
    np.testing.assert_allclose(costs, expected_costs, rtol=1e-9)
    np.testing.assert_allclose(accuracies, expected_accuracies)
    for key, value in expected_parameters.items():
        np.testing.assert_allclose(parameters[key], value, rtol=1e-9, atol=1e-12)


def test_model_prints_cost_lines_and_a_progress_bar_only_when_asked(ref, capsys):
    rng = np.random.RandomState(12)
    X, Y = rng.rand(5, 10), one_hot_loop(rng.randint(0, 3, 10), 3)
    ref.neural_network_model(X, Y, [5, 4, 3], ["relu", "softmax"], 0.1, 201)
    assert capsys.readouterr() == ("", "")
    _, costs, _ = ref.neural_network_model(X, Y, [5, 4, 3], ["relu", "softmax"], 0.1, 201, True)
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        f"Cost after iteration {i}: {costs[i]:.6f}" for i in (0, 100, 200)
    ]
    assert "201/201" in captured.err  # tqdm's bar, on stderr
