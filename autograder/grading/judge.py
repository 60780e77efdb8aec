"""Decide one hidden case in the grader process: the problems found, and hints for mistakes.

The verdict is data (:class:`~autograder.grading.results.CaseFailure`, or None for a pass);
``autograder.grading.feedback`` turns it into text.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from autograder.grading.compare import compare, compare_outputs, crash_hints, label_of, pick
from autograder.grading.feedback import clip
from autograder.grading.results import CaseFailure
from autograder.grading.schema import GradedFunction, HiddenCase, Mistake, Outcome


def _unchanged(before: Any, after: Any) -> bool:
    """Whether ``after`` is exactly ``before``: same structure and dict keys; arrays of the same
    dtype, shape and bytes; equal plain values (nan equal to nan).

    Walks ``before`` (the grader's own copy of the arguments) without recursion, stopping at the
    first difference, so the work is bounded by the case's arguments whatever came back.
    """
    pending = [(before, after)]
    while pending:
        old, new = pending.pop()
        if isinstance(old, np.ndarray | np.generic):
            same = (
                isinstance(new, np.ndarray | np.generic)
                and isinstance(new, np.generic) == isinstance(old, np.generic)
                and new.dtype == old.dtype
                and new.shape == old.shape
                and np.asarray(new).tobytes() == np.asarray(old).tobytes()
            )
        elif isinstance(old, dict):
            same = isinstance(new, dict) and len(new) == len(old) and all(k in new for k in old)
            pending += [(old[key], new[key]) for key in old] if same else []
        elif isinstance(old, list | tuple):
            same = type(new) is type(old) and len(new) == len(old)
            pending += list(zip(old, new, strict=True)) if same else []
        elif isinstance(old, float):
            same = type(new) is type(old) and (new == old or (new != new and old != old))
        else:
            same = type(new) is type(old) and new == old
        if not same:
            return False
    return True


def _changed_arguments(args: tuple, after: tuple | None, modifies: frozenset[int]) -> list[str]:
    """Compare each argument as the call left it with the grader's own copy of what was passed.

    An argument missing from what came back counts as changed.
    """
    if after is None:
        return []
    missing = object()
    problems = []
    for index, before in enumerate(args):
        now = after[index] if index < len(after) else missing
        if index not in modifies and not _unchanged(before, now):
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
        error = clip(outcome.error)  # child text: short before any pattern sees it
        return CaseFailure(case.name, (error,), tuple(crash_hints(error, spec.crash_hints)))
    got = outcome.value
    problems = compare_outputs(spec.outputs, got, expected, show_values=case.documented)
    for path, value in case.known.items() if not problems else ():
        problems += compare(label_of(spec.outputs, path), pick(got, path), np.asarray(value))
    if not problems:
        for check in case.checks:
            try:
                problems += check(args, got)
            except Exception as error:  # its message may quote the output: clipped below
                problems.append(f"a property check could not run on your output ({error})")
    problems += _changed_arguments(args, outcome.args_after, spec.modifies)
    hints: list[str] = []
    if outcome.reran and compare_outputs(spec.outputs, outcome.rerun_value, got):
        hints.append(
            "a second call with the same arguments returned something else; "
            "did you forget to set the random seed (np.random.seed) inside the function?"
        )
    if not problems and not hints:
        return None
    hints += _matching_hints(spec, reference, args, got)
    # Problems quote the output (strings, dictionary keys, type names): clipped like all child text.
    problems = [clip(problem) for problem in problems]
    return CaseFailure(case.name, tuple(dict.fromkeys(problems)), tuple(dict.fromkeys(hints)))
