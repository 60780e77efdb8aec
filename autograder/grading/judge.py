"""Decide one hidden case in the grader process: the problems found, and hints for mistakes.

The verdict is data (:class:`~autograder.grading.results.CaseFailure`, or None for a pass);
``autograder.grading.feedback`` turns it into text.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import numpy as np

from autograder.grading.compare import compare, compare_outputs, label_of, pick
from autograder.grading.results import CaseFailure
from autograder.grading.schema import GradedFunction, HiddenCase, Mistake, Outcome
from autograder.sandbox.transport import digest

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
    return [hint for pattern, hint in extra + CRASH_HINTS if re.search(pattern, error)]


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
) -> CaseFailure | None:
    """Decide one case in the grader process: None when it passed, else what failed and why.

    A case fails on problems with the output, or on a hint alone (a second call answered
    differently); hints for recognised mistakes are added to any failure.
    """
    if outcome.error is not None:
        hints = crash_hints(outcome.error, spec.crash_hints)
        return CaseFailure(case.name, (outcome.error,), tuple(hints))
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
    hints: list[str] = []
    if outcome.reran and compare_outputs(spec.outputs, outcome.rerun_value, got):
        hints.append(
            "a second call with the same arguments returned something else; "
            "did you forget to set the random seed (np.random.seed) inside the function?"
        )
    if not problems and not hints:
        return None
    hints += _matching_hints(spec, reference, args, got)
    return CaseFailure(case.name, tuple(dict.fromkeys(problems)), tuple(dict.fromkeys(hints)))
