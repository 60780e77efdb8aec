"""The shared building blocks of the hidden tests, checked against computations written here.

``numerical_gradient`` is the oracle of every backward test, so it is checked on functions whose
gradients are known in closed form; the mistake recipe and the known-value keys are checked on
small dictionaries whose expected results are written out by hand.
"""

from __future__ import annotations

import numpy as np
import pytest

from autograder.grading.compare import pick
from autograder.lessons.building_blocks import (
    binary_labels,
    distinct_widths,
    memoized_by_arguments,
    numerical_gradient,
    spec_values,
    stacked_numerical_gradient,
    tuple_values,
    wrong_update,
)

# ------------------------------------------------------------------------- numerical_gradient


def test_gradient_of_a_cubic_sum_is_three_x_squared() -> None:
    x = np.random.default_rng(0).normal(size=(3, 4))
    got = numerical_gradient(lambda: float(np.sum(x**3)), x)
    np.testing.assert_allclose(got, 3 * x**2, rtol=1e-6, atol=1e-8)


def test_differences_are_central_with_the_given_step() -> None:
    """For x**3, ((x + e)**3 - (x - e)**3) / 2e = 3x**2 + e**2 exactly; one-sided would not be."""
    x = np.array([[0.5, -1.0], [2.0, 0.0]])
    got = numerical_gradient(lambda: float(np.sum(x**3)), x, eps=0.1)
    np.testing.assert_allclose(got, 3 * x**2 + 0.1**2, rtol=1e-9, atol=1e-12)


def test_gradient_through_a_matrix_product_for_each_argument() -> None:
    """f = sum(sin(W A)): df/dW = cos(W A) A^T and df/dA = W^T cos(W A)."""
    rng = np.random.default_rng(1)
    W, A = rng.normal(size=(3, 5)), rng.normal(size=(5, 4))

    def f() -> float:
        return float(np.sum(np.sin(W @ A)))

    np.testing.assert_allclose(numerical_gradient(f, W), np.cos(W @ A) @ A.T, rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(numerical_gradient(f, A), W.T @ np.cos(W @ A), rtol=1e-5, atol=1e-8)


def test_gradient_of_the_logistic_cost_is_a_minus_y_over_m() -> None:
    """The course's cost of sigmoid(z): dJ/dz = (sigmoid(z) - y) / m."""
    rng = np.random.default_rng(2)
    z = rng.normal(size=(1, 6))
    y = np.array([[1.0, 0.0, 1.0, 1.0, 0.0, 0.0]])

    def cost() -> float:
        a = 1 / (1 + np.exp(-z))
        return float(-np.mean(y * np.log(a) + (1 - y) * np.log(1 - a)))

    expected = (1 / (1 + np.exp(-z)) - y) / z.shape[1]
    np.testing.assert_allclose(numerical_gradient(cost, z), expected, rtol=1e-5, atol=1e-9)


def test_every_entry_of_a_three_dimensional_array_gets_its_own_derivative() -> None:
    x = np.arange(24.0).reshape(2, 3, 4) / 10
    weights = np.random.default_rng(3).normal(size=x.shape)
    got = numerical_gradient(lambda: float(np.sum(weights * x)), x)
    assert got.shape == x.shape
    np.testing.assert_allclose(got, weights, rtol=1e-6, atol=1e-8)


def test_the_array_is_restored_and_a_function_not_using_it_has_zero_gradient() -> None:
    x = np.random.default_rng(4).normal(size=(2, 3))
    before = x.copy()
    other = np.ones((2, 2))
    got = numerical_gradient(lambda: float(np.sum(other**2)), x)
    np.testing.assert_array_equal(got, np.zeros_like(x))
    np.testing.assert_array_equal(x, before)


# ------------------------------------------------------------------------------ wrong_update


def _three_layers() -> tuple[dict, dict]:
    parameters = {
        "W1": np.full((2, 3), 1.0),
        "b1": np.full((2, 1), 2.0),
        "W2": np.full((2, 2), 3.0),
        "b2": np.full((2, 1), 4.0),
        "W3": np.full((1, 2), 5.0),
        "b3": np.full((1, 1), 6.0),
    }
    grads = {f"d{key}": np.full_like(value, 10.0) for key, value in parameters.items()}
    return parameters, grads


@pytest.mark.parametrize(
    ("layers", "sign", "biases", "expected"),
    [
        # every layer, subtracting: the correct update
        (lambda L: range(1, L + 1), -1.0, True, [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]),
        # range(1, L) skips layer 3
        (lambda L: range(1, L), -1.0, True, [0.0, 1.0, 2.0, 3.0, 5.0, 6.0]),
        # range(1, L - 1) skips layers 2 and 3
        (lambda L: range(1, L - 1), -1.0, True, [0.0, 1.0, 3.0, 4.0, 5.0, 6.0]),
        # adding instead of subtracting
        (lambda L: range(1, L + 1), 1.0, True, [2.0, 3.0, 4.0, 5.0, 6.0, 7.0]),
        # the biases forgotten
        (lambda L: range(1, L + 1), -1.0, False, [0.0, 2.0, 2.0, 4.0, 4.0, 6.0]),
    ],
    ids=["correct", "skips-last", "erratum-7", "plus-sign", "no-biases"],
)
def test_wrong_update_applies_exactly_the_described_mistake(layers, sign, biases, expected):
    parameters, grads = _three_layers()
    before = {key: value.copy() for key, value in parameters.items()}
    got = wrong_update(layers, sign=sign, biases=biases)(None, parameters, grads, 0.1)
    assert list(got) == ["W1", "b1", "W2", "b2", "W3", "b3"]
    for key, value in zip(got, expected, strict=True):
        np.testing.assert_allclose(got[key], np.full_like(before[key], value), err_msg=key)
    for key, value in parameters.items():  # the dictionary it was given is left alone
        np.testing.assert_array_equal(value, before[key], err_msg=key)


# ---------------------------------------------------------------------- known-value addresses


def test_spec_values_address_entries_of_a_returned_dictionary() -> None:
    W1, b1 = np.ones((2, 3)), np.zeros((2, 1))
    known = spec_values({"W1": W1, "b1": b1})
    assert list(known) == [("W1",), ("b1",)]
    output = {"W1": W1, "b1": b1, "W2": np.ones((1, 2))}
    assert pick(output, ("W1",)) is known[("W1",)]
    assert pick(output, ("b1",)) is known[("b1",)]


def test_tuple_values_address_a_returned_tuple_in_order() -> None:
    dA_prev, dW, db = np.ones((3, 2)), np.full((1, 3), 2.0), np.full((1, 1), 3.0)
    known = tuple_values({"dA_prev": dA_prev, "dW": dW, "db": db})
    assert list(known) == [(0,), (1,), (2,)]
    output = (dA_prev, dW, db)
    for path, value in known.items():
        assert pick(output, path) is value


# ------------------------------------------------------------- stacked gradients and the memo


def test_stacked_gradient_of_a_cubic_sum_is_three_x_squared() -> None:
    x = np.random.default_rng(1).normal(size=(3, 4))
    got = stacked_numerical_gradient(lambda stack: np.sum(stack**3, axis=(-2, -1)), x)
    np.testing.assert_allclose(got, 3 * x**2, rtol=1e-6, atol=1e-8)


def test_stacked_gradient_of_a_quadratic_form_through_matmul_is_a_plus_a_transposed_times_x() -> (
    None
):
    rng = np.random.default_rng(2)
    A, x = rng.normal(size=(4, 4)), rng.normal(size=(4, 1))

    def quadratic(stack: np.ndarray) -> np.ndarray:  # x^T A x for each stacked x
        return np.sum(stack * (A @ stack), axis=(-2, -1))

    got = stacked_numerical_gradient(quadratic, x)
    np.testing.assert_allclose(got, (A + A.T) @ x, rtol=1e-6, atol=1e-8)


def test_the_memo_computes_once_per_arguments_and_forgets_the_oldest_past_its_size() -> None:
    calls = []

    def compute(args: tuple) -> dict:
        calls.append(args)
        return {"sum": float(np.sum(args[0]))}

    memo = memoized_by_arguments(compute, maxsize=2)
    one, two, three = (np.full((2, 2), value) for value in (1.0, 2.0, 3.0))
    assert memo((one,)) == {"sum": 4.0}
    assert memo((one.copy(),)) == {"sum": 4.0}  # equal arrays, one computation
    assert len(calls) == 1
    memo((two,))
    memo((three,))  # the memo holds two: the first is forgotten
    memo((one,))
    assert len(calls) == 4
    memo((three,))
    assert len(calls) == 4


def test_distinct_widths_are_different_and_within_bounds() -> None:
    rng = np.random.default_rng(3)
    for count in range(1, 7):
        widths = distinct_widths(rng, count, 2, 7)
        assert len(set(widths)) == count
        assert all(2 <= w <= 7 for w in widths)
        assert all(type(w) is int for w in widths)


def test_binary_labels_hold_both_classes_in_one_row() -> None:
    rng = np.random.default_rng(4)
    for m in range(2, 12):
        Y = binary_labels(rng, m)
        assert Y.shape == (1, m)
        assert set(np.unique(Y)) == {0.0, 1.0}
