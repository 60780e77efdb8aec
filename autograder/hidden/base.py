"""The format of hidden tests, and the comparison that turns a student's output into feedback.

How to write a hidden test module
---------------------------------
Each assignment has one module, ``autograder/hidden/<assignment id>.py``; the grader finds it by
id (``load_hidden_tests``), so adding a lesson needs no change to the grader. The module defines::

    FUNCTIONS: dict[str, GradedFunction]   # graded function name -> its hidden tests

A :class:`GradedFunction` lists the :class:`HiddenCase` objects to run and the :class:`Mistake`
objects that recognise typical wrong answers. The rules that keep grading safe and fair:

* ``HiddenCase.args`` is a zero-argument function, run in the trusted grader process, returning the
  positional arguments as *plain data*: numpy arrays, numbers, strings, None, and lists, tuples and
  dicts of those. They are sent to the sandboxed child as arrays plus JSON, so nothing else works.
* The expected output is never written by hand: it is the reference implementation's output (the
  graded cell of the solved notebook ``source/<id>/<id>.ipynb``) on those arguments, computed in
  the grader process, so the student's process never sees it. ``known`` adds values from SPEC.md
  that the output must also match, and ``checks`` adds independent property checks (for example a
  numerical gradient); both are run on the student's output in the grader process.
* One case per function should be the documented one (``documented=True``): its values may be
  printed in full. Every other case is hidden: feedback shows shapes and a few differing entries,
  never the whole input or the whole expected value.
* A :class:`Mistake` is a typical wrong implementation written as a function
  ``output(ref, *args)`` returning what that wrong implementation returns (``ref`` holds the
  reference functions by name), or as a predicate ``test(ref, args, got)``. When a failing output
  matches it, the student gets its hint.
* ``modifies`` names the argument positions a function may legitimately change in place (only
  ``update_parameters`` in lesson 1); any other argument changed in place is a failure.
* ``cpu_seconds``, ``wall_seconds`` and ``memory_mb`` bound one function's sandboxed run; raise
  them for functions that train a model.

Outputs are labelled by ``GradedFunction.outputs``: a single name ("cost") for a single return
value, or one name per element of a returned tuple ("AL", "caches"); deeper parts get index and
key suffixes (``caches[0][1]``, ``parameters["W1"]``).
"""

from __future__ import annotations

import importlib
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from support.checks import describe_type, shape_problem

# Comparisons use the same tolerances as the visible checks: tight enough to catch a missing
# factor, loose enough for a different but correct order of floating-point operations.
ATOL = 1e-7
RTOL = 1e-5
MAX_SHOWN_ENTRIES = 3


@dataclass(frozen=True)
class Mistake:
    """A typical wrong implementation and the hint a student who made it should read."""

    hint: str
    output: Callable[..., Any] | None = None
    test: Callable[[Any, tuple, Any], bool] | None = None


@dataclass(frozen=True)
class HiddenCase:
    """One call of the graded function: its arguments and what its output must satisfy."""

    name: str
    args: Callable[[], tuple]
    documented: bool = False
    known: Mapping[tuple, Any] = field(default_factory=dict)
    checks: tuple[Callable[[tuple, Any], list[str]], ...] = ()


@dataclass(frozen=True)
class GradedFunction:
    """Everything the grader needs to test one graded function."""

    outputs: str | tuple[str, ...]
    cases: tuple[HiddenCase, ...]
    mistakes: tuple[Mistake, ...] = ()
    modifies: frozenset[int] = frozenset()
    cpu_seconds: float = 2.0
    wall_seconds: float = 4.0
    memory_mb: int = 768


@dataclass
class Outcome:
    """What happened when the student's function ran on one case (plain data only)."""

    value: Any = None
    error: str | None = None
    args_after: tuple | None = None
    rerun_value: Any = None
    reran: bool = False


class Opaque:
    """Stands in for an object the student returned that cannot travel as plain data."""

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<{self.type_name} object>"


def load_hidden_tests(assignment_id: str) -> dict[str, GradedFunction]:
    """Import ``autograder.hidden.<assignment_id>`` and return its ``FUNCTIONS`` registry."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", assignment_id):
        raise ValueError(f"not an assignment id: {assignment_id!r}")
    module = importlib.import_module(f"autograder.hidden.{assignment_id}")
    return module.FUNCTIONS


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
                problems += compare(f"{label}[{key!r}]", got[key], expected[key], show_values=show_values)
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
    return _compare_number(label, got, float(expected), show_values)


def _compare_array(label: str, got: Any, expected: np.ndarray, show_values: bool) -> list[str]:
    if not isinstance(got, np.ndarray):
        return [f"{label} is {describe_type(got)}; expected a numpy array of shape {expected.shape}"]
    if got.shape != expected.shape:
        return [shape_problem(label, got.shape, expected.shape)]
    if not (np.issubdtype(got.dtype, np.number) or got.dtype == bool):
        return [f"{label} has dtype {got.dtype}; expected numbers"]
    got = got.astype(float)
    if np.all(np.isfinite(expected)) and not np.all(np.isfinite(got)):
        return [f"{label} contains nan or inf; expected finite values"]
    if np.allclose(got, expected, atol=ATOL, rtol=RTOL):
        return []
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
        if isinstance(value, Mapping):
            value = value[step]
        elif isinstance(value, tuple | list | np.ndarray):
            value = value[step]
        else:
            raise LookupError(step)
    return value


def label_of(outputs: str | tuple[str, ...], path: Sequence[Any]) -> str:
    """Name the part of the output a path points at, as the student would write it."""
    steps = list(path)
    if isinstance(outputs, str):
        text = outputs
    else:
        text = outputs[steps.pop(0)]
    return text + "".join(f"[{step!r}]" for step in steps)


def _changed_arguments(args: tuple, after: tuple | None, modifies: frozenset[int]) -> list[str]:
    if after is None:
        return []
    problems = []
    for index, (before, now) in enumerate(zip(args, after, strict=False)):
        if index not in modifies and compare("", now, before):
            problems.append(
                f"argument {index + 1} was changed in place; a graded function must not modify "
                "the arrays it is given (work on a copy or build new arrays)"
            )
    return problems


def _matching_hints(
    spec: GradedFunction, reference: Any, args: tuple, got: Any
) -> list[str]:
    hints = []
    for mistake in spec.mistakes:
        try:
            if mistake.output is not None:
                wrong = mistake.output(reference, *args)
                matched = not compare_outputs(spec.outputs, got, wrong)
            else:
                matched = bool(mistake.test(reference, args, got))
        except Exception:  # a mistake recipe that does not apply to this output
            matched = False
        if matched:
            hints.append(mistake.hint)
    return hints


def judge(
    spec: GradedFunction,
    case: HiddenCase,
    args: tuple,
    expected: Any,
    outcome: Outcome,
    reference: Any,
) -> list[str]:
    """Decide one case in the grader process: the list of problems (empty means passed).

    Hints for recognised mistakes come last, prefixed with "Hint:".
    """
    if outcome.error is not None:
        return [outcome.error]
    got = outcome.value
    problems = compare_outputs(spec.outputs, got, expected, show_values=case.documented)
    for path, value in case.known.items():
        try:
            part = pick(got, path)
        except Exception:
            continue  # the structural problem is already reported by compare_outputs
        problems += compare(label_of(spec.outputs, path), part, np.asarray(value))
    if not problems:
        for check in case.checks:
            try:
                problems += check(args, got)
            except Exception as error:
                problems.append(f"a property check could not run on your output ({error})")
    problems += _changed_arguments(args, outcome.args_after, spec.modifies)
    if outcome.reran and compare_outputs(spec.outputs, outcome.rerun_value, got):
        problems.append(
            "Hint: a second call with the same arguments returned something else; "
            "did you forget to set the random seed (np.random.seed) inside the function?"
        )
    if problems:
        problems += [f"Hint: {hint}" for hint in _matching_hints(spec, reference, args, got)]
    return list(dict.fromkeys(problems))
