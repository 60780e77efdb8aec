"""The hidden tests of lesson 1: their cases, their expected values and what they catch."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.grading.cases import prepared_cases
from autograder.grading.compare import compare
from autograder.grading.inline import run_hidden_tests
from autograder.grading.reference import load_reference, reference_sources
from autograder.grading.schema import load_hidden_tests
from autograder.lessons.step_by_step.hidden_tests import (
    _check_l_model_backward,
    _check_linear_activation_backward,
    _check_linear_backward,
)

FUNCTIONS = load_hidden_tests("step_by_step")
REFERENCE = load_reference("step_by_step")


# An independent implementation of lesson 1, written here from SPEC.md, to check the expected
# values the grader takes from the solved notebook on the cases SPEC gives no numbers for.
def _sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def _independent(name: str, *args):
    if name == "initialize_parameters":
        n_x, n_h, n_y = args
        np.random.seed(1)
        W1 = np.random.randn(n_h, n_x) * 0.01
        W2 = np.random.randn(n_y, n_h) * 0.01
        return {"W1": W1, "b1": np.zeros((n_h, 1)), "W2": W2, "b2": np.zeros((n_y, 1))}
    if name == "initialize_parameters_deep":
        (dims,) = args
        np.random.seed(3)
        out = {}
        for l in range(1, len(dims)):
            out[f"W{l}"] = np.random.randn(dims[l], dims[l - 1]) * 0.01
            out[f"b{l}"] = np.zeros((dims[l], 1))
        return out
    if name == "linear_forward":
        A, W, b = args
        return W @ A + b, (A, W, b)
    if name == "linear_activation_forward":
        A, W, b, activation = args
        Z = W @ A + b
        return (_sigmoid(Z) if activation == "sigmoid" else np.maximum(Z, 0)), ((A, W, b), Z)
    if name == "L_model_forward":
        X, parameters = args
        L, A, caches = len(parameters) // 2, X, []
        for l in range(1, L + 1):
            A, cache = _independent(
                "linear_activation_forward",
                A,
                parameters[f"W{l}"],
                parameters[f"b{l}"],
                "sigmoid" if l == L else "relu",
            )
            caches.append(cache)
        return A, caches
    if name == "compute_cost":
        AL, Y = args
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(Y == 1, np.log(AL), 0.0) + np.where(Y == 0, np.log(1 - AL), 0.0)
        return -np.sum(terms) / Y.shape[1]
    if name == "linear_backward":
        dZ, (A, W, _) = args
        m = A.shape[1]
        return W.T @ dZ, dZ @ A.T / m, dZ.sum(axis=1, keepdims=True) / m
    if name == "linear_activation_backward":
        dA, (linear_cache, Z), activation = args
        s = _sigmoid(Z)
        dZ = dA * s * (1 - s) if activation == "sigmoid" else dA * (Z > 0)
        return _independent("linear_backward", dZ, linear_cache)
    if name == "L_model_backward":
        AL, Y, caches = args
        grads, L = {}, len(caches)
        dA = -(Y / AL - (1 - Y) / (1 - AL))
        for l in range(L, 0, -1):
            activation = "sigmoid" if l == L else "relu"
            dA, dW, db = _independent("linear_activation_backward", dA, caches[l - 1], activation)
            grads[f"dA{l - 1}"], grads[f"dW{l}"], grads[f"db{l}"] = dA, dW, db
        return grads
    if name == "update_parameters":
        parameters, grads, rate = args
        return {key: value - rate * grads[f"d{key}"] for key, value in parameters.items()}
    raise KeyError(name)


def test_every_graded_function_has_a_documented_case_and_at_least_two_hidden_ones() -> None:
    graded_cells_in_notebook_order = list(reference_sources("step_by_step")[1])
    assert list(FUNCTIONS) == graded_cells_in_notebook_order
    assert len(FUNCTIONS) == 10
    for name, spec in FUNCTIONS.items():
        assert any(case.documented for case in spec.cases), name
        assert sum(not case.documented for case in spec.cases) >= 1, name
        assert len(spec.cases) >= 2 + (name != "update_parameters"), name
        assert spec.mistakes, name


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_some_hidden_case_has_several_units_and_more_examples_than_units(name: str) -> None:
    shapes = []
    for prepared in prepared_cases("step_by_step", name):
        if prepared.case.documented:
            continue
        first = prepared.expected[0] if isinstance(prepared.expected, tuple) else None
        if isinstance(first, np.ndarray) and first.ndim == 2:
            shapes.append(first.shape)
    if shapes:
        assert any(units > 1 and examples > units for units, examples in shapes), shapes


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_expected_values_agree_with_an_independent_implementation(name: str) -> None:
    for prepared in prepared_cases("step_by_step", name):
        independent = _independent(name, *prepared.fresh_args())
        assert compare(name, prepared.expected, independent) == [], prepared.case.name


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_the_reference_passes_every_hidden_case_including_spec_known_values(name, capsys) -> None:
    run_hidden_tests("step_by_step", name, getattr(REFERENCE, name))
    assert "all hidden tests passed" in capsys.readouterr().out


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_hard_coding_the_documented_output_never_passes(name: str) -> None:
    documented = next(p for p in prepared_cases("step_by_step", name) if p.case.documented)

    def hard_coded(*args):
        return documented.fresh_args() and documented.expected

    with pytest.raises(AssertionError, match=r"\[hidden"):
        run_hidden_tests("step_by_step", name, hard_coded)


def test_changing_an_input_in_place_fails_even_with_the_right_output() -> None:
    def linear_forward(A, W, b):
        Z = W @ A + b
        cache = (A.copy(), W, b)
        A *= 2
        return Z, cache

    with pytest.raises(AssertionError, match="argument 1 was changed in place"):
        run_hidden_tests("step_by_step", "linear_forward", linear_forward)


def test_a_list_instead_of_an_array_is_named_in_the_feedback() -> None:
    def linear_forward(A, W, b):
        return (W @ A + b).tolist(), (A, W, b)

    with pytest.raises(AssertionError, match="Z is a list; expected a numpy array"):
        run_hidden_tests("step_by_step", "linear_forward", linear_forward)


def test_lost_keepdims_and_transposes_are_recognised() -> None:
    assert "keepdims" in compare("db", np.zeros(3), np.zeros((3, 1)))[0]
    assert "transposed" in compare("W1", np.zeros((3, 2)), np.zeros((2, 3)))[0]


GRADIENT_CHECKS = {
    "linear_backward": _check_linear_backward,
    "linear_activation_backward": _check_linear_activation_backward,
    "L_model_backward": _check_l_model_backward,
}


@pytest.mark.parametrize("name", list(GRADIENT_CHECKS))
def test_numerical_gradient_check_accepts_the_reference_and_rejects_a_wrong_gradient(name) -> None:
    check = GRADIENT_CHECKS[name]
    checked = [p for p in prepared_cases("step_by_step", name) if check in p.case.checks]
    assert checked, f"{name} has no case with a numerical gradient check"
    for prepared in checked:
        assert check(prepared.fresh_args(), prepared.expected) == []
        expected = prepared.expected
        if isinstance(expected, dict):
            wrong = {key: value * (1.5 if key == "dW1" else 1) for key, value in expected.items()}
        else:
            wrong = (expected[0], expected[1] * 1.5, expected[2])
        problems = check(prepared.fresh_args(), wrong)
        assert any("numerical gradient" in problem for problem in problems)


def test_saturated_predictions_get_the_erratum_6_hint() -> None:
    def compute_cost(AL, Y):
        return np.squeeze(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / Y.shape[1])

    with np.errstate(all="ignore"), pytest.raises(AssertionError, match="erratum 6"):
        run_hidden_tests("step_by_step", "compute_cost", compute_cost)


def test_a_function_without_its_seed_is_told_so() -> None:
    def initialize_parameters(n_x, n_h, n_y):
        return {
            "W1": np.random.randn(n_h, n_x) * 0.01,
            "b1": np.zeros((n_h, 1)),
            "W2": np.random.randn(n_y, n_h) * 0.01,
            "b2": np.zeros((n_y, 1)),
        }

    with pytest.raises(AssertionError, match="forget to set the random seed"):
        run_hidden_tests("step_by_step", "initialize_parameters", initialize_parameters)
