"""Hidden tests of lesson 2, "Deep neural network for image classification: application".

Both graded functions train a model, so every case trains on tiny random data (at most 12
features) for a few hundred iterations at most: grading takes milliseconds, not minutes. Each
function gets SPEC.md's small case with its known answers (the documented case, fixed), and hidden
cases drawn per submission: data, 0/1 labels (both present), layer sizes, learning rate and
iteration count (over 100, so that ``costs`` holds several entries). Every case stays inside the
contract: a binary classifier, one sigmoid output unit. Expected outputs come from the solved
notebook (see ``autograder.grading.schema`` for the format); the mistake recipes below are wrong
trainings written with this lesson's provided helpers. No hidden case is fixed.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import numpy as np

from autograder.grading.schema import GradedFunction, HiddenCase, Mistake
from autograder.lessons.building_blocks import (
    binary_labels,
    distinct_widths,
    parameters_only_hint,
    returned_only_parameters,
)
from support.application import utils as helpers

# The solved notebook's functions by name, as mistake recipes receive them.
Reference = SimpleNamespace


def _data(seed: int, n_x: int, m: int, labels: list[int] | None = None) -> tuple:
    """``X = randn(n_x, m)`` after seeding; labels given, else drawn with ``randn`` next."""
    np.random.seed(seed)
    X = np.random.randn(n_x, m)
    Y = np.random.randn(1, m) if labels is None else np.array([labels])
    return X, Y


def _case(
    seed: int, n_x: int, labels: list[int], dims: tuple | list, rate: float, iterations: int
) -> Callable[[], tuple]:
    """Arguments in the graded functions' positional order (``print_cost`` keeps its default)."""
    return lambda: (*_data(seed, n_x, len(labels), labels), dims, rate, iterations)


def _drawn(
    hidden_layers: int, rates: tuple[float, float]
) -> Callable[[np.random.Generator], tuple]:
    """A drawn training: n_x up to 12 features, all widths different, ONE output unit, 6 to 10
    examples, a learning rate in ``rates`` (never 0.0075, the fixed rate a mistake uses), and
    101 to 160 iterations."""

    def draw(rng: np.random.Generator) -> tuple:
        n_x = int(rng.integers(4, 13))
        hidden = distinct_widths(rng, hidden_layers, 2, 7)
        m = int(rng.integers(6, 11))
        X = rng.standard_normal((n_x, m))
        rate = round(float(rng.uniform(*rates)), 3)
        iterations = int(rng.integers(101, 161))
        return X, binary_labels(rng, m), [n_x, *hidden, 1], rate, iterations

    return draw


def _train(parameters: dict, rate: float, iterations: int, step: Callable[[dict], tuple]) -> tuple:
    """Gradient descent where ``step(parameters)`` returns ``(cost, grads)``; costs every 100."""
    costs = []
    for i in range(iterations):
        cost, grads = step(parameters)
        parameters = helpers.update_parameters(parameters, grads, rate)
        if i % 100 == 0:
            costs.append(cost)
    return parameters, costs


def _two_layer_mistake(
    hidden: str = "relu", stale: bool = False, every_iteration: bool = False
) -> Callable:
    """A two-layer training with one typical error: sigmoid hidden layer, stale weights, ..."""

    def output(
        _ref: Reference,
        X: np.ndarray,
        Y: np.ndarray,
        dims: tuple | list,
        rate: float,
        iterations: int,
        _print_cost: bool = False,
    ) -> tuple[dict, list]:
        initial = helpers.initialize_parameters(*dims)
        costs, parameters = [], initial
        for i in range(iterations):
            used = initial if stale else parameters
            A1, cache1 = helpers.linear_activation_forward(X, used["W1"], used["b1"], hidden)
            A2, cache2 = helpers.linear_activation_forward(A1, used["W2"], used["b2"], "sigmoid")
            cost = helpers.compute_cost(A2, Y)
            dA2 = -(np.divide(Y, A2) - np.divide(1 - Y, 1 - A2))
            dA1, dW2, db2 = helpers.linear_activation_backward(dA2, cache2, "sigmoid")
            _, dW1, db1 = helpers.linear_activation_backward(dA1, cache1, hidden, False)
            grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
            parameters = helpers.update_parameters(parameters, grads, rate)
            if every_iteration or i % 100 == 0:
                costs.append(cost)
        return parameters, costs

    return output


def _lesson_one_initialiser(layer_dims: tuple | list) -> dict:
    """Lesson 1's initialiser: seed 3 and weights randn * 0.01."""
    np.random.seed(3)
    parameters = {}
    for layer in range(1, len(layer_dims)):
        shape = (layer_dims[layer], layer_dims[layer - 1])
        parameters[f"W{layer}"] = np.random.randn(*shape) * 0.01
        parameters[f"b{layer}"] = np.zeros((layer_dims[layer], 1))
    return parameters


def deep_with_lesson_one_init(
    _ref: Reference,
    X: np.ndarray,
    Y: np.ndarray,
    dims: tuple | list,
    rate: float,
    iterations: int,
    _print_cost: bool = False,
) -> tuple[dict, list]:
    def step(parameters: dict) -> tuple:
        AL, caches = helpers.L_model_forward(X, parameters)
        return helpers.compute_cost(AL, Y), helpers.L_model_backward(AL, Y, caches)

    return _train(_lesson_one_initialiser(dims), rate, iterations, step)


def _records_every_iteration(_ref: Reference, args: tuple, got: tuple) -> bool:
    costs = got[1]
    return isinstance(costs, list | tuple) and len(costs) == args[4] and args[4] > 1


EVERY_ITERATION_HINT = (
    "costs should hold only the costs of iterations 0, 100, 200, ... (append when i % 100 == 0)"
)


def _trained_with_rate(name: str, rate: float) -> Callable:
    """The solved model trained at a fixed learning rate, whatever rate the case asks for."""

    def output(
        ref: Reference,
        X: np.ndarray,
        Y: np.ndarray,
        dims: tuple | list,
        _rate: float,
        iterations: int,
        _print_cost: bool = False,
    ) -> tuple:
        return getattr(ref, name)(X, Y, dims, rate, iterations)

    return output


def _common_mistakes(name: str) -> tuple[Mistake, ...]:
    """Mistakes both models can make in their gradient-descent step."""
    return (
        Mistake(
            "the parameters never change: assign the result of update_parameters back to "
            "parameters (it returns a new dictionary)",
            output=_trained_with_rate(name, 0.0),
        ),
        Mistake(
            "pass the learning_rate argument to update_parameters, not a fixed 0.0075",
            output=_trained_with_rate(name, 0.0075),
        ),
        Mistake(EVERY_ITERATION_HINT, test=_records_every_iteration),
        Mistake(parameters_only_hint(("parameters", "costs")), test=returned_only_parameters),
    )


TWO_LAYER_MISTAKES = (
    Mistake(
        "the hidden layer uses 'relu' and only the output layer uses 'sigmoid'",
        output=_two_layer_mistake(hidden="sigmoid"),
    ),
    Mistake(
        "after update_parameters, read W1, b1, W2, b2 back from the new parameters: the forward "
        "pass is still using the initial weights",
        output=_two_layer_mistake(stale=True),
    ),
    *_common_mistakes("two_layer_model"),
)

DEEP_MISTAKES = (
    Mistake(
        "this lesson's initialize_parameters_deep (seed 1, divide by sqrt of the previous "
        "layer's width) is the one to call; the weights look like lesson 1's (seed 3, x 0.01)",
        output=deep_with_lesson_one_init,
    ),
    *_common_mistakes("L_layer_model"),
)

SPEC_TWO_LAYER = [-0.00200283, -0.00888593, -0.00751122, 0.01688162]
SPEC_LABELS = [1, 1, 1, 1, 0, 0, 0, 1, 1, 0]

FUNCTIONS: dict[str, GradedFunction] = {
    "two_layer_model": GradedFunction(
        outputs=("parameters", "costs"),
        cases=(
            HiddenCase(
                "documented: layers (10, 4, 1), 2 iterations",
                lambda: (*_data(1, 10, 10), (10, 4, 1), 0.0075, 2),
                documented=True,
                known={
                    (1, 0): 0.69315968,
                    (0, "W2"): [SPEC_TWO_LAYER],
                    (0, "b2"): [[-0.00689018]],
                },
            ),
            HiddenCase(
                "hidden: a small learning rate, over 100 iterations",
                draw=_drawn(1, (0.01, 0.04)),
            ),
            HiddenCase(
                "hidden: a larger learning rate, over 100 iterations",
                draw=_drawn(1, (0.05, 0.15)),
            ),
        ),
        mistakes=TWO_LAYER_MISTAKES,
    ),
    "L_layer_model": GradedFunction(
        outputs=("parameters", "costs"),
        cases=(
            HiddenCase(
                "documented: layers (10, 5, 6, 1), 2 iterations",
                _case(1, 10, SPEC_LABELS, (10, 5, 6, 1), 0.0075, 2),
                documented=True,
                known={(1, 0): 0.70723944, (0, "b3"): [[0.0013201]]},
            ),
            HiddenCase(
                "hidden: two hidden layers, over 100 iterations",
                draw=_drawn(2, (0.02, 0.1)),
            ),
            HiddenCase(
                "hidden: one hidden layer, over 100 iterations",
                draw=_drawn(1, (0.02, 0.15)),
            ),
        ),
        mistakes=DEEP_MISTAKES,
    ),
}
