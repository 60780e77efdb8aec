"""Machinery for the visible checks students run after each graded function.

A check calls the student's function on a few named cases and compares what comes back with
expected values. Every comparison explains itself in one sentence ("W1 has shape (3, 2);
expected (2, 3)", "db: keepdims lost ..."), because a bare ``AssertionError`` teaches nothing.
All problems of all cases are collected first and reported together.
"""

from __future__ import annotations

import copy
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

PASSED = "\033[92mAll tests passed.\033[0m"


class CheckFailed(AssertionError):
    """A visible check found mistakes; the message lists each one in plain words."""


class Mismatch(Exception):
    """One comparison failed; raised inside a case and collected by :func:`run_cases`."""


@dataclass
class Case:
    """One named call of the student's function and the comparisons to run on its result."""

    name: str
    run: Callable[[Callable[..., Any]], Any]
    verify: Callable[[Any], None]
    notes: list[str] = field(default_factory=list)


def describe_type(value: Any) -> str:
    """Name a value's type the way a student would recognise it."""
    if value is None:
        return "None (is a `= None` placeholder still there?)"
    if isinstance(value, np.ndarray):
        return f"a numpy array of shape {value.shape}"
    return f"a {type(value).__name__}"


def first_difference(got: np.ndarray, expected: np.ndarray, atol: float, rtol: float) -> str:
    """Locate the first entry that differs and say how many differ in all."""
    bad = ~np.isclose(got, expected, atol=atol, rtol=rtol, equal_nan=False)
    count = int(bad.sum())
    index = tuple(int(i) for i in np.argwhere(bad)[0])
    where = str(list(index)) if index else "the value"
    return (
        f"{count} of {got.size} entries differ; first at {where}: "
        f"got {got[index]!r}, expected {expected[index]!r}"
    )


def shape_problem(label: str, got: tuple[int, ...], expected: tuple[int, ...]) -> str:
    """Word a shape mismatch, recognising the shape mistakes students make most."""
    if len(expected) == 2 and expected[1] == 1 and got == (expected[0],):
        return (
            f"{label}: keepdims lost: shape {got}; expected {expected}"
            " (sum with keepdims=True, or reshape to a column)"
        )
    hint = " (transposed?)" if got == expected[::-1] else ""
    return f"{label} has shape {got}; expected {expected}{hint}"


def expect_array(
    label: str, got: Any, expected: Any, *, atol: float = 1e-7, rtol: float = 1e-5
) -> None:
    """Compare one array: type, then shape, then values, each with its own message."""
    expected = np.asarray(expected, dtype=float)
    if not isinstance(got, np.ndarray | np.generic | float | int) or isinstance(got, bool):
        raise Mismatch(f"{label} is {describe_type(got)}; expected a numpy array")
    got = np.asarray(got)
    if got.shape != expected.shape:
        raise Mismatch(shape_problem(label, got.shape, expected.shape))
    if not np.issubdtype(got.dtype, np.number):
        raise Mismatch(f"{label} has dtype {got.dtype}; expected numbers")
    if not np.all(np.isfinite(got)) and np.all(np.isfinite(expected)):
        raise Mismatch(f"{label} contains nan or inf; expected finite values")
    if not np.allclose(got, expected, atol=atol, rtol=rtol):
        raise Mismatch(f"{label} has wrong values: {first_difference(got, expected, atol, rtol)}")


def expect_shape(label: str, got: Any, shape: tuple[int, ...]) -> None:
    """Check only that ``got`` is an array of the given shape (when its values are unknown)."""
    if not isinstance(got, np.ndarray):
        raise Mismatch(f"{label} is {describe_type(got)}; expected a numpy array")
    if got.shape != shape:
        raise Mismatch(shape_problem(label, got.shape, shape))


def expect_scalar(
    label: str, got: Any, expected: float, *, atol: float = 1e-7, rtol: float = 1e-6
) -> None:
    """Compare a number that may come back as a Python float or a 0-d array."""
    if isinstance(got, np.ndarray):
        if got.shape != ():
            raise Mismatch(
                f"{label} has shape {got.shape}; expected a single number (try np.squeeze)"
            )
        got = got.item()  # a 0-d array holds one value, possibly a leftover placeholder
    if not isinstance(got, float | int | np.number) or isinstance(got, bool):
        raise Mismatch(f"{label} is {describe_type(got)}; expected a number")
    value = float(got)
    if not np.isfinite(value):
        raise Mismatch(f"{label} is {value}; expected the finite value {expected!r}")
    if not np.isclose(value, expected, atol=atol, rtol=rtol):
        raise Mismatch(f"{label} is {value!r}; expected {expected!r}")


def expect_keys(label: str, got: Any, keys: Iterable[str]) -> None:
    """Check that a dictionary has exactly the expected keys."""
    if not isinstance(got, Mapping):
        raise Mismatch(f"{label} is {describe_type(got)}; expected a dictionary")
    wanted = set(keys)
    missing = sorted(wanted - set(got))
    extra = sorted(set(got) - wanted)
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing keys {missing}")
        if extra:
            parts.append(f"unexpected keys {extra}")
        raise Mismatch(f"{label}: " + "; ".join(parts))


def expect_arrays(label: str, got: Any, expected: Mapping[str, Any], **tolerances: float) -> None:
    """Check a dictionary of arrays: its keys, then every array under its own name."""
    expect_keys(label, got, expected)
    for key, value in expected.items():
        expect_array(key, got[key], value, **tolerances)


def expect_tuple(label: str, got: Any, length: int) -> tuple:
    """Check that a function returned a tuple (or list) of ``length`` items."""
    if not isinstance(got, tuple | list) or len(got) != length:
        raise Mismatch(f"{label} is {describe_type(got)}; expected a tuple of {length} items")
    return tuple(got)


def same_values(a: Any, b: Any) -> bool:
    """Deep, exact equality of nested dicts, lists and tuples of arrays."""
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.shape == b.shape and np.array_equal(a, b)
    if isinstance(a, dict):
        return (
            isinstance(b, dict) and a.keys() == b.keys() and all(same_values(a[k], b[k]) for k in a)
        )
    if isinstance(a, tuple | list):
        return (
            isinstance(b, tuple | list)
            and len(a) == len(b)
            and all(same_values(x, y) for x, y in zip(a, b, strict=True))
        )
    return a == b


def unchanged(*arguments: Any) -> Callable[[], None]:
    """Snapshot the arguments now; the returned function raises if a call modified them."""
    before = copy.deepcopy(arguments)

    def verify() -> None:
        for original, now in zip(before, arguments, strict=True):
            if not same_values(original, now):
                raise Mismatch("an input array was modified in place; compute new arrays instead")

    return verify


def call_checked(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``function`` and fail if it changed any of its arguments."""
    verify = unchanged(*args)
    result = function(*args, **kwargs)
    verify()
    return result


def describe_crash(function_name: str, error: BaseException) -> str:
    """Explain an exception raised by the student's function, pointing at their line."""
    frames = traceback.extract_tb(error.__traceback__)
    own = [frame for frame in frames if frame.name == function_name]
    where = f" at line `{own[-1].line}`" if own and own[-1].line else ""
    hint = ""
    if isinstance(error, AttributeError | TypeError) and "NoneType" in str(error):
        hint = " (a `= None` placeholder is probably still in your code)"
    return f"{function_name} raised {type(error).__name__}: {error}{where}{hint}"


def run_cases(function: Callable[..., Any], cases: Iterable[Case]) -> None:
    """Run every case, collect every problem, and print success or raise one clear failure."""
    name = getattr(function, "__name__", "the function")
    problems: list[str] = []
    for case in cases:
        try:
            result = case.run(function)
            case.verify(result)
        except Mismatch as mismatch:
            problems.append(f"[{case.name}] {mismatch}")
        except Exception as error:  # the student's code may raise anything
            problems.append(f"[{case.name}] {describe_crash(name, error)}")
    if problems:
        raise CheckFailed(f"{name}: {len(problems)} problem(s)\n  - " + "\n  - ".join(problems))
    print(PASSED)
