"""The provided activations agree with scipy and with numerical derivatives."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import expit

from support.dnn_utils import relu, relu_backward, sigmoid, sigmoid_backward


@pytest.fixture
def Z() -> np.ndarray:
    return np.random.default_rng(0).normal(scale=3.0, size=(4, 5))


def test_sigmoid_matches_scipy_and_caches_z(Z):
    A, cache = sigmoid(Z)
    np.testing.assert_allclose(A, expit(Z), rtol=1e-15)
    assert cache is Z
    assert A.shape == Z.shape


def test_relu_zeroes_negatives_and_caches_z(Z):
    A, cache = relu(Z)
    np.testing.assert_array_equal(A, np.where(Z > 0, Z, 0.0))
    assert cache is Z
    assert A.shape == Z.shape


@pytest.mark.parametrize(
    ("forward", "backward"), [(sigmoid, sigmoid_backward), (relu, relu_backward)]
)
def test_backward_is_the_chain_rule_of_forward(forward, backward, Z):
    """dZ = dA * g'(Z), with g' from central differences (away from ReLU's kink)."""
    Z = np.where(np.abs(Z) < 1e-3, 0.5, Z)
    dA = np.random.default_rng(1).normal(size=Z.shape)
    eps = 1e-6
    numeric = (forward(Z + eps)[0] - forward(Z - eps)[0]) / (2 * eps)
    np.testing.assert_allclose(backward(dA, Z), dA * numeric, rtol=1e-6, atol=1e-9)


def test_relu_backward_blocks_at_zero():
    """SPEC: relu_backward is zero where Z <= 0, including Z == 0 exactly."""
    Z = np.array([[-1.0, 0.0, 2.0]])
    np.testing.assert_array_equal(relu_backward(np.ones((1, 3)), Z), [[0.0, 0.0, 1.0]])


def test_backward_does_not_modify_its_inputs(Z):
    dA = np.ones_like(Z)
    before = (dA.copy(), Z.copy())
    relu_backward(dA, Z)
    sigmoid_backward(dA, Z)
    np.testing.assert_array_equal(dA, before[0])
    np.testing.assert_array_equal(Z, before[1])
