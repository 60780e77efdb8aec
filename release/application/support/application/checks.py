"""Visible checks for lesson 2: train each model briefly on tiny data with known answers.

The cases are small (10 features, a handful of examples), so a check runs in milliseconds.
The first case of each function is the one the notebook documents; the second trains for 150
iterations so that the list of recorded costs holds two entries (iterations 0 and 100). Its
expected values come from an independent implementation written for these checks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from support.checks import (
    Case,
    Mismatch,
    expect_array,
    expect_keys,
    expect_shape,
    expect_tuple,
    run_cases,
)


def seeded_data(seed: int, shape: tuple[int, int], labels: Any) -> tuple[np.ndarray, np.ndarray]:
    """``X = randn(*shape)`` after ``np.random.seed(seed)``; labels drawn next or given."""
    np.random.seed(seed)
    X = np.random.randn(*shape)
    Y = np.random.randn(1, shape[1]) if labels is None else np.array(labels)
    return X, Y


def trained(
    layers_dims: Sequence[int], iterations: int, learning_rate: float, data: tuple
) -> Callable[[Callable[..., Any]], Any]:
    """A case runner: train the student's model on ``data`` without printing."""

    def run(model: Callable[..., Any]) -> Any:
        X, Y = data
        return model(
            X,
            Y,
            layers_dims,
            learning_rate=learning_rate,
            num_iterations=iterations,
            print_cost=False,
        )

    return run


def expect_model(
    layers_dims: Sequence[int], costs: Sequence[float], arrays: dict[str, Any]
) -> Callable[[Any], None]:
    """A case verifier: ``(parameters, costs)`` with every layer's keys and the given values."""
    keys = [f"{kind}{layer}" for layer in range(1, len(layers_dims)) for kind in ("W", "b")]

    def verify(result: Any) -> None:
        parameters, got_costs = expect_tuple("the result (parameters, costs)", result, 2)
        expect_keys("parameters", parameters, keys)
        for layer in range(1, len(layers_dims)):
            shape = (layers_dims[layer], layers_dims[layer - 1])
            expect_shape(f"W{layer}", parameters[f"W{layer}"], shape)
        if not isinstance(got_costs, list | tuple) or len(got_costs) != len(costs):
            raise Mismatch(
                f"costs should hold {len(costs)} value(s), one per 100 iterations starting at "
                f"iteration 0; got {got_costs!r}"
            )
        expect_array("costs", np.array([float(np.squeeze(c)) for c in got_costs]), costs)
        for name, value in arrays.items():
            expect_array(name, parameters[name], value)

    return verify


def two_layer_model_test(target: Callable[..., Any]) -> None:
    """Check ``two_layer_model`` on the documented tiny case and on a 150-iteration case."""
    documented = seeded_data(1, (10, 10), None)
    other = seeded_data(2, (6, 8), [[1, 0, 0, 1, 0, 0, 0, 0]])
    cases = [
        Case(
            "documented: layers (10, 4, 1), 2 iterations",
            trained((10, 4, 1), 2, 0.0075, documented),
            expect_model(
                (10, 4, 1),
                [0.69315968],
                {
                    "W2": [[-0.00200283, -0.00888593, -0.00751122, 0.01688162]],
                    "b2": [[-0.00689018]],
                },
            ),
        ),
        Case(
            "layers (6, 3, 1), learning rate 0.05, 150 iterations",
            trained((6, 3, 1), 150, 0.05, other),
            expect_model(
                (6, 3, 1),
                [0.69312960, 0.57589329],
                {"W2": [[-0.00716814, 0.00580364, -0.06370886]], "b2": [[-0.87244994]]},
            ),
        ),
    ]
    run_cases(target, cases)


def L_layer_model_test(target: Callable[..., Any]) -> None:
    """Check ``L_layer_model`` on the documented tiny case and on a 150-iteration case."""
    documented = seeded_data(1, (10, 10), [[1, 1, 1, 1, 0, 0, 0, 1, 1, 0]])
    other = seeded_data(3, (5, 7), [[0, 1, 1, 0, 1, 0, 1]])
    cases = [
        Case(
            "documented: layers (10, 5, 6, 1), 2 iterations",
            trained((10, 5, 6, 1), 2, 0.0075, documented),
            expect_model((10, 5, 6, 1), [0.70723944], {"b3": [[0.0013201]]}),
        ),
        Case(
            "layers [5, 4, 3, 1], learning rate 0.1, 150 iterations",
            trained([5, 4, 3, 1], 150, 0.1, other),
            expect_model(
                [5, 4, 3, 1],
                [0.68529706, 0.33477356],
                {"W3": [[-1.30022164, -1.27013146, -0.34348611]], "b3": [[1.35278431]]},
            ),
        ),
    ]
    run_cases(target, cases)
