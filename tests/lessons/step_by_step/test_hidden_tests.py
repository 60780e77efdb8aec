"""The hidden tests of lesson 1: their cases, their expected values and what they catch.

Hidden cases are drawn per submission, so the tests that depend on them run for several
identities (and a secret of their own): what holds for one student must hold for every student.
"""

from __future__ import annotations

import re

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
SECRET = b"lesson one's tests, a secret of their own"
IDENTITIES = ("", "alice", "2024-bob.ipynb")


def prepared(name: str, identity: str = "") -> tuple:
    return prepared_cases("step_by_step", name, identity, SECRET)


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


# Where each function's (units, examples) array sits: in its output, or, for the backward
# functions, in the gradient it receives. By SPEC's contract AL and the cost have ONE unit, and
# the initialisers and the update have no examples: those four are listed apart (every function,
# those included, also gets a mistake below that only its hidden cases can catch).
UNITS_BY_EXAMPLES = {
    "linear_forward": lambda _args, out: out[0],  # Z
    "linear_activation_forward": lambda _args, out: out[0],  # A
    "L_model_forward": lambda _args, out: out[1][0][1],  # Z of the first hidden layer
    "linear_backward": lambda args, _out: args[0],  # dZ
    "linear_activation_backward": lambda args, _out: args[0],  # dA
    "L_model_backward": lambda _args, out: out["dA1"],  # gradient of the first hidden layer
}
WITHOUT_UNITS_BY_EXAMPLES = {
    "initialize_parameters",
    "initialize_parameters_deep",
    "compute_cost",
    "update_parameters",
}


def test_every_function_is_either_shape_checked_or_known_to_have_no_units_by_examples() -> None:
    assert set(UNITS_BY_EXAMPLES) | WITHOUT_UNITS_BY_EXAMPLES == set(FUNCTIONS)
    assert not set(UNITS_BY_EXAMPLES) & WITHOUT_UNITS_BY_EXAMPLES


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize("name", list(UNITS_BY_EXAMPLES))
def test_some_hidden_case_has_several_units_and_more_examples_than_units(name, identity) -> None:
    probe = UNITS_BY_EXAMPLES[name]
    shapes = [
        np.shape(probe(case.args, case.expected))
        for case in prepared(name, identity)
        if not case.case.documented
    ]
    assert shapes, f"{name} has no hidden case"
    assert any(len(s) == 2 and 1 < s[0] < s[1] for s in shapes), shapes


# Realistic wrong implementations that give the documented output exactly (the documented case
# has one unit, one output, two layers or labels all 1), written here from SPEC's contracts.
# Only the hidden cases can catch them, and the feedback must say what is wrong.
def _init_bias_with_n_y_columns(n_x, n_h, n_y):
    np.random.seed(1)
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, n_y))
    W2 = np.random.randn(n_y, n_h) * 0.01
    return {"W1": W1, "b1": b1, "W2": W2, "b2": np.zeros((n_y, 1))}


def _deep_init_for_two_layers_only(layer_dims):
    np.random.seed(3)
    parameters = {}
    for l in range(1, 3):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def _linear_forward_with_transposed_bias(A, W, b):
    return np.dot(W, A) + b.T, (A, W, b)


def _activation_forward_reshaped_to_one_row(A_prev, W, b, activation):
    Z = np.dot(W, A_prev) + b
    A = _sigmoid(Z) if activation == "sigmoid" else np.maximum(Z, 0)
    return A.reshape(1, -1), ((A_prev, W, b), Z)


def _forward_for_three_layers_only(X, parameters):
    A, caches = X, []
    for l in range(1, 4):
        W, b = parameters["W" + str(l)], parameters["b" + str(l)]
        Z = np.dot(W, A) + b
        caches.append(((A, W, b), Z))
        A = _sigmoid(Z) if l == 3 else np.maximum(Z, 0)
    return A, caches


def _cost_without_the_negative_labels_term(AL, Y):
    return np.squeeze(-np.sum(Y * np.log(AL)) / Y.shape[1])


def _linear_backward_summing_db_over_everything(dZ, cache):
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    return np.dot(W.T, dZ), np.dot(dZ, A_prev.T) / m, np.sum(dZ, keepdims=True) / m


def _activation_backward_summing_db_over_everything(dA, cache, activation):
    (A_prev, W, _), Z = cache
    s = _sigmoid(Z)
    dZ = dA * s * (1 - s) if activation == "sigmoid" else np.where(Z > 0, dA, 0.0)
    m = A_prev.shape[1]
    return np.dot(W.T, dZ), np.dot(dZ, A_prev.T) / m, np.sum(dZ, keepdims=True) / m


def _model_backward_without_a_loop(AL, Y, caches):
    """Layer L with sigmoid, then layer 1 with relu: right for two layers only."""
    grads, L = {}, len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    dA, grads[f"dW{L}"], grads[f"db{L}"] = _independent(
        "linear_activation_backward", dAL, caches[L - 1], "sigmoid"
    )
    grads[f"dA{L - 1}"] = dA
    grads["dA0"], grads["dW1"], grads["db1"] = _independent(
        "linear_activation_backward", dA, caches[0], "relu"
    )
    return grads


def _update_for_two_layers_only(parameters, grads, learning_rate):
    updated = dict(parameters)
    for l in range(1, 3):
        updated["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        updated["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return updated


# name -> (wrong implementation, a regular expression its feedback must match)
HIDDEN_ONLY_MISTAKES = {
    "initialize_parameters": (
        _init_bias_with_n_y_columns,
        re.escape("parameters['b1'] has shape (3, 2); expected (3, 1)"),
    ),
    "initialize_parameters_deep": (
        _deep_init_for_two_layers_only,
        re.escape("parameters is missing keys ['W3', ") + r"('W\d', )*'b3'",
    ),
    "linear_forward": (_linear_forward_with_transposed_bias, "Hint: the shapes do not fit"),
    "linear_activation_forward": (
        _activation_forward_reshaped_to_one_row,
        re.escape("A has shape (1, 12); expected (3, 4)"),
    ),
    "L_model_forward": (_forward_for_three_layers_only, "KeyError: 'W3'"),
    "compute_cost": (
        _cost_without_the_negative_labels_term,
        re.escape("Hint: the (1 - Y) * log(1 - AL) term is missing"),
    ),
    "linear_backward": (
        _linear_backward_summing_db_over_everything,
        re.escape("db has shape (1, 1); expected (3, 1)"),
    ),
    "linear_activation_backward": (
        _activation_backward_summing_db_over_everything,
        r"db has shape \(1, 1\); expected \([2-9], 1\)",
    ),
    "L_model_backward": (_model_backward_without_a_loop, "Hint: the shapes do not fit"),
    "update_parameters": (
        _update_for_two_layers_only,
        re.escape("Hint: update every layer l = 1 ... L: range(1, L) skips the last one"),
    ),
}


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_a_mistake_the_documented_case_cannot_see_fails_a_hidden_case_saying_so(
    name, identity
) -> None:
    wrong, message = HIDDEN_ONLY_MISTAKES[name]
    with np.errstate(all="ignore"), pytest.raises(AssertionError) as failure:
        run_hidden_tests("step_by_step", name, wrong, identity, SECRET)
    feedback = str(failure.value)
    cases = FUNCTIONS[name].cases
    assert not [c.name for c in cases if c.documented and f"[{c.name}]" in feedback], feedback
    assert [c.name for c in cases if not c.documented and f"[{c.name}]" in feedback], feedback
    assert re.search(message, feedback), feedback


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_expected_values_agree_with_an_independent_implementation(name, identity) -> None:
    for case in prepared(name, identity):
        independent = _independent(name, *case.fresh_args())
        assert compare(name, case.expected, independent) == [], case.case.name


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_the_reference_passes_every_hidden_case_including_spec_known_values(
    name, identity, capsys
) -> None:
    run_hidden_tests("step_by_step", name, getattr(REFERENCE, name), identity, SECRET)
    assert "all hidden tests passed" in capsys.readouterr().out


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_hard_coding_the_documented_output_never_passes(name: str) -> None:
    documented = next(p for p in prepared(name) if p.case.documented)

    def hard_coded(*_args):
        return documented.fresh_args() and documented.expected

    with pytest.raises(AssertionError, match=r"\[hidden"):
        run_hidden_tests("step_by_step", name, hard_coded, "", SECRET)


def test_changing_an_input_in_place_fails_even_with_the_right_output() -> None:
    def linear_forward(A, W, b):
        Z = W @ A + b
        cache = (A.copy(), W, b)
        A *= 2
        return Z, cache

    with pytest.raises(AssertionError, match="argument 1 was changed in place"):
        run_hidden_tests("step_by_step", "linear_forward", linear_forward, "", SECRET)


def test_a_list_instead_of_an_array_is_named_in_the_feedback() -> None:
    def linear_forward(A, W, b):
        return (W @ A + b).tolist(), (A, W, b)

    with pytest.raises(AssertionError, match="Z is a list; expected a numpy array"):
        run_hidden_tests("step_by_step", "linear_forward", linear_forward, "", SECRET)


def test_lost_keepdims_and_transposes_are_recognised() -> None:
    assert "keepdims" in compare("db", np.zeros(3), np.zeros((3, 1)))[0]
    assert "transposed" in compare("W1", np.zeros((3, 2)), np.zeros((2, 3)))[0]


GRADIENT_CHECKS = {
    "linear_backward": _check_linear_backward,
    "linear_activation_backward": _check_linear_activation_backward,
    "L_model_backward": _check_l_model_backward,
}


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize("name", list(GRADIENT_CHECKS))
def test_numerical_gradient_check_accepts_the_reference_and_rejects_a_wrong_gradient(
    name, identity
) -> None:
    check = GRADIENT_CHECKS[name]
    checked = [p for p in prepared(name, identity) if check in p.case.checks]
    assert checked, f"{name} has no case with a numerical gradient check"
    for case in checked:
        assert check(case.fresh_args(), case.expected) == []
        expected = case.expected
        if isinstance(expected, dict):
            wrong = {key: value * (1.5 if key == "dW1" else 1) for key, value in expected.items()}
        else:
            wrong = (expected[0], expected[1] * 1.5, expected[2])
        problems = check(case.fresh_args(), wrong)
        assert any("numerical gradient" in problem for problem in problems)


def test_saturated_predictions_get_the_erratum_6_hint() -> None:
    def compute_cost(AL, Y):
        return np.squeeze(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / Y.shape[1])

    with np.errstate(all="ignore"), pytest.raises(AssertionError, match="erratum 6"):
        run_hidden_tests("step_by_step", "compute_cost", compute_cost, "", SECRET)


def test_a_function_without_its_seed_is_told_so() -> None:
    def initialize_parameters(n_x, n_h, n_y):
        return {
            "W1": np.random.randn(n_h, n_x) * 0.01,
            "b1": np.zeros((n_h, 1)),
            "W2": np.random.randn(n_y, n_h) * 0.01,
            "b2": np.zeros((n_y, 1)),
        }

    with pytest.raises(AssertionError, match="forget to set the random seed"):
        run_hidden_tests("step_by_step", "initialize_parameters", initialize_parameters, "", SECRET)


# ------------------------------------------- the documented cases: SPEC's fixtures, for everyone


def _randn_after(seed: int, *shapes: tuple[int, ...]) -> list[np.ndarray]:
    np.random.seed(seed)
    return [np.random.randn(*shape) for shape in shapes]


def _spec_update_fixture() -> tuple:
    W1, b1, W2, b2 = _randn_after(2, (3, 4), (3, 1), (1, 3), (1, 1))
    dW1, db1, dW2, db2 = _randn_after(3, (3, 4), (3, 1), (1, 3), (1, 1))
    parameters = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    return parameters, {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}, 0.1


def _spec_forward_fixture() -> tuple:
    X, W1, b1, W2, b2, W3, b3 = _randn_after(
        6, (5, 4), (4, 5), (4, 1), (3, 4), (3, 1), (1, 3), (1, 1)
    )
    return X, {"W1": W1, "b1": b1, "W2": W2, "b2": b2, "W3": W3, "b3": b3}


def _spec_backward_fixture() -> tuple:
    AL, A1, W1, b1, Z1, A2, W2, b2, Z2 = _randn_after(
        3, (1, 2), (4, 2), (3, 4), (3, 1), (3, 2), (3, 2), (1, 3), (1, 1), (1, 2)
    )
    return AL, np.array([[1, 0]]), [((A1, W1, b1), Z1), ((A2, W2, b2), Z2)]


def _spec_activation_backward_fixture(activation: str) -> tuple:
    dA, A, W, b, Z = _randn_after(2, (1, 2), (3, 2), (1, 3), (1, 1), (1, 2))
    return dA, ((A, W, b), Z), activation


# The documented cases' arguments, written here from SPEC.md's table (fixture, seed, draw order).
SPEC_FIXTURES = {
    "initialize_parameters": [(3, 2, 1)],
    "initialize_parameters_deep": [([5, 4, 3],)],
    "linear_forward": [tuple(_randn_after(1, (3, 2), (1, 3), (1, 1)))],
    "linear_activation_forward": [
        (*_randn_after(2, (3, 2), (1, 3), (1, 1)), "sigmoid"),
        (*_randn_after(2, (3, 2), (1, 3), (1, 1)), "relu"),
    ],
    "L_model_forward": [_spec_forward_fixture()],
    "compute_cost": [(np.array([[0.8, 0.9, 0.4]]), np.array([[1, 1, 1]]))],
    "linear_backward": [
        (lambda dZ, A, W, b: (dZ, (A, W, b)))(*_randn_after(1, (1, 2), (3, 2), (1, 3), (1, 1)))
    ],
    "linear_activation_backward": [
        _spec_activation_backward_fixture("sigmoid"),
        _spec_activation_backward_fixture("relu"),
    ],
    "L_model_backward": [_spec_backward_fixture()],
    "update_parameters": [_spec_update_fixture()],
}


def _same(one: object, two: object) -> bool:
    """Equal values and shapes all the way down (integer and float zeros alike)."""
    if isinstance(one, np.ndarray) or isinstance(two, np.ndarray):
        return np.shape(one) == np.shape(two) and np.array_equal(one, two)
    if isinstance(one, dict):
        return (
            isinstance(two, dict)
            and list(one) == list(two)
            and all(_same(one[k], two[k]) for k in one)
        )
    if isinstance(one, list | tuple):
        return type(one) is type(two) and len(one) == len(two) and all(map(_same, one, two))
    return one == two


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_the_documented_cases_are_specs_fixtures_for_every_identity_and_secret(name) -> None:
    for identity, secret in (("", SECRET), ("alice", SECRET), ("alice", b"y" * 32)):
        documented = [
            case.args
            for case in prepared_cases("step_by_step", name, identity, secret)
            if case.case.documented
        ]
        assert len(documented) == len(SPEC_FIXTURES[name])
        for got, spec in zip(documented, SPEC_FIXTURES[name], strict=True):
            assert _same(got, spec), (name, identity)
