"""Building blocks the lessons' hidden tests share: known-value keys, gradients, mistake recipes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np


def spec_values(outputs: Mapping[str, Any]) -> dict[tuple, Any]:
    """Known values keyed the way ``HiddenCase.known`` addresses entries of a returned dict."""
    return {(key,): value for key, value in outputs.items()}


def tuple_values(outputs: Mapping[str, Any]) -> dict[tuple, Any]:
    """Known values keyed the way ``HiddenCase.known`` addresses a returned tuple, in order."""
    return {(index,): value for index, value in enumerate(outputs.values())}


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences of ``f`` with respect to every entry of ``x`` (changed in place)."""
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + eps
        up = f()
        x[index] = saved - eps
        down = f()
        x[index] = saved
        grad[index] = (up - down) / (2 * eps)
    return grad


def wrong_update(
    layers: Callable[[int], range], sign: float = -1.0, biases: bool = True
) -> Callable[..., dict]:
    """A known-mistake output: gradient descent over the wrong layers, sign or parameters."""

    def wrong(_ref: object, parameters: dict, grads: dict, learning_rate: float) -> dict:
        updated = dict(parameters)
        for l in layers(len(parameters) // 2):
            updated[f"W{l}"] = parameters[f"W{l}"] + sign * learning_rate * grads[f"dW{l}"]
            if biases:
                updated[f"b{l}"] = parameters[f"b{l}"] + sign * learning_rate * grads[f"db{l}"]
        return updated

    return wrong
