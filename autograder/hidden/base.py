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
* ``crash_hints`` pairs a regular expression with a hint, for errors typical of this function
  (matched against the error text, which quotes the student's failing line).
* ``modifies`` names the argument positions a function may legitimately change in place (only
  ``update_parameters`` in lesson 1); any other argument changed in place is a failure.
* ``cpu_seconds``, ``wall_seconds`` and ``memory_mb`` bound one function's sandboxed run; raise
  them for functions that train a model.

Outputs are labelled by ``GradedFunction.outputs``: a single name ("cost") for a single return
value, or one name per element of a returned tuple ("AL", "caches"); deeper parts get index and
key suffixes (``caches[0][1]``, ``parameters["W1"]``).
"""

from __future__ import annotations

import copy
import importlib
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograder.transport import Opaque, digest
from support.checks import describe_type as describe_plain_type
from support.checks import shape_problem

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


def spec_values(outputs: Mapping[str, Any]) -> dict[tuple, Any]:
    """Known values keyed the way ``HiddenCase.known`` addresses entries of a returned dict."""
    return {(key,): value for key, value in outputs.items()}


def tuple_values(outputs: Mapping[str, Any]) -> dict[tuple, Any]:
    """Known values keyed the way ``HiddenCase.known`` addresses a returned tuple, in order."""
    return {(index,): value for index, value in enumerate(outputs.values())}


@dataclass(frozen=True)
class GradedFunction:
    """Everything the grader needs to test one graded function."""

    outputs: str | tuple[str, ...]
    cases: tuple[HiddenCase, ...]
    mistakes: tuple[Mistake, ...] = ()
    modifies: frozenset[int] = frozenset()
    crash_hints: tuple[tuple[str, str], ...] = ()
    cpu_seconds: float = 1.0
    wall_seconds: float = 3.0
    memory_mb: int = 768


@dataclass
class Outcome:
    """What happened when the student's function ran on one case (plain data only)."""

    value: Any = None
    error: str | None = None
    args_digests: tuple[str, ...] | None = None
    rerun_value: Any = None
    reran: bool = False


def load_hidden_tests(assignment_id: str) -> dict[str, GradedFunction]:
    """Import ``autograder.hidden.<assignment_id>`` and return its ``FUNCTIONS`` registry."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", assignment_id):
        raise ValueError(f"not an assignment id: {assignment_id!r}")
    module = importlib.import_module(f"autograder.hidden.{assignment_id}")
    return module.FUNCTIONS


# Hints for crashes, matched against the error text: (pattern, hint).
CRASH_HINTS = (
    (r"NoneType", "a `= None` placeholder is probably still in your code"),
    (
        r"AssertionError.*assert \w+\.shape",
        "an array does not have the shape the assert expects: check the order of its dimensions "
        "(transposed?)",
    ),
    (r"KeyError: '[a-zA-Z]*0'", "layers are numbered 1 ... L: check the range of your loop"),
    (r"KeyError: 'dA\d+'", 'the gradient keys are "dA" + str(l), "dW" + str(l), "db" + str(l)'),
    (
        r"not aligned|matmul: Input operand|could not be broadcast",
        "the shapes do not fit: check the order of the product (np.dot(W, A)), transposes, "
        "and keepdims",
    ),
    (r"MemoryError", "your function tried to use more memory than the grader allows"),
    (r"File too large", "your function printed or wrote more than the grader allows"),
)


def crash_hints(error: str, extra: tuple[tuple[str, str], ...] = ()) -> list[str]:
    """Hints for an error message: the function's own ``extra`` first, then :data:`CRASH_HINTS`."""
    return [f"Hint: {hint}" for pattern, hint in extra + CRASH_HINTS if re.search(pattern, error)]


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
    """Compare each argument's digest after the call with the digest of what was passed."""
    if after is None:
        return []
    problems = []
    for index, (before, now) in enumerate(zip(args, after, strict=False)):
        if index not in modifies and digest(before) != now:
            problems.append(
                f"argument {index + 1} was changed in place; a graded function must not modify "
                "the arrays it is given (work on a copy or build new arrays)"
            )
    return problems


def _matches(spec: GradedFunction, mistake: Mistake, reference: Any, args: tuple, got: Any) -> bool:
    """Whether the student's output is what this typical wrong implementation gives."""
    try:
        with np.errstate(all="ignore"):
            if mistake.output is not None:
                return not compare_outputs(spec.outputs, got, mistake.output(reference, *args))
            return bool(mistake.test(reference, args, got))
    except Exception:  # a recipe that does not apply to this output
        return False


def _matching_hints(spec: GradedFunction, reference: Any, args: tuple, got: Any) -> list[str]:
    return [m.hint for m in spec.mistakes if _matches(spec, m, reference, copy.deepcopy(args), got)]


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
        return [outcome.error, *crash_hints(outcome.error, spec.crash_hints)]
    got = outcome.value
    problems = compare_outputs(spec.outputs, got, expected, show_values=case.documented)
    for path, value in case.known.items() if not problems else ():
        problems += compare(label_of(spec.outputs, path), pick(got, path), np.asarray(value))
    if not problems:
        for check in case.checks:
            try:
                problems += check(args, got)
            except Exception as error:
                problems.append(f"a property check could not run on your output ({error})")
    problems += _changed_arguments(args, outcome.args_digests, spec.modifies)
    if outcome.reran and compare_outputs(spec.outputs, outcome.rerun_value, got):
        problems.append(
            "Hint: a second call with the same arguments returned something else; "
            "did you forget to set the random seed (np.random.seed) inside the function?"
        )
    if problems:
        problems += [f"Hint: {hint}" for hint in _matching_hints(spec, reference, args, got)]
    return list(dict.fromkeys(problems))


def format_case(case_name: str, problems: list[str], limit: int = 3) -> str:
    """One case's feedback: its name, at most ``limit`` problems, then every hint."""
    found = [p for p in problems if not p.startswith("Hint:")]
    hints = [p for p in problems if p.startswith("Hint:")]
    shown = found[:limit]
    if len(found) > limit:
        shown.append(f"... and {len(found) - limit} more problems in this case")
    return f"[{case_name}] " + "\n    ".join(shown + hints)


# ---------------------------------------------------- building blocks shared by the lessons


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


def wrong_update(layers: Callable[[int], range], sign: float = -1.0, biases: bool = True):
    """A known-mistake output: gradient descent over the wrong layers, sign or parameters."""

    def wrong(ref, parameters, grads, learning_rate):
        updated = dict(parameters)
        for l in layers(len(parameters) // 2):
            updated[f"W{l}"] = parameters[f"W{l}"] + sign * learning_rate * grads[f"dW{l}"]
            if biases:
                updated[f"b{l}"] = parameters[f"b{l}"] + sign * learning_rate * grads[f"db{l}"]
        return updated

    return wrong
