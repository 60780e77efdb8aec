"""The grader's view of the one comparison engine, ``support.compare``.

The visible checks and the grader word every difference, hint and tolerance the same way because
they run the same code: this module re-exports it, adding only what the grader alone meets, the
:class:`~autograder.sandbox.transport.Opaque` stand-ins for objects that could not travel back
from the sandbox.
"""

from __future__ import annotations

from typing import Any

from autograder.sandbox.transport import Opaque
from support import compare as engine
from support.compare import (
    ATOL,
    CRASH_HINTS,
    MAX_SHOWN_ENTRIES,
    RTOL,
    crash_hints,
    label_of,
    pick,
    render_case,
    shape_problem,
)

__all__ = [
    "ATOL",
    "CRASH_HINTS",
    "MAX_SHOWN_ENTRIES",
    "RTOL",
    "compare",
    "compare_outputs",
    "crash_hints",
    "describe_type",
    "label_of",
    "pick",
    "render_case",
    "shape_problem",
]


def describe_type(value: Any) -> str:
    """Name a value's type for a student, including values that arrived as :class:`Opaque`."""
    if isinstance(value, Opaque):
        hint = " (is a `= None` placeholder still there?)" if "object" in value.type_name else ""
        return f"a {value.type_name}{hint}"
    return engine.describe_type(value)


def compare(label: str, got: Any, expected: Any, *, show_values: bool = False) -> list[str]:
    """:func:`support.compare.compare`, naming Opaque stand-ins."""
    return engine.compare(label, got, expected, show_values=show_values, describe=describe_type)


def compare_outputs(
    outputs: str | tuple[str, ...], got: Any, expected: Any, *, show_values: bool = False
) -> list[str]:
    """:func:`support.compare.compare_outputs`, naming Opaque stand-ins."""
    return engine.compare_outputs(
        outputs, got, expected, show_values=show_values, describe=describe_type
    )
