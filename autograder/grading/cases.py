"""Hidden cases made ready to grade: arguments built and expected outputs computed, once.

The grader uses this (student code in a sandbox, for ``dnnkit grade``, Gradescope and nbgrader's
autograde), and so does ``autograder.grading.inline`` (the solved notebook's own test cells, in the
instructor's kernel). Expected outputs are the solved notebook's answers on each case's arguments,
computed in the trusted process.

A drawn case (``HiddenCase.draw``) gets its own generator per submission, seeded with
HMAC-SHA256(course secret, "<assignment>/<function>/<case name>/<identity>"): the identity is the
student id or the notebook's file name, as the grader knows it. Knowing the seed of one's own
cases tells nothing about another identity's (that is what the HMAC is for), and a regrade with
the same secret and identity draws the same arguments bit for bit (with the same numpy: numpy
keeps a Generator's streams stable within a version, not across every version).

Prepared cases are cached per (assignment, function, identity, secret) in a bounded LRU: grading
one submission's functions hits it, a batch of a thousand submissions does not keep a thousand
sets of cases alive. A fixed case is the same for every submission, so it is prepared once, and
its verdict on an output is remembered by the bytes the child sent (:func:`judge_prepared`): the
many submissions that return the same output on it are judged once.

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
from collections import OrderedDict
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
FIXED_CACHE_SIZE = 1_024  # fixed cases of every graded function of a few assignments
VERDICT_CACHE_SIZE = 4_096  # verdicts on fixed cases: the outputs that come back again and again
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
        for index, case in enumerate(spec.cases):
            if not case.drawn:
                prepared.append(_fixed(assignment_id, function_name, index))
                continue
            args = case_arguments(assignment_id, function_name, case, identity, secret)
            np.random.seed(FIRST_SEED)
            expected = reference(*copy.deepcopy(args))
            prepared.append(PreparedCase(case, args, expected))
    return tuple(prepared)


@lru_cache(maxsize=FIXED_CACHE_SIZE)
def _fixed(assignment_id: str, function_name: str, index: int) -> PreparedCase:
    """A fixed case (the same arguments for every submission), prepared once."""
    case = load_hidden_tests(assignment_id)[function_name].cases[index]
    reference = getattr(load_reference(assignment_id), function_name)
    with GLOBAL_RANDOM_LOCK:
        args = case.arguments(np.random.default_rng(0))  # a fixed case ignores the generator
        np.random.seed(FIRST_SEED)
        expected = reference(*copy.deepcopy(args))
    return PreparedCase(case, args, expected)


class _Verdicts:
    """Verdicts on fixed cases by what the child sent, least recently used forgotten first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.lock = threading.Lock()
        self.known: OrderedDict[tuple, CaseFailure | None] = OrderedDict()

    def get(self, key: tuple) -> tuple[bool, CaseFailure | None]:
        with self.lock:
            if key not in self.known:
                return False, None
            self.known.move_to_end(key)
            return True, self.known[key]

    def put(self, key: tuple, verdict: CaseFailure | None) -> None:
        with self.lock:
            self.known[key] = verdict
            if len(self.known) > self.size:
                self.known.popitem(last=False)


_VERDICTS = _Verdicts(VERDICT_CACHE_SIZE)


def judge_prepared(
    assignment_id: str,
    function_name: str,
    prepared: PreparedCase,
    outcome: Outcome,
    sent: bytes | None = None,
) -> CaseFailure | None:
    """Decide one case in this trusted process: None when it passed, else its failure.

    ``sent`` identifies the outcome by the bytes the child sent (``jobs.JobReport.sent``): on a
    fixed case the same bytes get the same verdict, so it is judged once.
    """
    key = None
    if sent is not None and not prepared.case.drawn:
        key = (assignment_id, function_name, prepared.case.name, sent)
        known, verdict = _VERDICTS.get(key)
        if known:
            return verdict
    spec: GradedFunction = load_hidden_tests(assignment_id)[function_name]
    try:
        with GLOBAL_RANDOM_LOCK:  # mistake recipes reseed np.random; checks share memos
            verdict = judge(
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
    if key is not None:
        _VERDICTS.put(key, verdict)
    return verdict


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
