"""Hidden cases made ready to grade: arguments built and expected outputs computed, once.

Both grading paths use this: ``dnnkit grade`` (student code in a sandbox) and
``autograder.grading.inline`` (student code in the notebook's own kernel, for nbgrader). Expected
outputs are the solved notebook's answers on each case's arguments, computed in the trusted process.

A drawn case (``HiddenCase.draw``) gets its own generator per submission, seeded with
HMAC-SHA256(course secret, "<assignment>/<function>/<case name>/<identity>"): the identity is the
student id or the notebook's file name, as the grader knows it. Knowing the seed of one's own
cases tells nothing about another identity's (that is what the HMAC is for), and a regrade with
the same secret and identity draws the same arguments bit for bit (with the same numpy: numpy
keeps a Generator's streams stable within a version, not across every version).

Prepared cases are cached per (assignment, function, identity, secret) in a bounded LRU: grading
one submission's functions hits it, a batch of a thousand submissions does not keep a thousand
sets of cases alive.

The grader prepares and judges submissions from several threads, while the course's fixtures, the
reference (``np.random.seed(FIRST_SEED)``, the initialisers' own seeds) and some mistake recipes
use numpy's one global random state. Preparing and judging therefore hold
:data:`GLOBAL_RANDOM_LOCK`; any other trusted code that seeds ``np.random`` while the grader's
threads run must hold it too, or an expected value may be computed from another thread's draws.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from autograder.course.secret import course_secret
from autograder.grading.judge import judge
from autograder.grading.reference import load_reference
from autograder.grading.results import CaseFailure
from autograder.grading.schema import GradedFunction, HiddenCase, Outcome, load_hidden_tests
from autograder.sandbox.protocol import FIRST_SEED, SECOND_SEED


@dataclass(frozen=True)
class PreparedCase:
    """A hidden case with its arguments and the reference output on them."""

    case: HiddenCase
    args: tuple
    expected: Any

    def fresh_args(self) -> tuple:
        """A deep copy, so no run (student's or reference's) can change the stored arguments."""
        return copy.deepcopy(self.args)


# One submission's graded functions (10 at most today) several times over, and no more.
PREPARED_CACHE_SIZE = 64
# Held by whatever uses numpy's global random state in the grader process (see the docstring).
GLOBAL_RANDOM_LOCK = threading.RLock()


def case_seed(
    secret: bytes, assignment_id: str, function_name: str, case_name: str, identity: str
) -> int:
    """The seed of one drawn case for one submission: an HMAC, known only to the secret's holder."""
    message = f"{assignment_id}/{function_name}/{case_name}/{identity}".encode()
    return int.from_bytes(hmac.new(secret, message, hashlib.sha256).digest(), "big")


def case_arguments(
    assignment_id: str, function_name: str, case: HiddenCase, identity: str, secret: bytes
) -> tuple:
    """One case's arguments for one submission, drawn afresh (fixed cases ignore the generator)."""
    seed = case_seed(secret, assignment_id, function_name, case.name, identity)
    return case.arguments(np.random.default_rng(seed))


def prepared_cases(
    assignment_id: str, function_name: str, identity: str = "", secret: bytes | None = None
) -> tuple[PreparedCase, ...]:
    """Every case of one graded function for one submission, with the reference's outputs.

    ``identity`` names the submission (student id or notebook file name); "" is one fixed identity
    for callers that know none. ``secret`` None means the course's (``course_secret()``).
    """
    if secret is None:
        secret = course_secret()
    return _prepared(assignment_id, function_name, identity, secret)


@lru_cache(maxsize=PREPARED_CACHE_SIZE)
def _prepared(
    assignment_id: str, function_name: str, identity: str, secret: bytes
) -> tuple[PreparedCase, ...]:
    spec = load_hidden_tests(assignment_id)[function_name]
    reference = getattr(load_reference(assignment_id), function_name)
    prepared = []
    with GLOBAL_RANDOM_LOCK:
        for case in spec.cases:
            args = case_arguments(assignment_id, function_name, case, identity, secret)
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
        with GLOBAL_RANDOM_LOCK:  # mistake recipes reseed np.random; checks share memos
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
    outcome = Outcome(value=value, args_after=args)  # judged against a fresh copy
    if rerun:
        np.random.seed(SECOND_SEED)
        outcome.rerun_value = function(*prepared.fresh_args())
        outcome.reran = True
    return outcome
