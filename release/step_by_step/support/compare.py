"""The one comparison engine: what the visible checks and the grader say about an output.

Both sides describe a wrong output with the same words, the same hints and the same tolerance,
so a student who reads a visible check and then the grader's feedback on the same mistake reads
the same sentence twice. It lives here, in the public ``support`` package, because the visible
checks ship with every release; the grader imports it from here.

Nothing here knows an answer: every function compares what a student's code returned with an
expected value that the caller supplies (a documented constant in a visible check, the reference's
output computed in the grader's process for a hidden case). Values are shown in full only with
``show_values=True`` (the visible and documented cases); otherwise shapes and a few differing
entries, never a whole expected array.
"""

from __future__ import annotations

import math
import re
import traceback
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

# One tolerance everywhere: tight enough to catch a missing factor, loose enough for a different
# but correct order of floating-point operations (np.dot against a loop, float32 sums aside).
ATOL = 1e-7
RTOL = 1e-5
MAX_SHOWN_ENTRIES = 3
# A student's error message can be long (a huge array printed in it); one line of it is enough.
MAX_ERROR_MESSAGE = 160

Describe = Callable[[Any], str]


def describe_type(value: Any) -> str:
    """Name a value's type the way a student would recognise it."""
    if value is None:
        return "None (is a `= None` placeholder still there?)"
    if isinstance(value, np.ndarray):
        return f"a numpy array of shape {value.shape}"
    return f"a {type(value).__name__}"


def shape_problem(label: str, got: tuple[int, ...], expected: tuple[int, ...]) -> str:
    """Word a shape mismatch, naming the shape mistakes students make most.

    A column (n, 1) that came back as (n,) or as a bare number lost its second axis in a sum:
    that is the keepdims hint, and then no other hint follows.
    """
    column = len(expected) == 2 and expected[1] == 1
    if column and (got == (expected[0],) or (expected[0] == 1 and got in ((), (1,)))):
        return (
            f"{label}: keepdims lost: shape {got}; expected {expected}"
            " (sum with keepdims=True, or reshape to a column)"
        )
    hint = " (transposed?)" if len(got) > 1 and got == expected[::-1] else ""
    return f"{label} has shape {got}; expected {expected}{hint}"


def is_number(value: Any) -> bool:
    """A real number that is not a bool (``True`` is an int to Python, not to a student)."""
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


MAX_KEYS_SHOWN = 12  # a deep network's W and b keys are still listed in full


def describe_keys(keys: list) -> str:
    """A list of dictionary keys in words; a long one as a count and a few examples."""
    if len(keys) <= MAX_KEYS_SHOWN:
        return f"keys {keys}"
    shown = ", ".join(repr(key)[:40] for key in keys[:3])
    return f"{len(keys)} keys, e.g. {shown}, ..."


def compare(
    label: str,
    got: Any,
    expected: Any,
    *,
    show_values: bool = False,
    describe: Describe = describe_type,
) -> list[str]:
    """List every way ``got`` differs from ``expected``, recursing into dicts and tuples.

    ``describe`` names a wrong value's type; the grader passes one that also knows the stand-ins
    its transport uses for objects that cannot travel.
    """
    if isinstance(expected, Mapping):
        if not isinstance(got, Mapping):
            return [f"{label} is {describe(got)}; expected a dictionary"]
        missing = sorted(set(expected) - set(got), key=str)
        extra = sorted(set(got) - set(expected), key=str)
        problems = []
        if missing:
            problems.append(f"{label} is missing {describe_keys(missing)}")
        if extra:
            problems.append(f"{label} has unexpected {describe_keys(extra)}")
        for key in expected:
            if key in got:
                problems += compare(
                    f"{label}[{key!r}]",
                    got[key],
                    expected[key],
                    show_values=show_values,
                    describe=describe,
                )
        return problems
    if isinstance(expected, tuple | list):
        if not isinstance(got, tuple | list):
            return [f"{label} is {describe(got)}; expected a tuple of {len(expected)} items"]
        if len(got) != len(expected):
            return [f"{label} has {len(got)} items; expected {len(expected)}"]
        problems = []
        for index, (item, wanted) in enumerate(zip(got, expected, strict=True)):
            problems += compare(
                f"{label}[{index}]", item, wanted, show_values=show_values, describe=describe
            )
        return problems
    if isinstance(expected, str) or expected is None:
        return [] if got == expected else [f"{label} is {got!r}; expected {expected!r}"]
    if isinstance(expected, np.ndarray) and expected.shape != ():
        return _compare_array(label, got, expected, show_values, describe)
    if is_number(expected) or isinstance(expected, np.ndarray):
        return _compare_number(label, got, float(expected), show_values, describe)
    same = type(got) is type(expected) and repr(got) == repr(expected)
    return [] if same else [f"{label} is {describe(got)}; expected {describe(expected)}"]


def _compare_array(
    label: str, got: Any, expected: np.ndarray, show_values: bool, describe: Describe
) -> list[str]:
    if not isinstance(got, np.ndarray):
        return [f"{label} is {describe(got)}; expected a numpy array of shape {expected.shape}"]
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


def _compare_number(
    label: str, got: Any, expected: float, show_values: bool, describe: Describe
) -> list[str]:
    if isinstance(got, np.ndarray) and got.shape != ():
        return [f"{label} has shape {got.shape}; expected a single number (try np.squeeze)"]
    if isinstance(got, np.ndarray):
        got = got[()]  # a 0-d array holds one value, possibly a leftover placeholder
    if not is_number(got):
        return [f"{label} is {describe(got)}; expected a number"]
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
    outputs: str | tuple[str, ...],
    got: Any,
    expected: Any,
    *,
    show_values: bool = False,
    describe: Describe = describe_type,
) -> list[str]:
    """Compare a whole return value, naming tuple elements by ``outputs``."""
    if isinstance(outputs, str):
        return compare(outputs, got, expected, show_values=show_values, describe=describe)
    if not isinstance(got, tuple | list) or len(got) != len(outputs):
        wanted = ", ".join(outputs)
        return [f"returned {describe(got)}; expected a tuple ({wanted})"]
    problems = []
    for name, item, wanted in zip(outputs, got, expected, strict=True):
        problems += compare(name, item, wanted, show_values=show_values, describe=describe)
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


# ------------------------------------------------------------------------------------- crashes

# Hints for a crash, matched against its description (which quotes the student's failing line).
# A specific hint says what to change; a generic one only where to look, so a generic hint is
# given only when no specific one matched.
SPECIFIC_CRASH_HINTS: tuple[tuple[str, str], ...] = (
    (
        r"assert db\w*\.shape == b\w*\.shape",
        "db must keep the column shape of b, (n, 1): sum dZ over the examples (axis=1) "
        "with keepdims=True",
    ),
    (r"KeyError: '[a-zA-Z]*0'", "layers are numbered 1 ... L: check the range of your loop"),
    (r"KeyError: 'dA\d+'", 'the gradient keys are "dA" + str(l), "dW" + str(l), "db" + str(l)'),
    (r"MemoryError", "your function tried to use more memory than the grader allows"),
    (r"File too large", "your function printed or wrote more than the grader allows"),
)
GENERIC_CRASH_HINTS: tuple[tuple[str, str], ...] = (
    (r"NoneType", "a `= None` placeholder is probably still in your code"),
    (
        r"AssertionError.*assert \w+\.shape",
        "an array does not have the shape the assert expects: check the order of its dimensions "
        "(transposed?)",
    ),
    (
        r"not aligned|matmul: Input operand|could not be broadcast",
        "the shapes do not fit: check the order of the product (np.dot(W, A)), transposes, "
        "and keepdims",
    ),
)
CRASH_HINTS = SPECIFIC_CRASH_HINTS + GENERIC_CRASH_HINTS


def crash_hints(error: str, extra: tuple[tuple[str, str], ...] = ()) -> list[str]:
    """Hints for a crash: ``extra`` (the function's own) and specific ones, else generic ones."""
    specific = [hint for pattern, hint in extra + SPECIFIC_CRASH_HINTS if re.search(pattern, error)]
    if specific:
        return specific
    return [hint for pattern, hint in GENERIC_CRASH_HINTS if re.search(pattern, error)]


SHAPE_ASSERT = re.compile(r"assert\s+(\w+)\.shape\s*==\s*(\w+)\.shape")


def _own_frames(function_name: str, error: BaseException) -> list[traceback.FrameSummary]:
    """The frames of the student's code: their function, and cells compiled from their text
    (not the kit's reference, which the in-process grading path compiles as ``<reference ...>``)."""
    frames = traceback.extract_tb(error.__traceback__)
    return [
        frame
        for frame in frames
        if (
            frame.name == function_name
            or frame.filename.startswith("<")
            or "ipykernel_" in frame.filename
        )
        and not frame.filename.startswith("<reference")
    ]


def _asserted_shapes(error: BaseException, line: str) -> str:
    """For a failed ``assert X.shape == Y.shape``: the two shapes, read from the failing frame."""
    match = SHAPE_ASSERT.search(line)
    tb = error.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if match is None or tb is None:
        return ""
    names = match.groups()
    shapes = [getattr(tb.tb_frame.f_locals.get(name), "shape", None) for name in names]
    if any(shape is None for shape in shapes):
        return ""
    return f" ({names[0]} has shape {shapes[0]}, {names[1]} has shape {shapes[1]})"


def describe_crash(function_name: str, error: BaseException) -> str:
    """Say what a student's function raised, and on which of their lines.

    A failed shape assert also names the two shapes, which is usually the whole diagnosis.
    """
    if isinstance(error, SystemExit):
        return f"{function_name} tried to end the process (sys.exit / exit)"
    frames = _own_frames(function_name, error)
    line = frames[-1].line if frames and frames[-1].line else ""
    where = f" at line `{line}`" if line else ""
    if isinstance(error, AssertionError) and line:
        where += _asserted_shapes(error, line)
    lines = str(error).strip().splitlines()
    message = f": {lines[0][:MAX_ERROR_MESSAGE]}" if lines else ""
    return f"{function_name} raised {type(error).__name__}{message}{where}"


# ------------------------------------------------------------------------------------ feedback


MAX_PROBLEMS_SHOWN = 3  # per case: the first few problems say enough, the rest is noise


def render_case(case: str, problems: Sequence[str], hints: Sequence[str]) -> str:
    """One failed case as the grader's feedback lays it out: name and problems, then hints."""
    items = list(problems[:MAX_PROBLEMS_SHOWN])
    if len(problems) > MAX_PROBLEMS_SHOWN:
        items.append(f"... and {len(problems) - MAX_PROBLEMS_SHOWN} more problems in this case")
    items += [f"Hint: {hint}" for hint in hints]
    return f"[{case}] " + "\n    ".join(items)
