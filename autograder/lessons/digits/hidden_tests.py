"""Hidden tests of lesson 3, "A two-layer network for handwritten digits".

Every graded function gets its documented case, hidden cases with other seeds, shapes and
activations, and independent checks: analytic values, scipy's softmax, a cost written as a loop,
an independent forward pass, numerical gradients for the backward pass. Expected outputs come
from the solved notebook (see ``autograder.grading.schema`` for the format); the mistakes are the
ones the original listing made (SPEC erratum 5) and the ones students make most.

Hidden cases are drawn per submission (sizes, values, labels, learning rates, iteration counts),
inside each function's documented contract: labels are integers below the number of classes, Y is
one-hot, ``backward_propagation`` and the model end in softmax, and widths within a network all
differ. Each case keeps its activations, since they are what the case tests. Fixed hidden cases,
each for its exact values: ``one_hot_encoding`` [1, 1, 1] with 2 classes; ``softmax`` of one
class; ``compute_cost`` certain and right, and uniform over 10 classes (ln 10);
``initialize_parameters`` [2, 3, 1, 2], ``forward_propagation`` and ``backward_propagation`` on the
three-layer fixtures (known values in ``support.digits.checks``); ``predict`` "the largest input
wins". Every other hidden case is drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import numpy as np
from scipy.special import softmax as scipy_softmax

from autograder.grading.schema import GradedFunction, HiddenCase, Mistake
from autograder.lessons.building_blocks import (
    DB_KEEPDIMS_HINT,
    distinct_widths,
    grads_lost_keepdims,
    more_examples_than,
    parameters_only_hint,
    returned_only_parameters,
    spec_values,
    stacked_numerical_gradient,
    wrong_update,
)
from support.digits.checks import (
    BACKWARD_DOCUMENTED,
    BACKWARD_THREE_LAYERS,
    COST_DOCUMENTED,
    COST_ZERO_PROBABILITY,
    FORWARD_DOCUMENTED,
    FORWARD_THREE_LAYERS,
    INIT_DOCUMENTED,
    INIT_THREE_LAYERS,
    MODEL_DOCUMENTED,
    MODEL_DOCUMENTED_B2,
    PREDICT_DOCUMENTED,
    SOFTMAX_DOCUMENTED,
    SOFTMAX_LARGE,
)
from support.digits.fixtures import (
    backward_propagation_test_case,
    backward_propagation_three_layer_test_case,
    compute_cost_test_case,
    compute_cost_zero_probability_test_case,
    forward_propagation_test_case,
    forward_propagation_three_layer_test_case,
    neural_network_model_test_case,
    predict_test_case,
    softmax_large_scores_test_case,
    softmax_test_case,
    update_parameters_test_case,
)
from support.digits.utils import tanh
from support.dnn_utils import relu, sigmoid
from support.testCases import UPDATE_PARAMETERS_DOCUMENTED

# The solved notebook's functions by name, as mistake recipes receive them.
Reference = SimpleNamespace

# ------------------------------------------------------------- an independent forward pass and cost

ELEMENTWISE = {
    "sigmoid": lambda Z: 1 / (1 + np.exp(-Z)),
    "tanh": np.tanh,
    "relu": lambda Z: np.maximum(Z, 0),
    "softmax": lambda Z: scipy_softmax(Z, axis=-2),  # over the classes, stacked or not
}


def labels_to_columns(labels: list[int], classes: int) -> np.ndarray:
    """One-hot columns for hidden cases (here, not in support/: it is one_hot_encoding's answer)."""
    return np.eye(classes)[labels].T.copy()


def _forward(X: np.ndarray, parameters: dict, activations: list[str]) -> np.ndarray:
    """The network's output; any one input may be a stack of variants (a leading axis)."""
    A = X
    for l, name in enumerate(activations, start=1):
        A = ELEMENTWISE[name](parameters[f"W{l}"] @ A + parameters[f"b{l}"])
    return A


def _cost_loop(AL: np.ndarray, Y: np.ndarray) -> float:
    """Cross-entropy written as the textbook double sum, skipping the zero terms of Y."""
    total = 0.0
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            if Y[i, j] != 0:
                total -= Y[i, j] * np.log(AL[i, j])
    return total / Y.shape[1]


def _parameters(rng: np.random.Generator, dims: list[int], scale: float = 1.0) -> dict:
    """Normal weights and biases times ``scale``, drawn W1, b1, W2, b2, ..."""
    parameters = {}
    for l in range(1, len(dims)):
        parameters[f"W{l}"] = scale * rng.standard_normal((dims[l], dims[l - 1]))
        parameters[f"b{l}"] = scale * rng.standard_normal((dims[l], 1))
    return parameters


def _network(
    rng: np.random.Generator, dims: list[int], m: int, activations: list[str], scale: float = 1.0
) -> tuple:
    """A consistent network: X, Y, parameters, and the caches of a real forward pass."""
    parameters = _parameters(rng, dims, scale)
    X = rng.standard_normal((dims[0], m))
    Y = labels_to_columns([int(label) for label in rng.integers(0, dims[-1], m)], dims[-1])
    A, caches = X, []
    for l, name in enumerate(activations, start=1):
        W, b = parameters[f"W{l}"], parameters[f"b{l}"]
        Z = W @ A + b
        caches.append(((A, W, b), Z))
        A = ELEMENTWISE[name](Z)
    return X, Y, parameters, caches, A


def _consistent_backward_args(
    rng: np.random.Generator, dims: list[int], m: int, activations: list[str]
) -> tuple:
    _, Y, _, caches, AL = _network(rng, dims, m, activations)
    return AL, Y, caches, activations


def _stacked_costs(AL: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """-1/m sum(Y log AL) of each stacked AL, skipping the zero terms of Y as the loop does."""
    with np.errstate(divide="ignore"):
        terms = np.where(Y != 0, Y * np.log(AL), 0.0)
    return -np.sum(terms, axis=(-2, -1)) / Y.shape[1]


def _check_gradients(args: tuple, grads: dict) -> list[str]:
    """dW, db against finite differences of the cost; dA_l against those of m times the cost."""
    _AL, Y, caches, activations = args
    layers = len(caches)
    parameters = {}
    for l, ((_, W, b), _) in enumerate(caches, start=1):
        parameters[f"W{l}"] = np.array(W, dtype=float)
        parameters[f"b{l}"] = np.array(b, dtype=float)
    X = np.array(caches[0][0][0], dtype=float)
    m = X.shape[1]

    def cost_varying(key: str) -> Callable[[np.ndarray], np.ndarray]:
        return lambda stack: _stacked_costs(_forward(X, {**parameters, key: stack}, activations), Y)

    problems = []
    for key, value in parameters.items():
        numeric = stacked_numerical_gradient(cost_varying(key), value)
        if not np.allclose(grads[f"d{key}"], numeric, rtol=1e-4, atol=1e-6):
            problems.append(f"d{key} disagrees with a numerical gradient check of the cost")
    for l in range(1, layers):
        A = np.array(caches[l][0][0], dtype=float)
        upper = {f"W{k - l}": parameters[f"W{k}"] for k in range(l + 1, layers + 1)}
        upper.update({f"b{k - l}": parameters[f"b{k}"] for k in range(l + 1, layers + 1)})

        def upper_costs(stack: np.ndarray, upper: dict = upper, l: int = l) -> np.ndarray:
            return _stacked_costs(_forward(stack, upper, activations[l:]), Y)

        numeric = stacked_numerical_gradient(upper_costs, A) * m
        if not np.allclose(grads[f"dA{l}"], numeric, rtol=1e-4, atol=1e-6):
            problems.append(f"dA{l} disagrees with a numerical gradient check")
    return problems


# ------------------------------------------------------------------------------ property checks


def _one_hot_columns(args: tuple, Y: np.ndarray) -> list[str]:
    labels, classes = args
    expected = np.zeros((classes, len(labels)))
    for column, label in enumerate(labels):
        expected[label, column] = 1
    return [] if np.array_equal(Y, expected) else ["Y is not the one-hot encoding of the labels"]


def _softmax_matches_scipy(args: tuple, result: tuple) -> list[str]:
    (Z,) = args
    A = np.asarray(result[0], dtype=float)
    problems = []
    if not np.allclose(A.sum(axis=0), 1):
        problems.append("the columns of A do not sum to 1")
    if not np.allclose(A, scipy_softmax(Z, axis=0), rtol=1e-6, atol=1e-12):
        problems.append("A differs from scipy.special.softmax(Z, axis=0)")
    return problems


def _cost_matches_loop(args: tuple, cost: float) -> list[str]:
    AL, Y = args
    expected = _cost_loop(AL, Y)
    if np.isclose(float(cost), expected, rtol=1e-9, atol=1e-12):
        return []
    return ["the cost differs from the cross-entropy -1/m sum(Y log AL) written as a loop"]


def _forward_matches(args: tuple, result: tuple) -> list[str]:
    X, parameters, activations = args
    if np.allclose(result[0], _forward(X, parameters, activations), rtol=1e-6, atol=1e-10):
        return []
    return ["AL differs from an independent forward pass with the named activations"]


def _integer_predictions(args: tuple, predictions: np.ndarray) -> list[str]:
    X, parameters, activations = args
    if not np.issubdtype(np.asarray(predictions).dtype, np.integer):
        return ["predictions must be integers (the class numbers that np.argmax returns)"]
    expected = np.argmax(_forward(X, parameters, activations), axis=0)
    return [] if np.array_equal(predictions, expected) else ["some predictions are not the argmax"]


def _costs_fall(args: tuple, result: tuple) -> list[str]:
    costs = [float(c) for c in result[1]]
    if len(costs) != args[5]:
        return [f"costs holds {len(costs)} values; expected one per iteration ({args[5]})"]
    if not costs[-1] < costs[0]:
        return ["the cost did not decrease: are the parameters updated at every iteration?"]
    return []


# --------------------------------------------------------------------------------------- mistakes


def _transposed(_ref: Reference, args: tuple, got: np.ndarray) -> bool:
    labels, classes = args
    return np.shape(got) == (len(labels), classes) and len(labels) != classes


def _ten_rows(_ref: Reference, args: tuple, got: np.ndarray) -> bool:
    return args[1] != 10 and np.shape(got)[0] == 10


ONE_HOT_MISTAKES = (
    Mistake(
        "Y has one column per example, shape (num_classes, m): np.eye(num_classes)[labels] gives "
        "one row per example; pick columns instead, np.eye(num_classes)[:, labels]",
        test=_transposed,
    ),
    Mistake(
        "use num_classes, not a fixed 10: the function must work for any number of classes",
        test=_ten_rows,
    ),
)


def _softmax_global_max(_ref: Reference, args: tuple, got: tuple) -> bool:
    """Compared with nan equal to nan: on far-apart columns this mistake gives 0 / 0."""
    (Z,) = args
    with np.errstate(all="ignore"):
        exponentials = np.exp(Z - np.max(Z))
        wrong = exponentials / np.sum(exponentials, axis=0, keepdims=True)
    return np.allclose(np.asarray(got[0], dtype=float), wrong, equal_nan=True)


def _softmax_rows(_ref: Reference, Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    exponentials = np.exp(Z - np.max(Z, axis=1, keepdims=True))
    return exponentials / np.sum(exponentials, axis=1, keepdims=True), Z


def _softmax_unshifted_nan(_ref: Reference, args: tuple, got: tuple) -> bool:
    return bool(np.max(np.abs(args[0])) > 700) and not np.all(np.isfinite(got[0]))


SOFTMAX_MISTAKES = (
    Mistake(
        "subtract each column's own maximum, np.max(Z, axis=0, keepdims=True), not the maximum of "
        "the whole array: a column far below it underflows to 0 / 0 (SPEC erratum 5)",
        test=_softmax_global_max,
    ),
    Mistake(
        "softmax normalises each column (one example per column): use axis=0, not axis=1",
        output=_softmax_rows,
    ),
    Mistake(
        "np.exp overflowed or divided 0 by 0: subtract each column's maximum before np.exp",
        test=_softmax_unshifted_nan,
    ),
)


def _cost_with_nan(_ref: Reference, args: tuple, got: object) -> bool:
    return bool(np.any(args[0] == 0)) and not np.isfinite(float(np.squeeze(got)))


COST_MISTAKES = (
    Mistake(
        "the cost needs a minus sign in front", output=lambda ref, AL, Y: -ref.compute_cost(AL, Y)
    ),
    Mistake(
        "divide by m, the number of examples: the cost is an average over the examples",
        output=lambda ref, AL, Y: ref.compute_cost(AL, Y) * Y.shape[1],
    ),
    Mistake(
        "m is the number of examples, Y.shape[1] (columns), not Y.shape[0] (classes)",
        output=lambda ref, AL, Y: ref.compute_cost(AL, Y) * Y.shape[1] / Y.shape[0],
    ),
    Mistake(
        "this is the two-class (sigmoid) cross-entropy; with softmax the loss is -sum(Y log AL)",
        output=lambda _ref, AL, Y: float(
            -np.mean(np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL), 0))
        ),
    ),
    Mistake(
        "a wrong class has probability exactly 0 and 0 * log(0) gave nan: take the log of the true "
        "class's probability only, np.sum(Y * AL, axis=0) (SPEC erratum 6)",
        test=_cost_with_nan,
    ),
)


def _init_with(seed: int, draw: Callable, bias: Callable | None = None) -> Callable:
    def wrong(_ref: Reference, dims: list[int]) -> dict:
        np.random.seed(seed)
        parameters = {}
        for l in range(1, len(dims)):
            parameters[f"W{l}"] = draw(dims[l], dims[l - 1])
            parameters[f"b{l}"] = bias(dims[l]) if bias else draw(dims[l], 1)
        return parameters

    return wrong


def _init_reference_loop(_ref: Reference, dims: list[int]) -> dict:
    """The original listing: one layer too many, the first built from layer_dims[-1]."""
    np.random.seed(3)
    parameters = {}
    for i in range(len(dims)):
        parameters[f"W{i + 1}"] = np.random.randn(dims[i], dims[i - 1]) * 0.01
        parameters[f"b{i + 1}"] = np.random.randn(dims[i], 1) * 0.01
    return parameters


INITIALIZE_MISTAKES = (
    Mistake(
        "in this lesson the biases are random too: draw each b with np.random.randn(n, 1) * 0.01 "
        "right after its W",
        output=_init_with(3, lambda *s: np.random.randn(*s) * 0.01, lambda n: np.zeros((n, 1))),
    ),
    Mistake(
        "use np.random.randn (normal values), not np.random.rand (uniform)",
        output=_init_with(3, lambda *s: np.random.rand(*s) * 0.01),
    ),
    Mistake("multiply the random values by 0.01", output=_init_with(3, np.random.randn)),
    Mistake(
        "keep np.random.seed(3) at the start of the function",
        output=_init_with(1, lambda *s: np.random.randn(*s) * 0.01),
    ),
    Mistake(
        "layer l connects layer_dims[l - 1] to layer_dims[l], for l = 1 ... L only: a loop over "
        "range(len(layer_dims)) adds a bogus layer built from layer_dims[-1] (SPEC erratum 5)",
        output=_init_reference_loop,
    ),
)


def _forward_with_activations(choose: Callable[[list[str], int], str]) -> Callable:
    def wrong(
        ref: Reference, X: np.ndarray, parameters: dict, activations: list[str]
    ) -> tuple[np.ndarray, list]:
        forward = {
            "sigmoid": sigmoid,
            "tanh": tanh,
            "relu": relu,
            "softmax": ref.softmax,
        }
        A, caches = X, []
        for l in range(1, len(parameters) // 2 + 1):
            W, b = parameters[f"W{l}"], parameters[f"b{l}"]
            Z = W @ A + b
            A_next, Z_cache = forward[choose(activations, l)](Z)
            caches.append(((A, W, b), Z_cache))
            A = A_next
        return A, caches

    return wrong


FORWARD_MISTAKES = (
    Mistake(
        "layer l uses activations[l - 1] (the list starts at layer 1): activations[l - 2] or "
        "[i - 1] with i from 0 gives layer 1 the last activation (SPEC erratum 5)",
        output=_forward_with_activations(lambda names, l: names[l - 2]),
    ),
    Mistake(
        "every layer has its own activation: look up activations[l - 1] inside the loop",
        output=_forward_with_activations(lambda names, _l: names[-1]),
    ),
)


def _backward_scaled(factor: Callable[[int], float], keys: str) -> Callable:
    def wrong(
        ref: Reference, AL: np.ndarray, Y: np.ndarray, caches: list, activations: list[str]
    ) -> dict:
        grads = ref.backward_propagation(AL, Y, caches, activations)
        m = AL.shape[1]
        return {k: v * factor(m) if k[:2] in keys else v for k, v in grads.items()}

    return wrong


def _dA_prev_over_m(
    ref: Reference, AL: np.ndarray, Y: np.ndarray, caches: list, activations: list[str]
) -> dict:
    """dA_prev = W.T dZ / m: the extra 1/m flows down the chain, so layer l is off by m^(L - l)."""
    grads = ref.backward_propagation(AL, Y, caches, activations)
    layers, m = len(caches), AL.shape[1]
    return {key: value / m ** (layers - int(key[2:])) for key, value in grads.items()}


def _shifted_keys(_ref: Reference, args: tuple, got: object) -> bool:
    """Whether the dA keys run "dA2" ... "dAL" (one too high) instead of "dA1" ... "dA(L-1)".

    Decided by the key names alone, so the hint stays when the values are wrong too.
    """
    L = len(args[2])
    keys = {key for key in got if isinstance(key, str) and key.startswith("dA")}
    return L > 1 and keys == {f"dA{l}" for l in range(2, L + 1)}


def _has_da0(_ref: Reference, _args: tuple, got: object) -> bool:
    return isinstance(got, dict) and "dA0" in got


BACKWARD_MISTAKES = (
    Mistake(
        "dW and db need the factor 1/m (m = AL.shape[1])",
        output=_backward_scaled(lambda m: m, "dWdb"),
    ),
    Mistake(
        "dA_prev = W.T dZ has no 1/m; only dW and db do",
        output=_dA_prev_over_m,
    ),
    Mistake(
        "the output layer's gradient is dZ = AL - Y (not Y - AL)",
        output=lambda ref, AL, Y, caches, acts: {
            k: -v for k, v in ref.backward_propagation(AL, Y, caches, acts).items()
        },
    ),
    Mistake(
        'grads["dA" + str(l)] is the gradient with respect to A[l]: layer l\'s dA_prev goes under '
        '"dA" + str(l - 1)',
        test=_shifted_keys,
    ),
    Mistake(
        "no dA0: the gradient with respect to the input pixels is never used, so compute dA_prev "
        "only for l > 1",
        test=_has_da0,
    ),
    Mistake(DB_KEEPDIMS_HINT, test=grads_lost_keepdims),
)


def _updates_only(layers: Callable[[int], range]) -> Callable[[object, tuple, object], bool]:
    """Right on ``layers`` only; every other layer left out of the result or left unchanged."""

    def test(ref: Reference, args: tuple, got: dict) -> bool:
        parameters = args[0]
        updated = ref.update_parameters(*args)
        chosen = set(layers(len(parameters) // 2))
        for key, before in parameters.items():
            if int(key[1:]) in chosen:
                if not np.allclose(got[key], updated[key]):
                    return False
            elif key in got and not np.array_equal(got[key], before):
                return False
        return True

    return test


UPDATE_MISTAKES = (
    Mistake(
        "layer 1 was not updated: loop over every layer l = 1 ... L, range(1, L + 1); the original "
        "listing's range(1, len(parameters) - 1) with i + 1 skips it (SPEC erratum 5)",
        test=_updates_only(lambda L: range(2, L + 1)),
    ),
    Mistake(
        "update the last layer too: range(1, L + 1)", test=_updates_only(lambda L: range(1, L))
    ),
    Mistake(
        "gradient descent subtracts: W = W - learning_rate * dW",
        output=wrong_update(lambda L: range(1, L + 1), sign=1.0),
    ),
    Mistake(
        "update the biases too: b = b - learning_rate * db",
        output=wrong_update(lambda L: range(1, L + 1), biases=False),
    ),
)


def _predict_wrong_axis(_ref: Reference, args: tuple, got: np.ndarray) -> bool:
    return np.shape(got) == (len(args[1]["b" + str(len(args[1]) // 2)]),)


PREDICT_MISTAKES = (
    Mistake(
        "the most probable class of each example is the argmax over the classes: axis=0",
        test=_predict_wrong_axis,
    ),
    Mistake(
        "return the predicted classes (np.argmax), not the probabilities",
        test=lambda _ref, _args, got: np.ndim(got) == 2,
    ),
)


def _costs_flat(_ref: Reference, _args: tuple, got: tuple) -> bool:
    costs = [float(c) for c in got[1]]
    return len(costs) > 1 and np.allclose(costs, costs[0])


MODEL_MISTAKES = (
    Mistake(
        "the cost never changes: assign the result of update_parameters back to parameters",
        test=_costs_flat,
    ),
    Mistake(
        parameters_only_hint(("parameters", "costs", "accuracies"), older_versions=False),
        test=returned_only_parameters,
    ),
)


# ------------------------------------------------------------------------------------ the registry


def _drawn_labels(rng: np.random.Generator) -> tuple:
    """Fewer than 10 classes (a fixed 10 shows) and more labels than classes (a transpose shows)."""
    classes = int(rng.integers(2, 10))
    return rng.integers(0, classes, int(rng.integers(classes + 5, 41))), classes


def _drawn_scores(rng: np.random.Generator) -> tuple:
    classes, m = distinct_widths(rng, 2, 3, 10)
    return (5 * rng.standard_normal((classes, m)),)


def _drawn_far_apart_columns(rng: np.random.Generator) -> tuple:
    """One column about +760, one about -760: exp overflows there unless each column's own
    maximum is subtracted, and the far-below column underflows to 0 / 0 with the global one."""
    classes, m = int(rng.integers(2, 5)), int(rng.integers(3, 6))
    Z = rng.standard_normal((classes, m))
    high, low = rng.choice(m, 2, replace=False)
    Z[:, high] += rng.uniform(720, 800)
    Z[:, low] -= rng.uniform(720, 800)
    return (Z,)


def _random_probabilities(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    classes, m = int(rng.integers(3, 11)), int(rng.integers(8, 21))
    AL = rng.random((classes, m)) + 0.01
    AL = AL / AL.sum(axis=0, keepdims=True)
    Y = labels_to_columns([int(label) for label in rng.integers(0, classes, m)], classes)
    return AL, Y


def _forward_args(
    rng: np.random.Generator, dims: list[int], m: int, activations: list[str], scale: float = 1.0
) -> tuple:
    X, _, parameters, _, _ = _network(rng, dims, m, activations, scale)
    return X, parameters, activations


def _update_args(rng: np.random.Generator, layers: int, rates: tuple[float, float]) -> tuple:
    """Parameters and gradients of the same shapes, plus a dA1 the update must ignore."""
    dims = distinct_widths(rng, layers + 1, 1, 7)
    parameters = _parameters(rng, dims)
    grads = {f"d{key}": value for key, value in _parameters(rng, dims).items()}
    grads["dA1"] = np.ones((dims[1], 3))  # extra keys from the backward pass must be ignored
    return parameters, grads, round(float(rng.uniform(*rates)), 3)


def _model_args(
    rng: np.random.Generator,
    dims: list[int],
    m: int,
    activations: list[str],
    rate: float,
    iterations: int,
) -> tuple:
    X, Y, _, _, _ = _network(rng, dims, m, activations)
    return X, Y, dims, activations, rate, iterations


def _drawn_small_model(rng: np.random.Generator) -> tuple:
    dims = distinct_widths(rng, 4, 2, 7)
    rate, iterations = round(float(rng.uniform(0.3, 0.6)), 3), int(rng.integers(20, 36))
    return _model_args(
        rng, dims, int(rng.integers(12, 25)), ["tanh", "relu", "softmax"], rate, iterations
    )


def _drawn_ten_class_model(rng: np.random.Generator) -> tuple:
    dims = [int(rng.integers(12, 21)), int(rng.integers(6, 10)), 10]
    rate, iterations = round(float(rng.uniform(0.2, 0.4)), 3), int(rng.integers(15, 26))
    return _model_args(rng, dims, int(rng.integers(30, 51)), ["relu", "softmax"], rate, iterations)


FUNCTIONS: dict[str, GradedFunction] = {
    "one_hot_encoding": GradedFunction(
        outputs="Y",
        cases=(
            HiddenCase(
                "documented: labels [7 2 1 0 4 1], 10 classes",
                lambda: (np.array([7, 2, 1, 0, 4, 1]), 10),
                documented=True,
                checks=(_one_hot_columns,),
            ),
            HiddenCase(
                "hidden: every digit once, shuffled",
                draw=lambda rng: (rng.permutation(10), 10),
                checks=(_one_hot_columns,),
            ),
            HiddenCase(
                "hidden: 3 examples of the same class, 2 classes",
                lambda: (np.array([1, 1, 1]), 2),
                known={(): [[0, 0, 0], [1, 1, 1]]},
            ),
            HiddenCase(
                "hidden: many labels, fewer than 10 classes",
                draw=_drawn_labels,
                checks=(_one_hot_columns,),
            ),
        ),
        mistakes=ONE_HOT_MISTAKES,
    ),
    "softmax": GradedFunction(
        outputs=("A", "cache"),
        cases=(
            HiddenCase(
                "documented: softmax_test_case (seed 1)",
                lambda: (softmax_test_case(),),
                documented=True,
                known={(0,): SOFTMAX_DOCUMENTED},
                checks=(_softmax_matches_scipy,),
            ),
            HiddenCase(
                "documented: huge and very negative scores",
                lambda: (softmax_large_scores_test_case(),),
                documented=True,
                known={(0,): SOFTMAX_LARGE},
            ),
            HiddenCase(
                "hidden: scores up to about 15",
                draw=_drawn_scores,
                checks=(_softmax_matches_scipy,),
            ),
            HiddenCase(
                "hidden: one class",
                lambda: (np.array([[-3.0, 0.0, 800.0]]),),
                known={(0,): [[1.0, 1.0, 1.0]]},
            ),
            HiddenCase(
                "hidden: columns hundreds apart",
                draw=_drawn_far_apart_columns,
                checks=(_softmax_matches_scipy,),
            ),
        ),
        mistakes=SOFTMAX_MISTAKES,
    ),
    "compute_cost": GradedFunction(
        outputs="cost",
        cases=(
            HiddenCase(
                "documented: compute_cost_test_case",
                compute_cost_test_case,
                documented=True,
                known={(): COST_DOCUMENTED},
            ),
            HiddenCase(
                "documented: a wrong class with probability 0",
                compute_cost_zero_probability_test_case,
                documented=True,
                known={(): COST_ZERO_PROBABILITY},
            ),
            HiddenCase(
                "hidden: random probabilities and labels",
                draw=_random_probabilities,
                checks=(_cost_matches_loop,),
            ),
            HiddenCase(
                "hidden: certain and right",
                lambda: (np.eye(3), np.eye(3)),
                known={(): 0.0},
            ),
            HiddenCase(
                "hidden: uniform probabilities over 10 classes",
                lambda: (np.full((10, 5), 0.1), labels_to_columns([3, 1, 4, 1, 5], 10)),
                known={(): float(np.log(10))},
            ),
        ),
        mistakes=COST_MISTAKES,
    ),
    "initialize_parameters": GradedFunction(
        outputs="parameters",
        cases=(
            HiddenCase(
                "documented: layer_dims [5, 4, 3]",
                lambda: ([5, 4, 3],),
                documented=True,
                known=spec_values(INIT_DOCUMENTED),
            ),
            HiddenCase(
                "hidden: layer_dims [2, 3, 1, 2]",
                lambda: ([2, 3, 1, 2],),
                known=spec_values(INIT_THREE_LAYERS),
            ),
            HiddenCase(
                "hidden: wider layers, 10 classes",
                draw=lambda rng: ([int(rng.integers(20, 65)), int(rng.integers(11, 20)), 10],),
            ),
        ),
        mistakes=INITIALIZE_MISTAKES,
    ),
    "forward_propagation": GradedFunction(
        outputs=("AL", "caches"),
        cases=(
            HiddenCase(
                "documented: forward_propagation_test_case (seed 6)",
                forward_propagation_test_case,
                documented=True,
                known={(0,): FORWARD_DOCUMENTED},
                checks=(_forward_matches,),
            ),
            HiddenCase(
                "hidden: tanh -> relu -> softmax",
                forward_propagation_three_layer_test_case,
                known={(0,): FORWARD_THREE_LAYERS},
                checks=(_forward_matches,),
            ),
            HiddenCase(
                "hidden: sigmoid -> tanh, no softmax",
                draw=lambda rng: _forward_args(
                    rng, distinct_widths(rng, 3), int(rng.integers(4, 10)), ["sigmoid", "tanh"]
                ),
                checks=(_forward_matches,),
            ),
            HiddenCase(
                "hidden: large weights, relu -> relu -> softmax",
                draw=lambda rng: _forward_args(
                    rng,
                    [*distinct_widths(rng, 3, 4, 9), 10],
                    int(rng.integers(5, 13)),
                    ["relu", "relu", "softmax"],
                    30.0,
                ),
                checks=(_forward_matches,),
            ),
        ),
        mistakes=FORWARD_MISTAKES,
    ),
    "backward_propagation": GradedFunction(
        outputs="grads",
        cases=(
            HiddenCase(
                "documented: backward_propagation_test_case (seed 3)",
                backward_propagation_test_case,
                documented=True,
                known=spec_values(BACKWARD_DOCUMENTED),
            ),
            HiddenCase(
                "hidden: tanh -> relu -> softmax fixture",
                backward_propagation_three_layer_test_case,
                known=spec_values(BACKWARD_THREE_LAYERS),
            ),
            HiddenCase(
                "hidden: gradient check, relu -> softmax",
                draw=lambda rng: _consistent_backward_args(
                    rng, distinct_widths(rng, 3), int(rng.integers(3, 9)), ["relu", "softmax"]
                ),
                checks=(_check_gradients,),
            ),
            HiddenCase(
                "hidden: gradient check, tanh -> sigmoid -> softmax",
                draw=lambda rng: _consistent_backward_args(
                    rng,
                    distinct_widths(rng, 4, 2, 6),
                    int(rng.integers(3, 9)),
                    ["tanh", "sigmoid", "softmax"],
                ),
                checks=(_check_gradients,),
            ),
        ),
        mistakes=BACKWARD_MISTAKES,
        cpu_seconds=4.0,
        wall_seconds=8.0,
    ),
    "update_parameters": GradedFunction(
        outputs="parameters",
        cases=(
            HiddenCase(
                "documented: update_parameters_test_case, learning rate 0.1",
                update_parameters_test_case,
                documented=True,
                known=spec_values(UPDATE_PARAMETERS_DOCUMENTED),
            ),
            HiddenCase(
                "hidden: 3 layers, a small learning rate",
                draw=lambda rng: _update_args(rng, 3, (0.01, 0.2)),
            ),
            HiddenCase(
                "hidden: 4 layers, a large learning rate",
                draw=lambda rng: _update_args(rng, 4, (0.3, 0.8)),
            ),
        ),
        mistakes=UPDATE_MISTAKES,
        modifies=frozenset({0}),
    ),
    "predict": GradedFunction(
        outputs="predictions",
        cases=(
            HiddenCase(
                "documented: predict_test_case (seed 1)",
                predict_test_case,
                documented=True,
                known={(): PREDICT_DOCUMENTED},
                checks=(_integer_predictions,),
            ),
            HiddenCase(
                "hidden: the largest input wins",
                lambda: (
                    np.array([[5.0, 0, 0, 1], [0, 5, 0, 0], [0, 0, 5, 0]]),
                    {
                        "W1": np.eye(3),
                        "b1": np.zeros((3, 1)),
                        "W2": np.eye(3),
                        "b2": np.zeros((3, 1)),
                    },
                    ["relu", "softmax"],
                ),
                known={(): [0, 1, 2, 0]},
                checks=(_integer_predictions,),
            ),
            HiddenCase(
                "hidden: 10 classes, more examples than classes",
                draw=lambda rng: _forward_args(
                    rng,
                    [int(rng.integers(4, 10)), int(rng.integers(11, 15)), 10],
                    more_examples_than(rng, 10, 10),
                    ["relu", "softmax"],
                    3.0,
                ),
                checks=(_integer_predictions,),
            ),
        ),
        mistakes=PREDICT_MISTAKES,
    ),
    "neural_network_model": GradedFunction(
        outputs=("parameters", "costs", "accuracies"),
        cases=(
            HiddenCase(
                "documented: neural_network_model_test_case, 50 iterations, learning rate 0.5",
                lambda: (*neural_network_model_test_case(), 0.5, 50),
                documented=True,
                known={
                    (1, 0): MODEL_DOCUMENTED["first cost"],
                    (1, 49): MODEL_DOCUMENTED["last cost"],
                    (2, 49): 0.75,
                    (0, "b2"): MODEL_DOCUMENTED_B2,
                },
                checks=(_costs_fall,),
            ),
            HiddenCase(
                "hidden: tanh -> relu -> softmax, a few dozen iterations",
                draw=_drawn_small_model,
                checks=(_costs_fall,),
            ),
            HiddenCase(
                "hidden: 10 classes, many examples, about 20 iterations",
                draw=_drawn_ten_class_model,
                checks=(_costs_fall,),
            ),
        ),
        mistakes=MODEL_MISTAKES,
        cpu_seconds=10.0,
        wall_seconds=20.0,
    ),
}
