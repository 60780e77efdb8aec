"""Every hidden case, for every identity, stays inside its function's documented contract.

A correct solution may rely on what SPEC.md and the notebook's docstring promise (lesson 1's
network ends in ONE sigmoid unit, labels are 0 or 1, Y is one-hot, ...): a hidden case that breaks
a promise fails correct code. The cases are drawn per submission, so the contracts are checked
here on many identities. They are written from SPEC.md and the docstrings, not from the cases.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from autograder.grading.cases import case_arguments, prepared_cases
from autograder.grading.schema import load_hidden_tests

SECRET = b"the contract tests' own secret, long enough"
IDENTITIES = [f"student-{i:03d}" for i in range(30)]
ACTIVATIONS = ("sigmoid", "tanh", "relu", "softmax")


def drawn_args(assignment: str, name: str, identities: list[str] = IDENTITIES) -> list[tuple]:
    """The arguments of every hidden case of ``name``, for every identity."""
    cases = [case for case in load_hidden_tests(assignment)[name].cases if not case.documented]
    return [
        case_arguments(assignment, name, case, identity, SECRET)
        for identity in identities
        for case in cases
    ]


def layer_sizes(parameters: dict) -> list[int]:
    """The sizes [n0, n1, ..., nL] that W1, b1, ..., WL, bL chain, checking every shape."""
    L = len(parameters) // 2
    assert sorted(parameters) == sorted([f"{p}{l}" for l in range(1, L + 1) for p in "Wb"])
    sizes = [parameters["W1"].shape[1]]
    for l in range(1, L + 1):
        W, b = parameters[f"W{l}"], parameters[f"b{l}"]
        assert W.shape[1] == sizes[-1]
        assert b.shape == (W.shape[0], 1)
        sizes.append(W.shape[0])
    return sizes


def assert_sizes(dims: object) -> None:
    assert all(isinstance(d, int) for d in dims), dims
    assert all(d > 0 for d in dims), dims


def assert_binary_row(Y: np.ndarray, m: int) -> None:
    assert Y.shape == (1, m)
    assert set(np.unique(Y)) <= {0, 1}


def assert_one_hot(Y: np.ndarray) -> None:
    assert set(np.unique(Y)) <= {0, 1}
    assert np.all(Y.sum(axis=0) == 1)


def assert_gradients_fit(parameters: dict, grads: dict) -> None:
    layer_sizes(parameters)
    for key, value in parameters.items():
        assert grads[f"d{key}"].shape == value.shape


# ------------------------------------------------------------------------------------ lesson 1


def assert_layer(A_prev: np.ndarray, W: np.ndarray, b: np.ndarray) -> None:
    assert W.shape[1] == A_prev.shape[0]
    assert b.shape == (W.shape[0], 1)


def initialize_parameters(args: tuple) -> None:
    assert len(args) == 3
    assert_sizes(args)


def initialize_parameters_deep(args: tuple) -> None:
    (dims,) = args
    assert len(dims) >= 2
    assert_sizes(dims)


def linear_activation_forward(args: tuple) -> None:
    assert_layer(*args[:3])
    assert args[3] in ("sigmoid", "relu")


def l_model_forward(args: tuple) -> None:
    X, parameters = args
    sizes = layer_sizes(parameters)
    assert sizes[0] == X.shape[0]
    assert sizes[-1] == 1  # ONE sigmoid output unit


def lesson_one_cost(args: tuple) -> None:
    AL, Y = args
    assert AL.shape == Y.shape
    assert_binary_row(Y, AL.shape[1])
    assert np.all((AL >= 0) & (AL <= 1))


def linear_backward(args: tuple) -> None:
    dZ, (A_prev, W, b) = args
    assert_layer(A_prev, W, b)
    assert dZ.shape == (W.shape[0], A_prev.shape[1])


def linear_activation_backward(args: tuple) -> None:
    dA, ((A_prev, W, b), Z), activation = args
    assert_layer(A_prev, W, b)
    assert dA.shape == Z.shape == (W.shape[0], A_prev.shape[1])
    assert activation in ("sigmoid", "relu")


def l_model_backward(args: tuple) -> None:
    AL, Y, caches = args
    m = AL.shape[1]
    assert AL.shape == (1, m)
    assert np.all((AL > 0) & (AL < 1))  # a sigmoid's output
    assert_binary_row(Y, m)
    for (A_prev, W, b), Z in caches:
        assert_layer(A_prev, W, b)
        assert A_prev.shape[1] == m
        assert Z.shape == (W.shape[0], m)
    assert caches[-1][0][1].shape[0] == 1


def update_parameters(args: tuple) -> None:
    parameters, grads, learning_rate = args
    assert_gradients_fit(parameters, grads)
    assert learning_rate > 0


STEP_BY_STEP: dict[str, Callable[[tuple], None]] = {
    "initialize_parameters": initialize_parameters,
    "initialize_parameters_deep": initialize_parameters_deep,
    "linear_forward": lambda args: assert_layer(*args),
    "linear_activation_forward": linear_activation_forward,
    "L_model_forward": l_model_forward,
    "compute_cost": lesson_one_cost,
    "linear_backward": linear_backward,
    "linear_activation_backward": linear_activation_backward,
    "L_model_backward": l_model_backward,
    "update_parameters": update_parameters,
}


@pytest.mark.parametrize("name", list(STEP_BY_STEP))
def test_lesson_one_hidden_cases_keep_the_contract(name: str) -> None:
    assert set(STEP_BY_STEP) == set(load_hidden_tests("step_by_step"))
    for args in drawn_args("step_by_step", name):
        STEP_BY_STEP[name](args)


def test_l_model_forward_always_returns_one_output_unit_al_of_shape_1_m() -> None:
    """Issue 11: a case with 3 output units failed every correct solution that asserts (1, m)."""
    for identity in IDENTITIES:
        for case in prepared_cases("step_by_step", "L_model_forward", identity, SECRET):
            X, parameters = case.args
            AL, caches = case.expected
            assert AL.shape == (1, X.shape[1]), case.case.name
            assert len(caches) == len(parameters) // 2


# ------------------------------------------------------------------------------------ lesson 2


@pytest.mark.parametrize(("name", "layers"), [("two_layer_model", 2), ("L_layer_model", None)])
def test_lesson_two_hidden_cases_train_a_binary_classifier(name: str, layers: int | None) -> None:
    for X, Y, dims, rate, iterations in drawn_args("application", name, IDENTITIES[:10]):
        assert_binary_row(Y, X.shape[1])
        assert_sizes(dims)
        assert dims[0] == X.shape[0]
        assert dims[-1] == 1  # one sigmoid output unit: cat or not
        assert layers is None or len(dims) == layers + 1
        assert rate > 0
        assert isinstance(iterations, int)
        assert iterations > 100  # so that costs holds several entries


# ------------------------------------------------------------------------------------ lesson 3


def assert_softmax_output(AL: np.ndarray) -> None:
    assert np.all(AL >= 0)
    assert np.allclose(AL.sum(axis=0), 1)


def assert_network(X: np.ndarray, parameters: dict, activations: list[str]) -> list[int]:
    sizes = layer_sizes(parameters)
    assert sizes[0] == X.shape[0]
    assert len(activations) == len(sizes) - 1
    assert set(activations) <= set(ACTIVATIONS)
    return sizes


def one_hot_encoding(args: tuple) -> None:
    labels, classes = args
    assert labels.ndim == 1
    assert np.issubdtype(labels.dtype, np.integer)
    assert np.all((labels >= 0) & (labels < classes))


def digits_cost(args: tuple) -> None:
    AL, Y = args
    assert AL.shape == Y.shape
    assert_softmax_output(AL)
    assert_one_hot(Y)


def backward_propagation(args: tuple) -> None:
    AL, Y, caches, activations = args
    digits_cost((AL, Y))
    m = AL.shape[1]
    for (A_prev, W, b), Z in caches:
        assert A_prev.shape == (W.shape[1], m)
        assert b.shape == (W.shape[0], 1)
        assert Z.shape == (W.shape[0], m)
    assert len(activations) == len(caches)
    assert activations[-1] == "softmax"


def digits_update(args: tuple) -> None:
    parameters, grads, learning_rate = args
    assert_gradients_fit(parameters, grads)
    assert learning_rate > 0


def neural_network_model(args: tuple) -> None:
    X, Y, dims, activations, learning_rate, iterations = args
    placeholders = {}
    for l in range(1, len(dims)):
        placeholders[f"W{l}"] = np.zeros((dims[l], dims[l - 1]))
        placeholders[f"b{l}"] = np.zeros((dims[l], 1))
    assert assert_network(X, placeholders, activations) == dims
    assert activations[-1] == "softmax"
    assert Y.shape == (dims[-1], X.shape[1])
    assert_one_hot(Y)
    assert learning_rate > 0
    assert isinstance(iterations, int)
    assert iterations > 1


DIGITS: dict[str, Callable[[tuple], None]] = {
    "one_hot_encoding": one_hot_encoding,
    "softmax": lambda args: np.testing.assert_equal(args[0].ndim, 2),
    "compute_cost": digits_cost,
    "initialize_parameters": lambda args: assert_sizes(args[0]),
    "forward_propagation": lambda args: assert_network(*args),
    "backward_propagation": backward_propagation,
    "update_parameters": digits_update,
    "predict": lambda args: assert_network(*args),
    "neural_network_model": neural_network_model,
}


@pytest.mark.parametrize("name", list(DIGITS))
def test_lesson_three_hidden_cases_keep_the_contract(name: str) -> None:
    assert set(DIGITS) == set(load_hidden_tests("digits"))
    for args in drawn_args("digits", name):
        DIGITS[name](args)
