"""The format of hidden tests: cases, graded functions, typical mistakes, what a child sent back.

How to write a hidden test module
---------------------------------
Each assignment has one module, ``autograder/lessons/<assignment id>/hidden_tests.py``; the
grader finds it by id (``load_hidden_tests``), so adding a lesson needs no change to the grader.
The module defines::

    FUNCTIONS: dict[str, GradedFunction]   # graded function name -> its hidden tests

A :class:`GradedFunction` lists the :class:`HiddenCase` objects to run and the :class:`Mistake`
objects that recognise typical wrong answers. The rules that keep grading safe and fair:

* A case's arguments are built in the trusted grader process as *plain data*: numpy arrays,
  numbers, strings, None, and lists, tuples and dicts of those. They are sent to the sandboxed
  child as arrays plus JSON, so nothing else works. A case gives them one of two ways:

  - ``draw(rng)``: drawn per submission from a ``numpy.random.Generator`` seeded with
    HMAC-SHA256(course secret, "<assignment>/<function>/<case name>/<identity>")
    (``autograder.grading.cases``). Expected values glimpsed in one student's feedback are then
    worth nothing to another, and a regrade (same secret, same identity) draws the same inputs bit
    for bit. Draw every random value from ``rng`` (never ``np.random``), and shapes too where the
    function's documented contract allows: SPEC.md and the notebook's docstring bound every case
    (lesson 1's network ends in ONE sigmoid unit, so its AL is always (1, m)). The case's name is
    part of the seed and is shown in feedback: it names the kind of case, not its sizes.
  - ``args()``: fixed arguments, the same for everyone. Only for the documented case (SPEC's
    values, printed in the notebook), cases whose ``known`` values come from SPEC.md for those
    exact inputs, and hand-made edge cases whose point is their exact values. Each lesson's module
    docstring lists its fixed hidden cases.
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

import numpy as np

from autograder.course.paths import ASSIGNMENT_ID


@dataclass(frozen=True)
class Mistake:
    """A typical wrong implementation and the hint a student who made it should read."""

    hint: str
    output: Callable[..., Any] | None = None
    test: Callable[[Any, tuple, Any], bool] | None = None


@dataclass(frozen=True)
class HiddenCase:
    """One call of the graded function: its arguments and what its output must satisfy.

    Give ``args`` (fixed arguments) or ``draw`` (arguments drawn per submission), not both: a
    documented case is fixed, and so is a case with ``known`` values (they hold for fixed inputs).
    """

    name: str
    args: Callable[[], tuple] | None = None
    documented: bool = False
    known: Mapping[tuple, Any] = field(default_factory=dict)
    checks: tuple[Callable[[tuple, Any], list[str]], ...] = ()
    draw: Callable[[np.random.Generator], tuple] | None = None

    def __post_init__(self) -> None:
        if (self.args is None) == (self.draw is None):
            raise ValueError(f"hidden case {self.name!r}: give exactly one of args and draw")
        if self.draw is not None and (self.documented or self.known):
            raise ValueError(
                f"hidden case {self.name!r}: a documented case or one with known values is fixed"
            )

    @property
    def drawn(self) -> bool:
        """Whether this case's arguments differ from one submission to the next."""
        return self.draw is not None

    def arguments(self, rng: np.random.Generator) -> tuple:
        """The positional arguments: drawn from ``rng``, or the fixed ones (``rng`` unused)."""
        if self.draw is not None:
            return self.draw(rng)
        assert self.args is not None  # __post_init__ guarantees one of the two
        return self.args()


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
    """What happened when the student's function ran on one case (plain data only).

    ``args_after`` holds the arguments as the call left them (None when unknown): the grader
    compares them with its own copy of the case's arguments, so whether the function changed its
    inputs is decided here, never by anything computed where the student's code ran.
    """

    value: Any = None
    error: str | None = None
    args_after: tuple | None = None
    rerun_value: Any = None
    reran: bool = False


def load_hidden_tests(assignment_id: str) -> dict[str, GradedFunction]:
    """Import ``autograder.lessons.<assignment_id>.hidden_tests``; return its ``FUNCTIONS``."""
    if not ASSIGNMENT_ID.fullmatch(assignment_id):
        raise ValueError(f"not an assignment id: {assignment_id!r}")
    module = importlib.import_module(f"autograder.lessons.{assignment_id}.hidden_tests")
    return module.FUNCTIONS
