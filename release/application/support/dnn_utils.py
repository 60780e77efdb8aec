"""Activation functions for the lessons, each forward paired with its backward.

Every forward returns ``(A, cache)`` where the cache is the pre-activation ``Z``: the backward
needs exactly that to turn ``dA`` into ``dZ`` without recomputing the layer.
"""

from __future__ import annotations

import numpy as np


def sigmoid(Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Logistic function ``1 / (1 + exp(-Z))``, element-wise; the cache is ``Z``."""
    A = 1.0 / (1.0 + np.exp(-Z))
    return A, Z


def sigmoid_backward(dA: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """``dZ = dA * s * (1 - s)`` with ``s = sigmoid(Z)`` recomputed from the cached ``Z``."""
    s = 1.0 / (1.0 + np.exp(-cache))
    return dA * s * (1.0 - s)


def relu(Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rectified linear unit ``max(0, Z)``, element-wise; the cache is ``Z``."""
    return np.maximum(0, Z), Z


def relu_backward(dA: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """Pass ``dA`` through where ``Z > 0`` and block it (zero) where ``Z <= 0``."""
    return np.where(cache > 0, dA, 0.0)
