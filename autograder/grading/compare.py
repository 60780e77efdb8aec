"""Compare a student's output with the expected one, listing every difference in words.

Recurses into dicts, tuples and lists; arrays are compared entry by entry with one tolerance.
Only the documented case may show values in full; hidden cases show shapes and a few entries.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from autograder.sandbox.transport import Opaque
from support.checks import describe_type as describe_plain_type
from support.checks import shape_problem

# Comparisons use the same tolerances as the visible checks: tight enough to catch a missing
# factor, loose enough for a different but correct order of floating-point operations.
ATOL = 1e-7
RTOL = 1e-5
MAX_SHOWN_ENTRIES = 3


def describe_type(value: Any) -> str:
    """Name a value's type for a student, including values that arrived as :class:`Opaque`."""
    if isinstance(value, Opaque):
        hint = " (is a `= None` placeholder still there?)" if "object" in value.type_name else ""
        return f"a {value.type_name}{hint}"
    return describe_plain_type(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | np.number) and not isinstance(value, bool | np.bool_)


def _differing_entries(got: np.ndarray, expected: np.ndarray, show_values: bool) -> str:
    bad = ~np.isclose(got, expected, atol=ATOL, rtol=RTOL)
    where = np.argwhere(bad)[:MAX_SHOWN_ENTRIES]
    shown = []
    for index in where:
        position = tuple(int(i) for i in index)
        label = list(position) if position else "value"
        shown.append(f"at {label} got {got[position]:.8g}, expected {expected[position]:.8g}")
    total = int(bad.sum())
    text = f"{total} of {got.size} entries differ; " + "; ".join(shown)
    if not show_values:
        return text
    return text + f"\n      expected {np.array2string(expected, precision=8)}"


def compare(label: str, got: Any, expected: Any, *, show_values: bool = False) -> list[str]:
    """List every way ``got`` differs from ``expected``, recursing into dicts and tuples."""
    if isinstance(expected, Mapping):
        if not isinstance(got, Mapping):
            return [f"{label} is {describe_type(got)}; expected a dictionary"]
        missing = sorted(set(expected) - set(got), key=str)
        extra = sorted(set(got) - set(expected), key=str)
        problems = []
        if missing:
            problems.append(f"{label} is missing keys {missing}")
        if extra:
            problems.append(f"{label} has unexpected keys {extra}")
        for key in expected:
            if key in got:
                problems += compare(
                    f"{label}[{key!r}]", got[key], expected[key], show_values=show_values
                )
        return problems
    if isinstance(expected, tuple | list):
        if not isinstance(got, tuple | list):
            return [f"{label} is {describe_type(got)}; expected a tuple of {len(expected)} items"]
        if len(got) != len(expected):
            return [f"{label} has {len(got)} items; expected {len(expected)}"]
        problems = []
        for index, (item, wanted) in enumerate(zip(got, expected, strict=True)):
            problems += compare(f"{label}[{index}]", item, wanted, show_values=show_values)
        return problems
    if isinstance(expected, str) or expected is None:
        return [] if got == expected else [f"{label} is {got!r}; expected {expected!r}"]
    if isinstance(expected, np.ndarray) and expected.shape != ():
        return _compare_array(label, got, expected, show_values)
    if _is_number(expected) or isinstance(expected, np.ndarray):
        return _compare_number(label, got, float(expected), show_values)
    same = type(got) is type(expected) and repr(got) == repr(expected)
    return [] if same else [f"{label} is {describe_type(got)}; expected {describe_type(expected)}"]


def _compare_array(label: str, got: Any, expected: np.ndarray, show_values: bool) -> list[str]:
    if not isinstance(got, np.ndarray):
        return [
            f"{label} is {describe_type(got)}; expected a numpy array of shape {expected.shape}"
        ]
    if got.shape != expected.shape:
        return [shape_problem(label, got.shape, expected.shape)]
    if not (np.issubdtype(got.dtype, np.number) or got.dtype == bool):
        return [f"{label} has dtype {got.dtype}; expected numbers"]
    got = got.astype(float)
    with np.errstate(invalid="ignore"):
        if (np.abs(got - expected) <= ATOL + RTOL * np.abs(expected)).all():
            return []  # the common case, checked without np.allclose's overhead
    if np.isfinite(expected).all() and not np.isfinite(got).all():
        return [f"{label} contains nan or inf; expected finite values"]
    return [f"{label} has wrong values: {_differing_entries(got, expected, show_values)}"]


def _compare_number(label: str, got: Any, expected: float, show_values: bool) -> list[str]:
    if isinstance(got, np.ndarray) and got.shape != ():
        return [f"{label} has shape {got.shape}; expected a single number (try np.squeeze)"]
    if not (_is_number(got) or isinstance(got, np.ndarray)):
        return [f"{label} is {describe_type(got)}; expected a number"]
    value = float(got)
    if math.isfinite(expected) and not math.isfinite(value):
        return [f"{label} is {value}; expected a finite number"]
    if math.isclose(value, expected, rel_tol=RTOL, abs_tol=ATOL):
        return []
    if show_values:
        return [f"{label} is {value!r}; expected {expected!r}"]
    error = abs(value - expected) / max(abs(expected), 1e-12)
    return [f"{label} is {value:.8g}, which is wrong (relative error {error:.1e})"]


def compare_outputs(
    outputs: str | tuple[str, ...], got: Any, expected: Any, *, show_values: bool = False
) -> list[str]:
    """Compare a whole return value, naming tuple elements by ``outputs``."""
    if isinstance(outputs, str):
        return compare(outputs, got, expected, show_values=show_values)
    if not isinstance(got, tuple | list) or len(got) != len(outputs):
        wanted = ", ".join(outputs)
        return [f"returned {describe_type(got)}; expected a tuple ({wanted})"]
    problems = []
    for name, item, wanted in zip(outputs, got, expected, strict=True):
        problems += compare(name, item, wanted, show_values=show_values)
    return problems


def pick(value: Any, path: Sequence[Any]) -> Any:
    """Follow a path of keys and indices into a nested output; raise LookupError if absent."""
    for step in path:
        if isinstance(value, Mapping | tuple | list | np.ndarray):
            value = value[step]
        else:
            raise LookupError(step)
    return value


def label_of(outputs: str | tuple[str, ...], path: Sequence[Any]) -> str:
    """Name the part of the output a path points at, as the student would write it."""
    steps = list(path)
    text = outputs if isinstance(outputs, str) else outputs[steps.pop(0)]
    return text + "".join(f"[{step!r}]" for step in steps)
