"""The visible checks of lesson 1 pass the solved functions and explain every failure.

The untouched release functions (placeholders only) and hand-written wrong implementations
must each fail with a message naming the problem, never a bare AssertionError.
"""

from __future__ import annotations

from types import SimpleNamespace

import nbformat
import numpy as np
import pytest

from autograder.grading.reference import load_reference
from support.checks import CheckFailed
from support.dnn_utils import relu, relu_backward, sigmoid, sigmoid_backward
from support.step_by_step import checks
from support.testCases import (
    UPDATE_PARAMETERS_DOCUMENTED,
    linear_activation_forward_test_case,
    update_parameters_test_case,
)
from tests.helpers.data import ROOT

NAMES = [
    "initialize_parameters",
    "initialize_parameters_deep",
    "linear_forward",
    "linear_activation_forward",
    "L_model_forward",
    "compute_cost",
    "linear_backward",
    "linear_activation_backward",
    "L_model_backward",
    "update_parameters",
]


def test_documented_pre_activation_is_the_fixture_s_product():
    A_prev, W, b = linear_activation_forward_test_case()
    Z = [[sum(W[0, k] * A_prev[k, j] for k in range(3)) + b[0, 0] for j in range(2)]]
    np.testing.assert_allclose(checks.LINEAR_ACTIVATION_FORWARD_DOCUMENTED_Z, Z, rtol=0, atol=1e-8)
    # SPEC: relu gives [[3.43896131 0.]], so Z's first entry is that and its second is negative.
    assert checks.LINEAR_ACTIVATION_FORWARD_DOCUMENTED_Z[0][0] == 3.43896131
    assert checks.LINEAR_ACTIVATION_FORWARD_DOCUMENTED_Z[0][1] < 0


def check_of(name: str):
    return getattr(checks, f"{name}_test")


@pytest.fixture(scope="module")
def ref() -> SimpleNamespace:
    return load_reference("step_by_step")


@pytest.fixture(scope="module")
def released() -> dict:
    """The untouched student functions: the release notebook's graded cells, executed."""
    notebook = nbformat.read(ROOT / "release/step_by_step/step_by_step.ipynb", as_version=4)
    namespace = {
        "np": np,
        "relu": relu,
        "sigmoid": sigmoid,
        "relu_backward": relu_backward,
        "sigmoid_backward": sigmoid_backward,
    }
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.source.startswith("# GRADED FUNCTION:"):
            exec(cell.source, namespace)
    return namespace


@pytest.mark.parametrize("name", NAMES)
def test_solved_function_passes(ref, name, capsys):
    check_of(name)(getattr(ref, name))
    assert "All tests passed" in capsys.readouterr().out


@pytest.mark.parametrize("name", NAMES)
def test_untouched_release_function_fails_with_placeholder_hint(released, name):
    with pytest.raises(CheckFailed) as failure:
        check_of(name)(released[name])
    message = str(failure.value)
    assert message.startswith(f"{name} failed ")
    assert "placeholder" in message, message


def wrong(ref: SimpleNamespace, name: str, **overrides):
    """A reference function whose helpers (numpy calls, other functions) are swapped out."""
    function = getattr(ref, name)
    namespace = dict(function.__globals__, **overrides)
    return type(function)(function.__code__, namespace, name)


def no_keepdims_backward(dZ, cache):
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    return W.T @ dZ, dZ @ A_prev.T / m, np.sum(dZ, axis=1) / m


def forgot_one_over_m_backward(dZ, cache):
    A_prev, W, _ = cache
    return W.T @ dZ, dZ @ A_prev.T, np.sum(dZ, axis=1, keepdims=True)


def transposed_init(n_x, n_h, n_y):
    np.random.seed(1)
    return {
        "W1": np.random.randn(n_x, n_h) * 0.01,
        "b1": np.zeros((n_h, 1)),
        "W2": np.random.randn(n_h, n_y) * 0.01,
        "b2": np.zeros((n_y, 1)),
    }


def rand_init_deep(layer_dims):
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters[f"W{l}"] = np.random.rand(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters[f"b{l}"] = np.zeros((layer_dims[l], 1))
    return parameters


def in_place_forward(A, W, b):
    A -= 0.5  # writes into the caller's array
    return W @ A + b, (A, W, b)


def update_skipping_last_layer(parameters, grads, learning_rate):
    L = len(parameters) // 2
    for l in range(1, L):
        parameters[f"W{l}"] = parameters[f"W{l}"] - learning_rate * grads[f"dW{l}"]
        parameters[f"b{l}"] = parameters[f"b{l}"] - learning_rate * grads[f"db{l}"]
    return parameters


def update_modifying_grads(parameters, grads, learning_rate):
    for key in list(grads):
        grads[key] *= learning_rate
        parameters[key[1:]] = parameters[key[1:]] - grads[key]
    return parameters


def cost_without_one_over_m(AL, Y):
    return np.squeeze(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)))


WRONG_IMPLEMENTATIONS = {
    "W1 transposed": ("initialize_parameters", lambda _ref: transposed_init, "shape"),
    "rand instead of randn": (
        "initialize_parameters_deep",
        lambda _ref: rand_init_deep,
        "wrong values",
    ),
    "input modified in place": (
        "linear_forward",
        lambda _ref: in_place_forward,
        "modified in place",
    ),
    "keepdims lost": ("linear_backward", lambda _ref: no_keepdims_backward, "keepdims lost"),
    "1/m forgotten": ("linear_backward", lambda _ref: forgot_one_over_m_backward, "wrong values"),
    "cost without 1/m": ("compute_cost", lambda _ref: cost_without_one_over_m, "expected 0.4149"),
    "relu and sigmoid swapped": (
        "linear_activation_forward",
        lambda ref: wrong(ref, "linear_activation_forward", sigmoid=relu, relu=sigmoid),
        "wrong values",
    ),
    "sigmoid_backward in the relu layers": (
        "L_model_backward",
        lambda ref: wrong(
            ref,
            "L_model_backward",
            linear_activation_backward=lambda dA, cache, _activation: (
                ref.linear_activation_backward(dA, cache, "sigmoid")
            ),
        ),
        "wrong values",
    ),
    "output layer skipped by the update loop": (
        "update_parameters",
        lambda _ref: update_skipping_last_layer,
        "parameters['W2'] has wrong values",
    ),
    "gradients modified": (
        "update_parameters",
        lambda _ref: update_modifying_grads,
        "modified in place",
    ),
}


@pytest.mark.parametrize("mistake", sorted(WRONG_IMPLEMENTATIONS))
def test_wrong_implementation_fails_with_a_clear_message(ref, mistake):
    name, build, expected_phrase = WRONG_IMPLEMENTATIONS[mistake]
    with pytest.raises(CheckFailed) as failure:
        check_of(name)(build(ref))
    assert expected_phrase in str(failure.value), str(failure.value)


def test_shape_message_names_the_array_and_both_shapes():
    with pytest.raises(CheckFailed, match=r"W1'\] has shape \(3, 2\); expected \(2, 3\)"):
        checks.initialize_parameters_test(transposed_init)


def test_wrong_key_names_get_the_key_hint(ref):
    def shifted_keys(AL, Y, caches):
        """Erratum 1: the gradient with respect to A[l-1] stored under "dA" + str(l)."""
        grads = ref.L_model_backward(AL, Y, caches)
        return {(f"dA{int(k[2:]) + 1}" if k.startswith("dA") else k): v for k, v in grads.items()}

    with pytest.raises(CheckFailed, match=r'grads\["dA" \+ str\(l\)\] is the gradient'):
        checks.L_model_backward_test(shifted_keys)


def test_solved_update_parameters_leaves_its_dictionary_alone(ref):
    """As the course's 2021 public tests use it: three calls on one dictionary, same answer."""
    parameters, grads = update_parameters_test_case()
    before = {key: value.copy() for key, value in parameters.items()}
    results = [ref.update_parameters(parameters, grads, 0.1) for _ in range(3)]
    for key, value in before.items():
        np.testing.assert_array_equal(parameters[key], value)
    for result in results:
        assert result is not parameters
        for key, value in UPDATE_PARAMETERS_DOCUMENTED.items():  # SPEC's documented update
            np.testing.assert_allclose(result[key], value, rtol=0, atol=1e-8)
