"""The solved lesson 1 functions reproduce every documented value of SPEC.md, Assignment 1.

Every expected number below is typed from SPEC.md (documented outputs and "further cases with
known answers"); none is computed by the code under test.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from autograder.grading.reference import load_reference
from support import testCases

ATOL = 1e-8  # SPEC prints eight decimals


@pytest.fixture(scope="module")
def ref():
    return load_reference("step_by_step")


def close(got, expected, atol=ATOL):
    np.testing.assert_allclose(np.asarray(got), np.asarray(expected, dtype=float), atol=atol)


def test_initialize_parameters_documented(ref):
    p = ref.initialize_parameters(3, 2, 1)
    assert sorted(p) == ["W1", "W2", "b1", "b2"]
    close(p["W1"], [[0.01624345, -0.00611756, -0.00528172], [-0.01072969, 0.00865408, -0.02301539]])
    close(p["b1"], np.zeros((2, 1)))
    close(p["W2"], [[0.01744812, -0.00761207]])
    close(p["b2"], [[0.0]])
    assert p["b1"].shape == (2, 1)
    assert p["b2"].shape == (1, 1)


def test_initialize_parameters_further_cases(ref):
    p = ref.initialize_parameters(2, 2, 1)
    close(p["W1"], [[0.01624345, -0.00611756], [-0.00528172, -0.01072969]])
    close(p["W2"], [[0.00865408, -0.02301539]])
    p = ref.initialize_parameters(4, 3, 2)
    close(p["W1"][0], [0.01624345, -0.00611756, -0.00528172, -0.01072969])
    close(
        p["W2"], [[-0.00322417, -0.00384054, 0.01133769], [-0.01099891, -0.00172428, -0.00877858]]
    )


def test_initialize_parameters_deep_documented(ref):
    p = ref.initialize_parameters_deep([5, 4, 3])
    close(
        p["W1"],
        [
            [0.01788628, 0.0043651, 0.00096497, -0.01863493, -0.00277388],
            [-0.00354759, -0.00082741, -0.00627001, -0.00043818, -0.00477218],
            [-0.01313865, 0.00884622, 0.00881318, 0.01709573, 0.00050034],
            [-0.00404677, -0.0054536, -0.01546477, 0.00982367, -0.01101068],
        ],
    )
    close(
        p["W2"],
        [
            [-0.01185047, -0.0020565, 0.01486148, 0.00236716],
            [-0.01023785, -0.00712993, 0.00625245, -0.00160513],
            [-0.00768836, -0.00230031, 0.00745056, 0.01976111],
        ],
    )
    assert p["b1"].shape == (4, 1)
    assert p["b2"].shape == (3, 1)
    assert not p["b1"].any()
    assert not p["b2"].any()


def test_initialize_parameters_deep_further_case(ref):
    p = ref.initialize_parameters_deep([4, 3, 2])
    close(p["W1"][0], [0.01788628, 0.0043651, 0.00096497, -0.01863493])
    close(p["W2"], [[0.00881318, 0.01709573, 0.00050034], [-0.00404677, -0.0054536, -0.01546477]])


def test_linear_forward_documented(ref):
    A, W, b = testCases.linear_forward_test_case()
    Z, cache = ref.linear_forward(A, W, b)
    close(Z, [[3.26295337, -1.23429987]])
    assert cache[0] is A
    assert cache[1] is W
    assert cache[2] is b


HAND_W = np.array([[1.0, 1.3], [2.0, 3.3], [4.0, 5.3]])
HAND_B = np.array([[2.7], [3.5], [2.4]])
HAND_A = np.array([[1.0, 2.8, 3.5, 2.9], [2.2, 3.9, 4.8, 3.3]])
HAND_Z = [[6.56, 10.57, 12.44, 9.89], [12.76, 21.97, 26.34, 20.19], [18.06, 34.27, 41.84, 31.49]]


def test_hand_made_layer(ref):
    Z, _ = ref.linear_forward(HAND_A, HAND_W, HAND_B)
    close(Z, HAND_Z)
    A, _ = ref.linear_activation_forward(HAND_A, HAND_W, HAND_B, "relu")
    close(A, HAND_Z)
    A, _ = ref.linear_activation_forward(HAND_A, HAND_W, HAND_B, "sigmoid")
    close(A[0], [0.99858612, 0.99997433, 0.99999604, 0.99994932])


def test_hand_made_network_saturates(ref):
    parameters = {
        "W1": HAND_W,
        "b1": HAND_B,
        "W2": np.array([[2.0, 3.3, 4.3]]),
        "b2": np.array([[3.7]]),
    }
    AL, caches = ref.L_model_forward(HAND_A, parameters)
    close(AL, [[1.0, 1.0, 1.0, 1.0]])
    assert len(caches) == 2


def test_linear_activation_forward_documented(ref):
    A_prev, W, b = testCases.linear_activation_forward_test_case()
    A, cache = ref.linear_activation_forward(A_prev, W, b, "sigmoid")
    close(A, [[0.96890023, 0.11013289]])
    (linear_cache, activation_cache) = cache
    assert len(linear_cache) == 3
    assert activation_cache.shape == (1, 2)
    A, _ = ref.linear_activation_forward(A_prev, W, b, "relu")
    close(A, [[3.43896131, 0.0]])


def test_L_model_forward_documented(ref):
    X, parameters = testCases.L_model_forward_test_case_2hidden()
    assert [parameters[k].shape for k in ("W1", "b1", "W2", "b2", "W3", "b3")] == [
        (4, 5),
        (4, 1),
        (3, 4),
        (3, 1),
        (1, 3),
        (1, 1),
    ]
    AL, caches = ref.L_model_forward(X, parameters)
    close(AL, [[0.03921668, 0.70498921, 0.19734387, 0.04728177]])
    assert len(caches) == 3


def test_L_model_forward_single_hidden_layer(ref):
    X, parameters = testCases.L_model_forward_test_case()
    AL, caches = ref.L_model_forward(X, parameters)
    close(AL, [[0.17007265, 0.2524272]])
    assert len(caches) == 2


def test_compute_cost_documented_and_further(ref):
    Y, AL = testCases.compute_cost_test_case()
    cost = ref.compute_cost(AL, Y)
    assert np.shape(cost) == ()
    assert float(cost) == pytest.approx(0.414931599615, abs=1e-12)
    assert float(ref.compute_cost(AL, np.array([[1, 1, 0]]))) == pytest.approx(
        0.2797765635793422, abs=1e-14
    )


def test_compute_cost_saturated_is_finite(ref):
    """Erratum 6: predictions of exactly 1 with labels 1 cost 0 (0 log 0 = 0), not nan."""
    cost = float(ref.compute_cost(np.array([[1.0, 1.0, 1.0, 1.0]]), np.array([[1, 1, 1, 1]])))
    assert np.isfinite(cost)
    assert cost == pytest.approx(0.0, abs=1e-12)
    wrong = float(ref.compute_cost(np.array([[1.0, 0.0]]), np.array([[0, 1]])))
    assert np.isfinite(wrong)
    assert wrong > 10


def test_linear_backward_documented(ref):
    dZ, cache = testCases.linear_backward_test_case()
    dA_prev, dW, db = ref.linear_backward(dZ, cache)
    close(
        dA_prev, [[0.51822968, -0.19517421], [-0.40506361, 0.15255393], [2.37496825, -0.89445391]]
    )
    close(dW, [[-0.10076895, 1.40685096, 1.64992505]])
    close(db, [[0.50629448]])


def test_linear_backward_larger_case(ref):
    np.random.seed(1)
    dZ, A, W, b = (np.random.randn(*s) for s in [(3, 4), (5, 4), (3, 5), (3, 1)])
    _, dW, db = ref.linear_backward(dZ, (A, W, b))
    close(db, [[-0.14713786], [-0.11313155], [-0.13209101]])
    close(dW[0], [0.07313866, -0.0976715, -0.87585828, 0.73763362, 0.00785716])


def test_linear_activation_backward_documented(ref):
    dA, cache = testCases.linear_activation_backward_test_case()
    dA_prev, dW, db = ref.linear_activation_backward(dA, cache, "sigmoid")
    close(dA_prev, [[0.11017994, 0.01105339], [0.09466817, 0.00949723], [-0.05743092, -0.00576154]])
    close(dW, [[0.10266786, 0.09778551, -0.01968084]])
    close(db, [[-0.05729622]])
    dA_prev, dW, db = ref.linear_activation_backward(dA, cache, "relu")
    close(dA_prev, [[0.44090989, 0.0], [0.37883606, 0.0], [-0.2298228, 0.0]])
    close(dW, [[0.44513824, 0.37371418, -0.10478989]])
    close(db, [[-0.20837892]])


def test_L_model_backward_documented(ref):
    AL, Y, caches = testCases.L_model_backward_test_case()
    grads = ref.L_model_backward(AL, Y, caches)
    assert sorted(grads) == ["dA0", "dA1", "dW1", "dW2", "db1", "db2"]  # erratum 1
    close(
        grads["dW1"],
        [
            [0.41010002, 0.07807203, 0.13798444, 0.10502167],
            [0.0, 0.0, 0.0, 0.0],
            [0.05283652, 0.01005865, 0.01777766, 0.0135308],
        ],
    )
    close(grads["db1"], [[-0.22007063], [0.0], [-0.02835349]])
    close(
        grads["dA1"],
        [[0.12913162, -0.44014127], [-0.14175655, 0.48317296], [0.01663708, -0.05670698]],
    )
    close(
        grads["dA0"], [[0.0, 0.52257901], [0.0, -0.3269206], [0.0, -0.32070404], [0.0, -0.74079187]]
    )
    close(grads["dW2"], [[-0.39202432, -0.13325855, -0.04601089]])
    close(grads["db2"], [[0.15187861]])


def test_update_parameters_documented(ref):
    parameters, grads = testCases.update_parameters_test_case()
    grads_before = copy.deepcopy(grads)
    updated = ref.update_parameters(parameters, grads, 0.1)
    close(
        updated["W1"],
        [
            [-0.59562069, -0.09991781, -2.14584584, 1.82662008],
            [-1.76569676, -0.80627147, 0.51115557, -1.18258802],
            [-1.0535704, -0.86128581, 0.68284052, 2.20374577],
        ],
    )
    close(updated["b1"], [[-0.04659241], [-1.28888275], [0.53405496]])
    close(updated["W2"], [[-0.55569196, 0.0354055, 1.32964895]])
    close(updated["b2"], [[-0.84610769]])
    for key, value in grads_before.items():
        np.testing.assert_array_equal(grads[key], value)


@pytest.mark.parametrize(
    ("name", "make_args"),
    [
        ("linear_forward", testCases.linear_forward_test_case),
        (
            "linear_activation_forward",
            lambda: (*testCases.linear_activation_forward_test_case(), "relu"),
        ),
        ("L_model_forward", testCases.L_model_forward_test_case_2hidden),
        ("compute_cost", lambda: testCases.compute_cost_test_case()[::-1]),
        ("linear_backward", testCases.linear_backward_test_case),
        (
            "linear_activation_backward",
            lambda: (*testCases.linear_activation_backward_test_case(), "relu"),
        ),
        ("L_model_backward", testCases.L_model_backward_test_case),
    ],
)
def test_reference_leaves_inputs_unchanged(ref, name, make_args):
    args = make_args()
    before = copy.deepcopy(args)
    getattr(ref, name)(*args)
    assert_same(args, before)


def assert_same(a, b):
    """Deep equality of nested tuples, lists, dicts and arrays, bit for bit."""
    if isinstance(b, np.ndarray):
        np.testing.assert_array_equal(a, b, strict=True)
    elif isinstance(b, dict):
        assert a.keys() == b.keys()
        for key in b:
            assert_same(a[key], b[key])
    elif isinstance(b, tuple | list):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            assert_same(x, y)
    else:
        assert a == b
