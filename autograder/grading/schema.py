"""The format of hidden tests, and the comparison that turns a student's output into feedback.

How to write a hidden test module
---------------------------------
Each assignment has one module, ``autograder/lessons/<assignment id>/hidden_tests.py``; the
grader finds it by id (``load_hidden_tests``), so adding a lesson needs no change to the grader.
The module defines::

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

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from autograder.course.paths import ASSIGNMENT_ID


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
    """Import ``autograder.lessons.<assignment_id>.hidden_tests``; return its ``FUNCTIONS``."""
    if not ASSIGNMENT_ID.fullmatch(assignment_id):
        raise ValueError(f"not an assignment id: {assignment_id!r}")
    module = importlib.import_module(f"autograder.lessons.{assignment_id}.hidden_tests")
    return module.FUNCTIONS
