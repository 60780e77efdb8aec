"""Hidden tests of lesson 1, "Building a deep neural network, step by step".

Each graded function gets its documented case, hidden cases drawn per submission (other sizes, more
than one unit, more examples than units, other depths), the known answers SPEC.md lists, and, for
the backward functions, a numerical gradient check computed here with an independent forward pass.
Expected outputs come from the solved notebook (see ``autograder.grading.schema`` for the format).

Every case stays inside its function's documented contract: the network ends in ONE sigmoid unit,
so ``L_model_forward``'s AL and ``L_model_backward``'s AL and Y are (1, m) in every case; labels
are 0 or 1; layer widths are all different, so a transposed array never fits by chance.

Fixed hidden cases (the same for every submission), each because its inputs carry SPEC.md's known
answers: ``initialize_parameters`` (2, 2, 1) and (4, 3, 2); ``initialize_parameters_deep``
[4, 3, 2]; the hand-made arrays of ``linear_forward``, ``linear_activation_forward`` (both
activations) and ``L_model_forward`` (saturated); ``L_model_forward``'s one-hidden-layer fixture
(seed 1); ``compute_cost`` with labels [[1, 1, 0]]; ``linear_backward``'s larger case (seed 1).
Every other hidden case is drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import numpy as np

from autograder.grading.schema import GradedFunction, HiddenCase, Mistake
from autograder.lessons.building_blocks import (
    DB_KEEPDIMS_HINT,
    binary_labels,
    distinct_widths,
    grads_lost_keepdims,
    lost_keepdims,
    memoized_by_arguments,
    more_examples_than,
    normal,
    spec_values,
    stacked_numerical_gradient,
    tuple_values,
    wrong_update,
)
from support.dnn_utils import relu_backward, sigmoid_backward
from support.testCases import (
    COMPUTE_COST_DOCUMENTED,
    DEEP_INIT_DOCUMENTED,
    INITIALIZE_PARAMETERS_DOCUMENTED,
    L_MODEL_BACKWARD_DOCUMENTED,
    L_MODEL_FORWARD_DOCUMENTED_AL,
    LINEAR_ACTIVATION_BACKWARD_DOCUMENTED,
    LINEAR_ACTIVATION_FORWARD_DOCUMENTED_A,
    LINEAR_BACKWARD_DOCUMENTED,
    LINEAR_FORWARD_DOCUMENTED_Z,
    UPDATE_PARAMETERS_DOCUMENTED,
)

# The solved notebook's functions by name, as mistake recipes receive them.
Reference = SimpleNamespace

# ----------------------------------------------------------------------------- argument builders


def _draw(seed: int, *shapes: tuple[int, ...]) -> list[np.ndarray]:
    """Draw arrays with ``randn`` after seeding, in order (how the course builds its fixtures)."""
    np.random.seed(seed)
    return [np.random.randn(*shape) for shape in shapes]


def _forward_args(seed: int, dims: list[int], m: int) -> tuple:
    """X then W1, b1, W2, b2, ... drawn in that order, as SPEC's forward fixtures are."""
    np.random.seed(seed)
    X = np.random.randn(dims[0], m)
    parameters = {}
    for l in range(1, len(dims)):
        parameters[f"W{l}"] = np.random.randn(dims[l], dims[l - 1])
        parameters[f"b{l}"] = np.random.randn(dims[l], 1)
    return X, parameters


HAND_W = np.array([[1.0, 1.3], [2.0, 3.3], [4.0, 5.3]])
HAND_B = np.array([[2.7], [3.5], [2.4]])
HAND_A = np.array([[1.0, 2.8, 3.5, 2.9], [2.2, 3.9, 4.8, 3.3]])
HAND_Z = [
    [6.56, 10.57, 12.44, 9.89],
    [12.76, 21.97, 26.34, 20.19],
    [18.06, 34.27, 41.84, 31.49],
]


def _linear_activation_cache(seed: int, n: int, n_prev: int, m: int) -> tuple:
    dA, A, W, b, Z = _draw(seed, (n, m), (n_prev, m), (n, n_prev), (n, 1), (n, m))
    return dA, ((A, W, b), Z)


def _l_model_backward_fixture() -> tuple:
    """SPEC's documented fixture: seed 3, arbitrary (not forward-consistent) caches."""
    np.random.seed(3)
    AL = np.random.randn(1, 2)
    Y = np.array([[1, 0]])
    A1, W1, b1, Z1 = (np.random.randn(*s) for s in [(4, 2), (3, 4), (3, 1), (3, 2)])
    A2, W2, b2, Z2 = (np.random.randn(*s) for s in [(3, 2), (1, 3), (1, 1), (1, 2)])
    return AL, Y, [((A1, W1, b1), Z1), ((A2, W2, b2), Z2)]


# ------------------------------------------------------------- arguments drawn per submission


def _drawn_layer(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A_prev, W, b of one layer: several units, another input size, more examples than units."""
    n, n_prev = distinct_widths(rng, 2)
    m = more_examples_than(rng, n)
    A, W, b = normal(rng, (n_prev, m), (n, n_prev), (n, 1))
    return A, W, b


def _drawn_parameters(rng: np.random.Generator, dims: list[int]) -> dict[str, np.ndarray]:
    """W1, b1, ... with W scaled by 1 / sqrt(fan-in): activations stay moderate at any depth."""
    parameters = {}
    for l in range(1, len(dims)):
        parameters[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1])) / np.sqrt(dims[l - 1])
        parameters[f"b{l}"] = 0.5 * rng.standard_normal((dims[l], 1))
    return parameters


def _drawn_network(rng: np.random.Generator, layers: int) -> tuple:
    """X and the parameters of ``layers`` layers ending in ONE unit (SPEC's binary model)."""
    dims = [*distinct_widths(rng, layers), 1]
    X = rng.standard_normal((dims[0], more_examples_than(rng, dims[1])))
    return X, _drawn_parameters(rng, dims)


def _drawn_cost_case(rng: np.random.Generator, saturated: bool = False) -> tuple:
    """AL in (0.05, 0.95) and 0/1 labels; ``saturated`` makes some predictions exactly right."""
    m = int(rng.integers(5, 13))
    AL, Y = rng.uniform(0.05, 0.95, (1, m)), binary_labels(rng, m)
    if saturated:
        AL[0, rng.choice(np.flatnonzero(Y[0] == 1))] = 1.0
        AL[0, rng.choice(np.flatnonzero(Y[0] == 0))] = 0.0
    return AL, Y


def _drawn_backward_case(rng: np.random.Generator) -> tuple:
    """dZ (or dA) and the layer's cache; the cached Z really is W A_prev + b."""
    A, W, b = _drawn_layer(rng)
    (dZ,) = normal(rng, (W.shape[0], A.shape[1]))
    return dZ, (A, W, b)


def _drawn_activation_backward_case(rng: np.random.Generator, activation: str) -> tuple:
    dA, (A, W, b) = _drawn_backward_case(rng)
    return dA, ((A, W, b), W @ A + b), activation


def _drawn_network_backward_case(rng: np.random.Generator, layers: int) -> tuple:
    """AL, Y and caches from a real forward pass, so the gradients can be checked numerically."""
    X, parameters = _drawn_network(rng, layers)
    AL, caches = _forward(X, parameters)
    return AL, binary_labels(rng, X.shape[1]), caches


def _drawn_update_case(rng: np.random.Generator, layers: int) -> tuple:
    """Parameters, the gradients L_model_backward would return (dA keys too), a learning rate."""
    dims = distinct_widths(rng, layers + 1, 1, 7)
    parameters = _drawn_parameters(rng, dims)
    grads = {f"d{key}": value for key, value in _drawn_parameters(rng, dims).items()}
    m = more_examples_than(rng, 1)
    grads.update({f"dA{l}": rng.standard_normal((dims[l], m)) for l in range(layers)})
    return parameters, grads, round(float(rng.uniform(0.01, 0.5)), 3)


# ------------------------------------------------- independent forward pass and numerical gradients


def _forward(X: np.ndarray, parameters: dict) -> tuple[np.ndarray, list]:
    """[LINEAR -> RELU] * (L-1) -> LINEAR -> SIGMOID, written independently of the notebook.

    Any one input may be a stack of variants (a leading axis): matmul and elementwise operations
    carry the stack through, which the numerical gradients use.
    """
    L = len(parameters) // 2
    A, caches = X, []
    for l in range(1, L + 1):
        W, b = parameters[f"W{l}"], parameters[f"b{l}"]
        Z = W @ A + b
        caches.append(((A, W, b), Z))
        A = 1 / (1 + np.exp(-Z)) if l == L else np.maximum(Z, 0)
    return A, caches


def _costs(AL: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """The cross-entropy of each stacked AL (the last two axes are units and examples)."""
    return -np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL), axis=(-2, -1))


def _gradient_problems(label: str, got: np.ndarray, numeric: np.ndarray) -> list[str]:
    if np.allclose(got, numeric, rtol=1e-4, atol=1e-6):
        return []
    return [f"{label} disagrees with a numerical gradient check (finite differences of the cost)"]


def _layer_numeric_gradients(dA: np.ndarray, cache: tuple, activation: str | None) -> dict:
    """Finite differences of sum(dA * layer(A_prev)) with respect to A_prev, W and b.

    The course's convention: dW and db carry the 1/m of the cost, dA_prev does not.
    """
    (A, W, b), _ = cache if activation else (cache, None)
    A, W, b = (np.array(x, dtype=float) for x in (A, W, b))
    m = A.shape[1]

    def layer(A: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
        out = W @ A + b
        if activation == "sigmoid":
            out = 1 / (1 + np.exp(-out))
        elif activation == "relu":
            out = np.maximum(out, 0)
        return np.sum(dA * out, axis=(-2, -1))

    return {
        "dA_prev": stacked_numerical_gradient(lambda stack: layer(stack, W, b), A),
        "dW": stacked_numerical_gradient(lambda stack: layer(A, stack, b), W) / m,
        "db": stacked_numerical_gradient(lambda stack: layer(A, W, stack), b) / m,
    }


@memoized_by_arguments
def _linear_numeric(args: tuple) -> dict:
    dZ, cache = args
    return _layer_numeric_gradients(dZ, cache, None)


@memoized_by_arguments
def _linear_activation_numeric(args: tuple) -> dict:
    dA, cache, activation = args
    return _layer_numeric_gradients(dA, cache, activation)


def _compare_gradients(got: tuple, numeric: dict) -> list[str]:
    problems = []
    for label, value in zip(("dA_prev", "dW", "db"), got, strict=True):
        problems += _gradient_problems(label, value, numeric[label])
    return problems


def _check_linear_backward(args: tuple, got: tuple) -> list[str]:
    return _compare_gradients(got, _linear_numeric(args))


def _check_linear_activation_backward(args: tuple, got: tuple) -> list[str]:
    return _compare_gradients(got, _linear_activation_numeric(args))


@memoized_by_arguments
def _network_numeric(args: tuple) -> dict:
    """Finite differences of the cost with respect to every W, b and (times m) the input X."""
    _, Y, caches = args  # AL is recomputed from the caches
    X = np.array(caches[0][0][0], dtype=float)
    parameters = {}
    for l, ((_, W, b), _) in enumerate(caches, start=1):
        parameters[f"W{l}"] = np.array(W, dtype=float)
        parameters[f"b{l}"] = np.array(b, dtype=float)

    def cost_varying(name: str) -> Callable[[np.ndarray], np.ndarray]:
        return lambda stack: _costs(_forward(X, {**parameters, name: stack})[0], Y)

    numeric = {
        f"d{name}": stacked_numerical_gradient(cost_varying(name), value)
        for name, value in parameters.items()
    }
    numeric["dA0"] = (
        stacked_numerical_gradient(lambda stack: _costs(_forward(stack, parameters)[0], Y), X)
        * X.shape[1]
    )
    return numeric


def _check_l_model_backward(args: tuple, got: dict) -> list[str]:
    problems = []
    for label, numeric in _network_numeric(args).items():
        problems += _gradient_problems(label, got[label], numeric)
    return problems


# --------------------------------------------------------------------------- mistake recipes


def _seeded(seed: int, draw: Callable[..., np.ndarray]) -> Callable[..., dict]:
    def parameters_for(dims: list[int]) -> dict:
        np.random.seed(seed)
        out = {}
        for l in range(1, len(dims)):
            out[f"W{l}"] = draw(dims[l], dims[l - 1])
            out[f"b{l}"] = np.zeros((dims[l], 1))
        return out

    return parameters_for


def _bias_not_column(_ref: Reference, _args: tuple, got: dict) -> bool:
    return any(np.ndim(value) == 1 for key, value in got.items() if key.startswith("b"))


BIAS_HINT = "biases are column vectors: create them with np.zeros((n, 1)), not np.zeros(n)"
RANDN_HINT = (
    "the weights look uniform: use np.random.randn (normal), not np.random.rand (SPEC erratum 2)"
)
SCALE_HINT = "multiply the random weights by 0.01 to keep them small"
SEED_HINT = "keep the np.random.seed(...) call at the start of the function, with the given seed"


def _drop_last_layer(parameters: dict) -> dict:
    L = len(parameters) // 2
    return {key: value for key, value in parameters.items() if not key.endswith(str(L))}


INITIALIZE_MISTAKES = (
    Mistake(
        RANDN_HINT, output=lambda _ref, *a: _seeded(1, lambda *s: np.random.rand(*s) * 0.01)(a)
    ),
    Mistake(SCALE_HINT, output=lambda _ref, *a: _seeded(1, np.random.randn)(a)),
    Mistake(
        SEED_HINT, output=lambda _ref, *a: _seeded(3, lambda *s: np.random.randn(*s) * 0.01)(a)
    ),
    Mistake(BIAS_HINT, test=_bias_not_column),
)

DEEP_MISTAKES = (
    Mistake(RANDN_HINT, output=lambda _ref, d: _seeded(3, lambda *s: np.random.rand(*s) * 0.01)(d)),
    Mistake(SCALE_HINT, output=lambda _ref, d: _seeded(3, np.random.randn)(d)),
    Mistake(SEED_HINT, output=lambda _ref, d: _seeded(1, lambda *s: np.random.randn(*s) * 0.01)(d)),
    Mistake(
        "the last layer is missing: loop over l = 1 ... L, i.e. range(1, len(layer_dims))",
        output=lambda ref, d: _drop_last_layer(ref.initialize_parameters_deep(d)),
    ),
    Mistake(BIAS_HINT, test=_bias_not_column),
)

LINEAR_FORWARD_MISTAKES = (
    Mistake("Z = W A + b: the bias b is missing", output=lambda _ref, A, W, b: (W @ A, (A, W, b))),
    Mistake(
        "the cache must be the tuple (A, W, b), in that order",
        test=lambda _ref, args, got: (
            len(got[1]) == 3
            and all(np.array_equal(x, y) for x, y in zip(got[1], args[1::-1], strict=False))
        ),
    ),
)


def _other_activation(name: str) -> str:
    return "relu" if name == "sigmoid" else "sigmoid"


LINEAR_ACTIVATION_FORWARD_MISTAKES = (
    Mistake(
        "the activations are swapped: 'sigmoid' must apply sigmoid and 'relu' must apply relu",
        output=lambda ref, A, W, b, act: ref.linear_activation_forward(
            A, W, b, _other_activation(act)
        ),
    ),
    Mistake(
        "the cache must be (linear_cache, activation_cache), in that order",
        output=lambda ref, *args: (
            ref.linear_activation_forward(*args)[0],
            ref.linear_activation_forward(*args)[1][::-1],
        ),
    ),
)


def _forward_with(activations: Callable[[int, int], str]) -> Callable:
    def wrong(ref: Reference, X: np.ndarray, parameters: dict) -> tuple[np.ndarray, list]:
        L = len(parameters) // 2
        A, caches = X, []
        for l in range(1, L + 1):
            W, b = parameters[f"W{l}"], parameters[f"b{l}"]
            A, cache = ref.linear_activation_forward(A, W, b, activations(l, L))
            caches.append(cache)
        return A, caches

    return wrong


L_MODEL_FORWARD_MISTAKES = (
    Mistake(
        "hidden layers use relu and only the last layer uses sigmoid",
        output=_forward_with(lambda _l, _L: "sigmoid"),
    ),
    Mistake(
        "the last layer uses sigmoid, not relu",
        output=_forward_with(lambda _l, _L: "relu"),
    ),
    Mistake(
        "the activations are swapped: relu for layers 1 ... L-1, sigmoid for layer L",
        output=_forward_with(lambda l, L: "sigmoid" if l < L else "relu"),
    ),
    Mistake(
        "caches must hold one cache per layer (L in all): append the last layer's cache too",
        output=lambda ref, X, p: (ref.L_model_forward(X, p)[0], ref.L_model_forward(X, p)[1][:-1]),
    ),
)


def _saturated_nan(_ref: Reference, args: tuple, got: object) -> bool:
    AL = args[0]
    return bool(np.any((AL == 0) | (AL == 1))) and not np.isfinite(float(np.squeeze(got)))


COST_MISTAKES = (
    Mistake(
        "divide by m, the number of examples (Y.shape[1]); check also that m is not Y.shape[0]",
        output=lambda ref, AL, Y: ref.compute_cost(AL, Y) * Y.shape[1],
    ),
    Mistake(
        "the cost needs a minus sign in front", output=lambda ref, AL, Y: -ref.compute_cost(AL, Y)
    ),
    Mistake(
        "the (1 - Y) * log(1 - AL) term is missing",
        output=lambda _ref, AL, Y: -np.sum(Y * np.log(AL)) / Y.shape[1],
    ),
    Mistake(
        "AL holds exact 0s or 1s here (a saturated sigmoid) and 0 * log(0) gave nan or inf: treat "
        "0 * log(0) as 0, for example with np.clip(AL, 1e-15, 1 - 1e-15) (SPEC erratum 6)",
        test=_saturated_nan,
    ),
)


def _without_one_over_m(ref: Reference, dZ: np.ndarray, cache: tuple) -> tuple:
    dA_prev, dW, db = ref.linear_backward(dZ, cache)
    m = dZ.shape[1]
    return dA_prev, dW * m, db * m


def _db_over_wrong_axis(_ref: Reference, args: tuple, got: tuple) -> bool:
    units, examples = args[0].shape
    return np.shape(got[2]) in ((1, examples), (examples,)) and examples != 1 != units


LINEAR_BACKWARD_MISTAKES = (
    Mistake("dW and db need the factor 1/m (m = A_prev.shape[1])", output=_without_one_over_m),
    Mistake(
        "dA_prev = W.T dZ has no 1/m; only dW and db do",
        output=lambda ref, dZ, cache: (
            ref.linear_backward(dZ, cache)[0] / dZ.shape[1],
            *ref.linear_backward(dZ, cache)[1:],
        ),
    ),
    Mistake("db sums dZ over the examples: axis=1 with keepdims=True", test=_db_over_wrong_axis),
    Mistake(DB_KEEPDIMS_HINT, test=lambda _ref, args, got: _db_squeezed(args, got)),
)


def _db_squeezed(args: tuple, got: tuple) -> bool:
    """Whether the db of (dA_prev, dW, db) lost the column shape of the layer's b."""
    cache = args[1][0] if len(args) == 3 else args[1]  # linear_activation_backward: (lin, Z)
    return lost_keepdims([(got[2], np.shape(cache[2]))])


def _backward_with(activation_of: Callable[[str], str]) -> Callable:
    def wrong(ref: Reference, dA: np.ndarray, cache: tuple, activation: str) -> tuple:
        backward = sigmoid_backward if activation_of(activation) == "sigmoid" else relu_backward
        return ref.linear_backward(backward(dA, cache[1]), cache[0])

    return wrong


LINEAR_ACTIVATION_BACKWARD_MISTAKES = (
    Mistake(
        "the backward functions are swapped: 'relu' needs relu_backward, 'sigmoid' needs "
        "sigmoid_backward",
        output=_backward_with(_other_activation),
    ),
    Mistake(
        "first turn dA into dZ with the activation's backward (relu_backward or sigmoid_backward)",
        output=lambda ref, dA, cache, _activation: ref.linear_backward(dA, cache[0]),
    ),
    Mistake(DB_KEEPDIMS_HINT, test=lambda _ref, args, got: _db_squeezed(args, got)),
)


def _shifted_keys(_ref: Reference, args: tuple, got: object) -> bool:
    """Whether the dA keys run "dA1" ... "dAL" (one too high) instead of "dA0" ... "dA(L-1)".

    Decided by the key names alone, so the hint stays when the values are wrong too.
    """
    L = len(args[2])
    keys = {key for key in got if isinstance(key, str) and key.startswith("dA")}
    return keys == {f"dA{l}" for l in range(1, L + 1)}


def _dAL_to_every_layer(ref: Reference, AL: np.ndarray, Y: np.ndarray, caches: list) -> dict:
    """The loop passes dAL (the output's gradient) to every hidden layer, not dA of layer l."""
    Y = Y.reshape(AL.shape)
    dAL = -(Y / AL - (1 - Y) / (1 - AL))
    L = len(caches)
    grads = {}
    dA_prev, grads[f"dW{L}"], grads[f"db{L}"] = ref.linear_activation_backward(
        dAL, caches[L - 1], "sigmoid"
    )
    grads[f"dA{L - 1}"] = dA_prev
    for l in reversed(range(1, L)):
        dA_prev, grads[f"dW{l}"], grads[f"db{l}"] = ref.linear_activation_backward(
            dAL, caches[l - 1], "relu"
        )
        grads[f"dA{l - 1}"] = dA_prev
    return grads


def _all_sigmoid(ref: Reference, AL: np.ndarray, Y: np.ndarray, caches: list) -> dict:
    Y = Y.reshape(AL.shape)
    grads, dA = {}, -(Y / AL - (1 - Y) / (1 - AL))
    for l in reversed(range(1, len(caches) + 1)):
        dA, grads[f"dW{l}"], grads[f"db{l}"] = ref.linear_activation_backward(
            dA, caches[l - 1], "sigmoid"
        )
        grads[f"dA{l - 1}"] = dA
    return grads


def _without_layer_one(ref: Reference, AL: np.ndarray, Y: np.ndarray, caches: list) -> dict:
    grads = ref.L_model_backward(AL, Y, caches)
    return {key: value for key, value in grads.items() if key not in ("dW1", "db1", "dA0")}


L_MODEL_BACKWARD_MISTAKES = (
    Mistake(
        'grads["dA" + str(l)] is the gradient with respect to A[l], so "dA0" is the one with '
        'respect to X; storing layer l\'s dA_prev under "dA" + str(l + 1) is off by one '
        "(SPEC erratum 1)",
        test=_shifted_keys,
    ),
    Mistake(
        'each hidden layer l takes the gradient of its own output, grads["dA" + str(l)] (what '
        "layer l + 1 just computed), not dAL: dAL belongs to the output layer L only",
        output=_dAL_to_every_layer,
    ),
    Mistake(DB_KEEPDIMS_HINT, test=grads_lost_keepdims),
    Mistake(
        "the hidden layers are RELU layers: use 'relu' (relu_backward) inside the loop and "
        "'sigmoid' only for layer L (SPEC erratum 7)",
        output=_all_sigmoid,
    ),
    Mistake(
        "dAL = -(Y / AL - (1 - Y) / (1 - AL)): check its sign",
        output=lambda ref, AL, Y, caches: {
            key: -value for key, value in ref.L_model_backward(AL, Y, caches).items()
        },
    ),
    Mistake(
        "layer 1 is missing: the loop must go down to l = 1 (reversed(range(1, L)))",
        output=_without_layer_one,
    ),
)


UPDATE_MISTAKES = (
    Mistake(
        "update every layer l = 1 ... L: range(1, L + 1); range(1, L - 1) skips the last two "
        "(SPEC erratum 7)",
        output=wrong_update(lambda L: range(1, L - 1)),
    ),
    Mistake(
        "update every layer l = 1 ... L: range(1, L) skips the last one",
        output=wrong_update(lambda L: range(1, L)),
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


# ------------------------------------------------------------------------------ the registry


def _spec_update_case() -> tuple:
    np.random.seed(2)
    parameters = {
        "W1": np.random.randn(3, 4),
        "b1": np.random.randn(3, 1),
        "W2": np.random.randn(1, 3),
        "b2": np.random.randn(1, 1),
    }
    np.random.seed(3)
    grads = {
        "dW1": np.random.randn(3, 4),
        "db1": np.random.randn(3, 1),
        "dW2": np.random.randn(1, 3),
        "db2": np.random.randn(1, 1),
    }
    return parameters, grads, 0.1


FUNCTIONS: dict[str, GradedFunction] = {
    "initialize_parameters": GradedFunction(
        outputs="parameters",
        cases=(
            HiddenCase(
                "documented: initialize_parameters(3, 2, 1)",
                lambda: (3, 2, 1),
                documented=True,
                known=spec_values(INITIALIZE_PARAMETERS_DOCUMENTED),
            ),
            HiddenCase(
                "hidden: 2 inputs, 2 hidden units, 1 output",
                lambda: (2, 2, 1),
                known={
                    ("W1",): [[0.01624345, -0.00611756], [-0.00528172, -0.01072969]],
                    ("W2",): [[0.00865408, -0.02301539]],
                },
            ),
            HiddenCase(
                "hidden: 4 inputs, 3 hidden units, 2 outputs",
                lambda: (4, 3, 2),
                known={
                    ("W1", 0): [0.01624345, -0.00611756, -0.00528172, -0.01072969],
                    ("W2",): [
                        [-0.00322417, -0.00384054, 0.01133769],
                        [-0.01099891, -0.00172428, -0.00877858],
                    ],
                },
            ),
            HiddenCase(
                "hidden: other sizes, several output units",
                draw=lambda rng: tuple(distinct_widths(rng, 3, 2, 8)),
            ),
        ),
        mistakes=INITIALIZE_MISTAKES,
    ),
    "initialize_parameters_deep": GradedFunction(
        outputs="parameters",
        cases=(
            HiddenCase(
                "documented: initialize_parameters_deep([5, 4, 3])",
                lambda: ([5, 4, 3],),
                documented=True,
                known=spec_values(DEEP_INIT_DOCUMENTED),
            ),
            HiddenCase(
                "hidden: layer_dims [4, 3, 2]",
                lambda: ([4, 3, 2],),
                known={
                    ("W1", 0): [0.01788628, 0.0043651, 0.00096497, -0.01863493],
                    ("W2",): [
                        [0.00881318, 0.01709573, 0.00050034],
                        [-0.00404677, -0.0054536, -0.01546477],
                    ],
                },
            ),
            HiddenCase(
                "hidden: a deeper network (3 to 5 layers)",
                draw=lambda rng: (distinct_widths(rng, int(rng.integers(4, 7)), 1, 8),),
            ),
        ),
        mistakes=DEEP_MISTAKES,
    ),
    "linear_forward": GradedFunction(
        outputs=("Z", "cache"),
        cases=(
            HiddenCase(
                "documented: linear_forward_test_case (seed 1)",
                lambda: tuple(_draw(1, (3, 2), (1, 3), (1, 1))),
                documented=True,
                known={(0,): LINEAR_FORWARD_DOCUMENTED_Z},
            ),
            HiddenCase(
                "hidden: hand-made arrays, 3 units, 4 examples",
                lambda: (HAND_A.copy(), HAND_W.copy(), HAND_B.copy()),
                known={(0,): HAND_Z},
            ),
            HiddenCase("hidden: several units, more examples than units", draw=_drawn_layer),
        ),
        mistakes=LINEAR_FORWARD_MISTAKES,
    ),
    "linear_activation_forward": GradedFunction(
        outputs=("A", "cache"),
        cases=(
            HiddenCase(
                "documented: linear_activation_forward_test_case (seed 2), sigmoid",
                lambda: (*_draw(2, (3, 2), (1, 3), (1, 1)), "sigmoid"),
                documented=True,
                known={(0,): LINEAR_ACTIVATION_FORWARD_DOCUMENTED_A["sigmoid"]},
            ),
            HiddenCase(
                "documented: linear_activation_forward_test_case (seed 2), relu",
                lambda: (*_draw(2, (3, 2), (1, 3), (1, 1)), "relu"),
                documented=True,
                known={(0,): LINEAR_ACTIVATION_FORWARD_DOCUMENTED_A["relu"]},
            ),
            HiddenCase(
                "hidden: hand-made arrays, sigmoid",
                lambda: (HAND_A.copy(), HAND_W.copy(), HAND_B.copy(), "sigmoid"),
                known={(0, 0): [0.99858612, 0.99997433, 0.99999604, 0.99994932]},
            ),
            HiddenCase(
                "hidden: hand-made arrays, relu",
                lambda: (HAND_A.copy(), HAND_W.copy(), HAND_B.copy(), "relu"),
                known={(0,): HAND_Z},
            ),
            HiddenCase(
                "hidden: several units, more examples than units, relu",
                draw=lambda rng: (*_drawn_layer(rng), "relu"),
            ),
            HiddenCase(
                "hidden: several units, more examples than units, sigmoid",
                draw=lambda rng: (*_drawn_layer(rng), "sigmoid"),
            ),
        ),
        mistakes=LINEAR_ACTIVATION_FORWARD_MISTAKES,
    ),
    "L_model_forward": GradedFunction(
        outputs=("AL", "caches"),
        cases=(
            HiddenCase(
                "documented: L_model_forward_test_case_2hidden (seed 6)",
                lambda: _forward_args(6, [5, 4, 3, 1], 4),
                documented=True,
                known={(0,): L_MODEL_FORWARD_DOCUMENTED_AL},
            ),
            HiddenCase(
                "hidden: one hidden layer (seed 1)",
                lambda: _forward_args(1, [4, 3, 1], 2),
                known={(0,): [[0.17007265, 0.2524272]]},
            ),
            HiddenCase(
                "hidden: hand-made arrays, saturated output",
                lambda: (
                    HAND_A.copy(),
                    {
                        "W1": HAND_W.copy(),
                        "b1": HAND_B.copy(),
                        "W2": np.array([[2.0, 3.3, 4.3]]),
                        "b2": np.array([[3.7]]),
                    },
                ),
                known={(0,): [[1.0, 1.0, 1.0, 1.0]]},
            ),
            HiddenCase(
                "hidden: a deeper network (3 or 4 layers), one output unit",
                draw=lambda rng: _drawn_network(rng, int(rng.integers(3, 5))),
            ),
            HiddenCase(
                "hidden: 2 layers, one output unit, more examples than hidden units",
                draw=lambda rng: _drawn_network(rng, 2),
            ),
        ),
        mistakes=L_MODEL_FORWARD_MISTAKES,
        crash_hints=(
            (
                r"not aligned|matmul|broadcast",
                "check the layer loop: range(1, L) runs the L-1 RELU layers, then layer L is the "
                "SIGMOID one (off by one?)",
            ),
        ),
    ),
    "compute_cost": GradedFunction(
        outputs="cost",
        cases=(
            HiddenCase(
                "documented: compute_cost_test_case",
                lambda: (np.array([[0.8, 0.9, 0.4]]), np.array([[1, 1, 1]])),
                documented=True,
                known={(): COMPUTE_COST_DOCUMENTED},
            ),
            HiddenCase(
                "hidden: labels with a 0",
                lambda: (np.array([[0.8, 0.9, 0.4]]), np.array([[1, 1, 0]])),
                known={(): 0.2797765635793422},
            ),
            HiddenCase("hidden: more examples, both labels", draw=_drawn_cost_case),
            HiddenCase(
                "hidden: saturated predictions (exact 0s and 1s)",
                draw=lambda rng: _drawn_cost_case(rng, saturated=True),
            ),
        ),
        mistakes=COST_MISTAKES,
    ),
    "linear_backward": GradedFunction(
        outputs=("dA_prev", "dW", "db"),
        cases=(
            HiddenCase(
                "documented: linear_backward_test_case (seed 1)",
                lambda: (lambda dZ, A, W, b: (dZ, (A, W, b)))(
                    *_draw(1, (1, 2), (3, 2), (1, 3), (1, 1))
                ),
                documented=True,
                known=tuple_values(LINEAR_BACKWARD_DOCUMENTED),
                checks=(_check_linear_backward,),
            ),
            HiddenCase(
                "hidden: 3 units, 4 examples (seed 1)",
                lambda: (lambda dZ, A, W, b: (dZ, (A, W, b)))(
                    *_draw(1, (3, 4), (5, 4), (3, 5), (3, 1))
                ),
                known={
                    (2,): [[-0.14713786], [-0.11313155], [-0.13209101]],
                    (1, 0): [0.07313866, -0.0976715, -0.87585828, 0.73763362, 0.00785716],
                },
                checks=(_check_linear_backward,),
            ),
            HiddenCase(
                "hidden: several units, more examples than units",
                draw=_drawn_backward_case,
                checks=(_check_linear_backward,),
            ),
        ),
        mistakes=LINEAR_BACKWARD_MISTAKES,
    ),
    "linear_activation_backward": GradedFunction(
        outputs=("dA_prev", "dW", "db"),
        cases=(
            HiddenCase(
                "documented: linear_activation_backward_test_case (seed 2), sigmoid",
                lambda: (*_linear_activation_cache(2, 1, 3, 2), "sigmoid"),
                documented=True,
                known=tuple_values(LINEAR_ACTIVATION_BACKWARD_DOCUMENTED["sigmoid"]),
            ),
            HiddenCase(
                "documented: linear_activation_backward_test_case (seed 2), relu",
                lambda: (*_linear_activation_cache(2, 1, 3, 2), "relu"),
                documented=True,
                known=tuple_values(LINEAR_ACTIVATION_BACKWARD_DOCUMENTED["relu"]),
            ),
            HiddenCase(
                "hidden: several units, more examples than units, relu",
                draw=lambda rng: _drawn_activation_backward_case(rng, "relu"),
                checks=(_check_linear_activation_backward,),
            ),
            HiddenCase(
                "hidden: several units, more examples than units, sigmoid",
                draw=lambda rng: _drawn_activation_backward_case(rng, "sigmoid"),
                checks=(_check_linear_activation_backward,),
            ),
        ),
        mistakes=LINEAR_ACTIVATION_BACKWARD_MISTAKES,
    ),
    "L_model_backward": GradedFunction(
        outputs="grads",
        cases=(
            HiddenCase(
                "documented: L_model_backward_test_case (seed 3)",
                _l_model_backward_fixture,
                documented=True,
                known=spec_values(L_MODEL_BACKWARD_DOCUMENTED),
            ),
            HiddenCase(
                "hidden: a real forward pass, 3 or 4 layers, one output unit",
                draw=lambda rng: _drawn_network_backward_case(rng, int(rng.integers(3, 5))),
                checks=(_check_l_model_backward,),
            ),
            HiddenCase(
                "hidden: a real forward pass, 2 layers, one output unit",
                draw=lambda rng: _drawn_network_backward_case(rng, 2),
                checks=(_check_l_model_backward,),
            ),
        ),
        mistakes=L_MODEL_BACKWARD_MISTAKES,
        crash_hints=(
            (
                r"linear_activation_backward\(\s*grads\[\s*[\"']dA[\"']\s*\+\s*str\(\s*L\s*-\s*1\s*\)",
                'in the loop, layer l\'s backward step takes grads["dA" + str(l)], the gradient of '
                'its own output: the output layer\'s gradient grads["dA" + str(L - 1)] is right '
                "for layer L - 1 only",
            ),
        ),
    ),
    "update_parameters": GradedFunction(
        outputs="parameters",
        cases=(
            HiddenCase(
                "documented: update_parameters_test_case, learning_rate 0.1",
                _spec_update_case,
                documented=True,
                known=spec_values(UPDATE_PARAMETERS_DOCUMENTED),
            ),
            HiddenCase(
                "hidden: 3 layers, another learning rate",
                draw=lambda rng: _drawn_update_case(rng, 3),
            ),
            HiddenCase(
                "hidden: 4 or 5 layers, another learning rate",
                draw=lambda rng: _drawn_update_case(rng, int(rng.integers(4, 6))),
            ),
        ),
        mistakes=UPDATE_MISTAKES,
        modifies=frozenset({0}),
    ),
}
