"""Hidden cases made ready to grade: arguments built and expected outputs computed, once.

Both grading paths use this: ``dnnkit grade`` (student code in a sandbox) and
``autograder.grading.inline`` (student code in the notebook's own kernel, for nbgrader). Expected
outputs are the solved notebook's answers on each case's arguments, computed in the trusted process.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from autograder.grading.judge import judge
from autograder.grading.reference import load_reference
from autograder.grading.results import CaseFailure
from autograder.grading.schema import GradedFunction, HiddenCase, Outcome, load_hidden_tests
from autograder.sandbox.protocol import FIRST_SEED, SECOND_SEED
from autograder.sandbox.transport import digest


@dataclass(frozen=True)
class PreparedCase:
    """A hidden case with its arguments and the reference output on them."""

    case: HiddenCase
    args: tuple
    expected: Any

    def fresh_args(self) -> tuple:
        """A deep copy, so no run (student's or reference's) can change the stored arguments."""
        return copy.deepcopy(self.args)


@cache
def prepared_cases(assignment_id: str, function_name: str) -> tuple[PreparedCase, ...]:
    """Build every case of one graded function and compute its expected output."""
    spec = load_hidden_tests(assignment_id)[function_name]
    reference = getattr(load_reference(assignment_id), function_name)
    prepared = []
    for case in spec.cases:
        args = case.args()
        np.random.seed(FIRST_SEED)
        expected = reference(*copy.deepcopy(args))
        prepared.append(PreparedCase(case, args, expected))
    return tuple(prepared)


def judge_prepared(
    assignment_id: str, function_name: str, prepared: PreparedCase, outcome: Outcome
) -> CaseFailure | None:
    """Decide one case in this trusted process: None when it passed, else its failure."""
    spec: GradedFunction = load_hidden_tests(assignment_id)[function_name]
    try:
        return judge(
            spec,
            prepared.case,
            prepared.fresh_args(),
            prepared.expected,
            outcome,
            load_reference(assignment_id),
        )
    except Exception as error:  # whatever came back, one odd output must not stop the grading
        problem = f"the grader could not check what your function returned ({type(error).__name__})"
        return CaseFailure(prepared.case.name, (problem,))


def run_in_process(function: Callable[..., Any], prepared: PreparedCase, rerun: bool) -> Outcome:
    """Call a function on one case here, recording its output and its arguments afterwards."""
    args = prepared.fresh_args()
    np.random.seed(FIRST_SEED)
    value = function(*args)
    outcome = Outcome(value=value, args_digests=tuple(digest(arg) for arg in args))
    if rerun:
        np.random.seed(SECOND_SEED)
        outcome.rerun_value = function(*prepared.fresh_args())
        outcome.reran = True
    return outcome
