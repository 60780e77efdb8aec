"""Decide one hidden case in the grader process: the problems found, and hints for mistakes.

The verdict is data (:class:`~autograder.grading.results.CaseFailure`, or None for a pass);
``autograder.grading.feedback`` turns it into text.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import numpy as np

from autograder.grading.compare import (
    ATOL,
    RTOL,
    compare,
    compare_outputs,
    crash_hints,
    label_of,
    pick,
)
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


def _differ(first: Any, second: Any) -> bool:
    """Whether two outputs of the same call differ in value, whatever their structure.

    Arrays differ beyond the comparison's tolerance (nan equal to nan), dictionaries in their keys
    or values, sequences in length or items, anything else when unequal. Only the two runs are
    compared with each other: an output of the wrong structure, returned the same way twice, does
    not differ.
    """
    pending = [(first, second)]
    while pending:
        one, other = pending.pop()
        if isinstance(one, np.ndarray | np.generic) or isinstance(other, np.ndarray | np.generic):
            try:
                a, b = np.asarray(one), np.asarray(other)
                if a.shape != b.shape:
                    return True
                if a.dtype.kind in "biufc" and b.dtype.kind in "biufc":
                    if not np.allclose(a, b, atol=ATOL, rtol=RTOL, equal_nan=True):
                        return True
                elif not np.array_equal(a, b):
                    return True
            except (TypeError, ValueError):
                return True
        elif isinstance(one, dict):
            if not isinstance(other, dict) or set(one) != set(other):
                return True
            pending += [(one[key], other[key]) for key in one]
        elif isinstance(one, list | tuple):
            if type(other) is not type(one) or len(other) != len(one):
                return True
            pending += list(zip(one, other, strict=True))
        elif isinstance(one, float) and isinstance(other, float):
            if not (one == other or (one != one and other != other)):
                return True
        elif type(one) is not type(other) or repr(one) != repr(other):
            return True
    return False


_KEY = re.compile(r"([A-Za-z_]+)(\d+)")


def _key_map(got: dict, expected: dict) -> dict | None:
    """Rename ``got``'s keys to ``expected``'s when a consistent renaming explains the difference:
    the same key in another case ("w1" for "W1"), or every number of one prefix shifted by the
    same amount ("dA1" ... "dAL" for "dA0" ... "dA(L-1)"). None when no renaming does."""
    by_lower = {str(key).lower(): key for key in expected}
    groups: dict[str | None, list] = {}
    for key in got:
        groups.setdefault(_prefix(key), []).append(key)
    renamed: dict = {}
    for prefix, keys in groups.items():
        for shift in (0, -1, 1) if prefix is not None else (0,):
            candidate = {key: _renamed(key, shift, by_lower) for key in keys}
            if None not in candidate.values():
                renamed.update(candidate)
                break
        else:
            return None
    targets = list(renamed.values())
    if len(set(targets)) != len(targets) or set(targets) != set(expected):
        return None
    return renamed if any(old != new for old, new in renamed.items()) else None


def _prefix(key: Any) -> str | None:
    """The letters of a key like "dW3", lowercased; None for any other key."""
    match = _KEY.fullmatch(key) if isinstance(key, str) else None
    return match.group(1).lower() if match else None


def _renamed(key: Any, shift: int, by_lower: dict) -> Any:
    """The expected key ``key`` stands for, its number shifted by ``shift``; None if none."""
    if not isinstance(key, str):
        return key if key in by_lower.values() else None
    match = _KEY.fullmatch(key)
    name = f"{match.group(1)}{int(match.group(2)) + shift}" if match else key
    return by_lower.get(name.lower())


def _realigned(outputs: str | tuple[str, ...], got: Any, expected: Any) -> Any:
    """``got`` with the keys of its dictionaries renamed to the expected ones, when a consistent
    renaming explains a key-name difference (see :func:`_key_map`); None when nothing changed.

    Looks at the returned dictionary, or at each dictionary in a returned tuple.
    """
    if isinstance(outputs, str):
        pairs, whole = [(got, expected)], False
    elif isinstance(got, tuple | list) and len(got) == len(outputs) == len(expected):
        pairs, whole = list(zip(got, expected, strict=True)), True
    else:
        return None
    changed, items = False, []
    for item, wanted in pairs:
        mapping = (
            _key_map(item, wanted)
            if isinstance(item, dict) and isinstance(wanted, dict) and set(item) != set(wanted)
            else None
        )
        if mapping is not None:
            item, changed = {mapping[key]: value for key, value in item.items()}, True
        items.append(item)
    if not changed:
        return None
    return type(got)(items) if whole else items[0]


def _matches(spec: GradedFunction, mistake: Mistake, reference: Any, args: tuple, got: Any) -> bool:
    """Whether the student's output is what this typical wrong implementation gives."""
    try:
        with np.errstate(all="ignore"):
            if mistake.output is not None:
                return not compare_outputs(spec.outputs, got, mistake.output(reference, *args))
            return bool(mistake.test(reference, args, got))
    except Exception:  # a recipe that does not apply to this output
        return False


def _matching_hints(
    spec: GradedFunction, reference: Any, args: tuple, got: Any, expected: Any
) -> list[str]:
    """Hints of every recognised mistake; on top of a key-name difference (shifted or
    differently cased keys), also those the output with its keys put right shows."""
    outputs = [got]
    realigned = _realigned(spec.outputs, got, expected)
    if realigned is not None:
        outputs.append(realigned)
    return [
        mistake.hint
        for output in outputs
        for mistake in spec.mistakes
        if _matches(spec, mistake, reference, copy.deepcopy(args), output)
    ]


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
    if outcome.reran and _differ(outcome.rerun_value, got):
        hints.append(
            "a second call with the same arguments returned something else; "
            "did you forget to set the random seed (np.random.seed) inside the function?"
        )
    if not problems and not hints:
        return None
    hints += _matching_hints(spec, reference, args, got, expected)
    # Problems quote the output (strings, dictionary keys, type names): clipped like all child text.
    problems = [clip(problem) for problem in problems]
    return CaseFailure(case.name, tuple(dict.fromkeys(problems)), tuple(dict.fromkeys(hints)))
