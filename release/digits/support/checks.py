"""Machinery for the visible checks students run after each graded function.

A check calls the student's function on a few named cases and compares what comes back with
expected values, through the same engine and wording as the grader (``support.compare``): a bare
``AssertionError`` teaches nothing, and two voices for one mistake confuse. All problems of all
cases are collected first and reported together, as a short list: in a notebook the failure shows
that list and no traceback through the kit's files, and the cell still ends in an error, so "Run
All" stops there.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from support.compare import (
    compare,
    crash_hints,
    describe_crash,
    describe_type,
    render_case,
)

__all__ = [
    "PASSED",
    "Case",
    "CheckFailed",
    "Mismatch",
    "call_checked",
    "describe_crash",
    "describe_type",
    "expect_array",
    "expect_arrays",
    "expect_keys",
    "expect_scalar",
    "expect_shape",
    "expect_tuple",
    "run_cases",
    "same_values",
    "unchanged",
]

PASSED = "\033[92mAll tests passed.\033[0m"
# Whether the case being checked is the documented one (each check's first case): its expected
# values are printed in the notebook already, so a failure may show them in full, as the grader
# does for the documented case; other cases show shapes and a few differing entries.
SHOW_VALUES: ContextVar[bool] = ContextVar("SHOW_VALUES", default=True)
RED = "\033[1;31m"
RESET = "\033[0m"


@dataclass(frozen=True)
class CaseProblems:
    """What went wrong in one case: problems with the output, and hints on what to change."""

    case: str
    problems: tuple[str, ...]
    hints: tuple[str, ...] = ()


class CheckFailed(AssertionError):
    """A visible check found mistakes; the message lists each one in plain words.

    IPython shows an exception through its ``_render_traceback_`` when it has one: here that is
    the list of problems alone, so a student reads what is wrong instead of the kit's internals.
    """

    def __init__(self, function_name: str, failures: Sequence[CaseProblems], cases: int) -> None:
        self.function_name = function_name
        self.failures = tuple(failures)
        self.headline = f"{function_name} failed {len(failures)} of {cases} visible cases:"
        self.lines = [render_case(f.case, f.problems, f.hints) for f in self.failures]
        super().__init__("\n".join([self.headline, *self.lines]))

    def _render_traceback_(self) -> list[str]:
        return [f"{RED}{self.headline}{RESET}", *"\n".join(self.lines).splitlines()]


class Mismatch(Exception):
    """One comparison failed; raised inside a case and collected by :func:`run_cases`."""

    def __init__(self, *problems: str, hints: Sequence[str] = ()) -> None:
        super().__init__("; ".join(problems))
        self.problems = tuple(problems)
        self.hints = tuple(hints)


@dataclass
class Case:
    """One named call of the student's function and the comparisons to run on its result."""

    name: str
    run: Callable[[Callable[..., Any]], Any]
    verify: Callable[[Any], None]
    notes: list[str] = field(default_factory=list)


def expect(label: str, got: Any, expected: Any) -> None:
    """Compare anything (arrays, numbers, dicts, tuples) with the engine; raise what differs."""
    problems = compare(label, got, expected, show_values=SHOW_VALUES.get())
    if problems:
        raise Mismatch(*problems)


def expect_array(label: str, got: Any, expected: Any) -> None:
    """Compare one array: type, then shape, then values, each with its own message."""
    expect(label, got, np.asarray(expected, dtype=float))


def expect_shape(label: str, got: Any, shape: tuple[int, ...]) -> None:
    """Check only that ``got`` is an array of the given shape (when its values are unknown)."""
    if not isinstance(got, np.ndarray):
        raise Mismatch(f"{label} is {describe_type(got)}; expected a numpy array of shape {shape}")
    if got.shape != shape:
        expect(label, got, np.zeros(shape))  # the engine's words for a wrong shape


def expect_scalar(label: str, got: Any, expected: float) -> None:
    """Compare a number that may come back as a Python float or a 0-d array."""
    expect(label, got, float(expected))


def expect_keys(label: str, got: Any, keys: Iterable[str]) -> None:
    """Check that a dictionary has exactly the expected keys."""
    if not isinstance(got, Mapping):
        raise Mismatch(f"{label} is {describe_type(got)}; expected a dictionary")
    expect(label, {key: None for key in got}, dict.fromkeys(keys))


def expect_arrays(label: str, got: Any, expected: Mapping[str, Any]) -> None:
    """Check a dictionary of arrays: its keys, then every array under its own name."""
    expect(label, got, {key: np.asarray(value, dtype=float) for key, value in expected.items()})


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


def run_case(
    name: str, function: Callable[..., Any], case: Case, documented: bool
) -> CaseProblems | None:
    """Run one case; None when it passed, else its problems and hints."""
    token = SHOW_VALUES.set(documented)
    try:
        case.verify(case.run(function))
    except Mismatch as mismatch:
        return CaseProblems(case.name, mismatch.problems, mismatch.hints)
    except Exception as error:  # the student's code may raise anything
        crash = describe_crash(name, error)
        return CaseProblems(case.name, (crash,), tuple(crash_hints(crash)))
    finally:
        SHOW_VALUES.reset(token)
    return None


def run_cases(function: Callable[..., Any], cases: Iterable[Case]) -> None:
    """Run every case, collect every problem, and print success or raise one clear failure."""
    __tracebackhide__ = True  # pytest: start the report at the check, not inside it
    name = getattr(function, "__name__", "the function")
    cases = list(cases)
    outcomes = [run_case(name, function, case, index == 0) for index, case in enumerate(cases)]
    failures = [outcome for outcome in outcomes if outcome is not None]
    if failures:
        raise CheckFailed(name, failures, len(cases)) from None
    print(PASSED)
