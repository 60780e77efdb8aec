"""Building blocks the lessons' hidden tests share: known-value keys, gradients, mistake recipes,
and the drawing of per-submission arguments from a ``numpy.random.Generator``."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from support.compare import SPECIFIC_CRASH_HINTS


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


def stacked_numerical_gradient(
    f: Callable[[np.ndarray], np.ndarray], x: np.ndarray, eps: float = 1e-6
) -> np.ndarray:
    """Central differences of ``f`` at ``x`` for every entry in one call each way.

    ``f`` receives a stack of ``x.size`` copies of ``x``, copy k moved by ``eps`` in entry k (shape
    ``(x.size, *x.shape)``), and returns their ``x.size`` values: written with matmul and
    elementwise operations, it runs every perturbation at once, where :func:`numerical_gradient`
    runs one at a time (drawn cases need a fresh check per submission, so speed counts).
    """
    steps = eps * np.eye(x.size).reshape(x.size, *x.shape)
    return ((f(x + steps) - f(x - steps)) / (2 * eps)).reshape(x.shape)


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


# ----------------------------------------------------------------- drawing per-submission arguments


def distinct_widths(rng: np.random.Generator, count: int, low: int = 2, high: int = 7) -> list[int]:
    """``count`` different sizes in [low, high]: no two layers alike, so a transposed or misplaced
    array can never fit by chance and each shape mistake shows as one."""
    return [int(width) for width in rng.choice(np.arange(low, high + 1), count, replace=False)]


def more_examples_than(rng: np.random.Generator, units: int, extra: int = 5) -> int:
    """A number of examples above ``units``: a units-by-examples mix-up then shows in the shapes."""
    return int(rng.integers(units + 1, units + 1 + extra))


def normal(rng: np.random.Generator, *shapes: tuple[int, ...]) -> list[np.ndarray]:
    """Standard-normal arrays of the given shapes, in order."""
    return [rng.standard_normal(shape) for shape in shapes]


def binary_labels(rng: np.random.Generator, m: int) -> np.ndarray:
    """Labels 0 and 1 in a row of ``m`` (m >= 2), both present, in random order, as floats."""
    ones = int(rng.integers(1, m))
    return rng.permutation(np.r_[np.ones(ones), np.zeros(m - ones)]).reshape(1, m)


def fingerprint(value: object) -> tuple:
    """A hashable summary of nested arguments (arrays by shape and bytes), to memoise on them."""
    if isinstance(value, np.ndarray):
        return (value.shape, value.dtype.str, value.tobytes())
    if isinstance(value, dict):
        return tuple((key, fingerprint(item)) for key, item in value.items())
    if isinstance(value, list | tuple):
        return tuple(fingerprint(item) for item in value)
    return (value,)


def memoized_by_arguments(
    compute: Callable[[tuple], dict], maxsize: int = 64
) -> Callable[[tuple], dict]:
    """Compute once per case's arguments (numerical gradients are slow), remembering only the
    ``maxsize`` most recent: drawn cases differ per submission, so an unbounded memo would grow
    with the batch."""
    results: OrderedDict[tuple, dict] = OrderedDict()

    def cached(args: tuple) -> dict:
        key = fingerprint(args)
        if key in results:
            results.move_to_end(key)
        else:
            results[key] = compute(args)
            if len(results) > maxsize:
                results.popitem(last=False)
        return results[key]

    return cached


# ------------------------------------------------------------------- hints shared by the lessons

# The same words as the crash hint of a failed `assert db.shape == b.shape` (one wording).
DB_KEEPDIMS_HINT = next(hint for pattern, hint in SPECIFIC_CRASH_HINTS if "assert db" in pattern)


def lost_keepdims(pairs: Iterable[tuple[Any, tuple[int, ...]]]) -> bool:
    """Whether some ``db`` came back squeezed: fewer than two axes (or a bare number) holding
    exactly the entries of the column ``b`` it should match."""
    return any(
        len(shape) == 2
        and shape[1] == 1
        and np.ndim(db) < 2
        and np.size(db) == shape[0]
        and isinstance(db, np.ndarray | np.generic | float | int)
        for db, shape in pairs
    )


def grads_lost_keepdims(_ref: object, args: tuple, got: object) -> bool:
    """``lost_keepdims`` for a grads dictionary: each "db" + str(l) against b of caches[l - 1].

    The caches are the third argument, each ``((A_prev, W, b), Z)`` as both lessons build them.
    """
    caches = args[2]
    return isinstance(got, dict) and lost_keepdims(
        (got[f"db{l}"], np.shape(cache[0][2]))
        for l, cache in enumerate(caches, start=1)
        if f"db{l}" in got
    )


def parameters_only_hint(outputs: tuple[str, ...], older_versions: bool = True) -> str:
    """The hint for a model that returned only its parameters dictionary."""
    wanted = ", ".join(outputs)
    text = f"return the tuple ({wanted}), not only the parameters dictionary"
    if older_versions:
        text += (
            ": that is this kit's convention; older versions of the course returned only "
            "parameters, and the cost list is part of the answer here"
        )
    return text


def returned_only_parameters(_ref: object, _args: tuple, got: object) -> bool:
    """Whether a model returned a bare dictionary where a tuple starting with it was expected."""
    return isinstance(got, dict)
