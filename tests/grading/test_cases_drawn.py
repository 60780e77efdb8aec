"""Hidden cases drawn per submission: seeded by an HMAC of the course secret and the submission's
identity, the same on a regrade, different for another student, cached within bounds."""

from __future__ import annotations

import hashlib
import hmac
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from autograder.course.secret import SECRET_ENV
from autograder.grading import cases as cases_module
from autograder.grading.cases import (
    PREPARED_CACHE_SIZE,
    case_arguments,
    case_seed,
    prepared_cases,
)
from autograder.grading.inline import run_hidden_tests
from autograder.grading.schema import HiddenCase, Outcome, load_hidden_tests

SECRET = b"a secret only the tests know, 32+"
OTHER_SECRET = b"another course's secret, also long"
ASSIGNMENTS = ("step_by_step", "application", "digits")
FUNCTIONS = [(a, name) for a in ASSIGNMENTS for name in load_hidden_tests(a)]


def identical(one: object, two: object) -> bool:
    """Equal bit for bit: same types, same shapes, same dtypes, same bytes, all the way down."""
    if type(one) is not type(two):
        return False
    if isinstance(one, np.ndarray):
        return one.shape == two.shape and one.dtype == two.dtype and one.tobytes() == two.tobytes()
    if isinstance(one, dict):
        return list(one) == list(two) and all(identical(one[k], two[k]) for k in one)
    if isinstance(one, list | tuple):
        return len(one) == len(two) and all(map(identical, one, two))
    return one == two


def args_of(assignment: str, name: str, identity: str, secret: bytes = SECRET) -> list[tuple]:
    """Every case's arguments, drawn afresh (no cache involved)."""
    cases = load_hidden_tests(assignment)[name].cases
    return [case_arguments(assignment, name, case, identity, secret) for case in cases]


def test_the_seed_is_hmac_sha256_of_the_secret_over_assignment_function_case_identity() -> None:
    message = b"step_by_step/linear_forward/hidden: a case/alice"
    digest = hmac.new(SECRET, message, hashlib.sha256).digest()
    expected = int.from_bytes(digest, "big")
    assert (
        case_seed(SECRET, "step_by_step", "linear_forward", "hidden: a case", "alice") == expected
    )


@pytest.mark.parametrize(("assignment", "name"), FUNCTIONS)
def test_drawn_arguments_come_from_a_generator_seeded_with_that_hmac(assignment, name) -> None:
    for case, prepared in zip(
        load_hidden_tests(assignment)[name].cases,
        prepared_cases(assignment, name, "alice", SECRET),
        strict=True,
    ):
        message = f"{assignment}/{name}/{case.name}/alice".encode()
        seed = int.from_bytes(hmac.new(SECRET, message, hashlib.sha256).digest(), "big")
        assert identical(prepared.args, case.arguments(np.random.default_rng(seed))), case.name


@pytest.mark.parametrize(("assignment", "name"), FUNCTIONS)
def test_a_regrade_draws_the_same_arguments_bit_for_bit(assignment, name) -> None:
    assert identical(args_of(assignment, name, "alice"), args_of(assignment, name, "alice"))


@pytest.mark.parametrize(("assignment", "name"), FUNCTIONS)
def test_another_identity_or_secret_changes_every_drawn_case_and_no_fixed_one(
    assignment, name
) -> None:
    cases = load_hidden_tests(assignment)[name].cases
    assert any(case.drawn for case in cases), f"{name} has no case drawn per submission"
    alice = args_of(assignment, name, "alice")
    for other in (
        args_of(assignment, name, "bob"),
        args_of(assignment, name, "alice", OTHER_SECRET),
    ):
        for case, mine, theirs in zip(cases, alice, other, strict=True):
            assert identical(mine, theirs) != case.drawn, case.name


def test_hidden_and_documented_cases_are_told_apart() -> None:
    for assignment, name in FUNCTIONS:
        for case in load_hidden_tests(assignment)[name].cases:
            assert not (case.documented and case.drawn), case.name
            assert not (case.known and case.drawn), case.name
            assert case.name.startswith("documented: " if case.documented else "hidden: ")


def test_a_case_gives_fixed_arguments_or_a_draw_exactly() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        HiddenCase("hidden: neither")
    with pytest.raises(ValueError, match="exactly one"):
        HiddenCase("hidden: both", lambda: (1,), draw=lambda _rng: (2,))
    with pytest.raises(ValueError, match="is fixed"):
        HiddenCase("documented: drawn", documented=True, draw=lambda _rng: (2,))
    with pytest.raises(ValueError, match="is fixed"):
        HiddenCase("hidden: known", known={(): 1}, draw=lambda _rng: (2,))
    fixed = HiddenCase("hidden: fixed", lambda: (1,))
    assert fixed.arguments(np.random.default_rng(0)) == (1,)
    assert not fixed.drawn


# --------------------------------------------------------------------------- callers and cache


def test_without_an_identity_every_caller_gets_one_fixed_identity(monkeypatch) -> None:
    monkeypatch.setenv(SECRET_ENV, SECRET.decode())
    default = prepared_cases("step_by_step", "linear_forward")
    assert default is prepared_cases("step_by_step", "linear_forward", "", SECRET)
    assert identical([p.args for p in default], args_of("step_by_step", "linear_forward", ""))


def test_the_course_secret_is_used_when_none_is_given(monkeypatch) -> None:
    monkeypatch.setenv(SECRET_ENV, OTHER_SECRET.decode())
    got = prepared_cases("step_by_step", "compute_cost", "carol")
    assert identical(
        [p.args for p in got], args_of("step_by_step", "compute_cost", "carol", OTHER_SECRET)
    )


def test_one_submissions_functions_hit_the_cache_and_a_batch_stays_bounded() -> None:
    names = list(load_hidden_tests("step_by_step"))
    first = {name: prepared_cases("step_by_step", name, "dave", SECRET) for name in names}
    assert all(prepared_cases("step_by_step", n, "dave", SECRET) is first[n] for n in names)
    for student in range(PREPARED_CACHE_SIZE // len(names) + 2):
        for name in names:
            prepared_cases("step_by_step", name, f"student {student}", SECRET)
    info = cases_module._prepared.cache_info()
    assert info.maxsize == PREPARED_CACHE_SIZE
    assert info.currsize <= PREPARED_CACHE_SIZE
    assert prepared_cases("step_by_step", names[0], "dave", SECRET) is not first[names[0]]


def test_expected_values_follow_the_drawn_arguments() -> None:
    for identity in ("erin", "frank"):
        for prepared in prepared_cases("step_by_step", "linear_forward", identity, SECRET):
            A, W, b = prepared.args
            np.testing.assert_array_equal(prepared.expected[0], np.dot(W, A) + b)


# ------------------------------------------------------------------------ the nbgrader path


def test_run_hidden_tests_calls_the_function_on_that_identitys_cases(capsys) -> None:
    seen = []

    def linear_forward(A, W, b):
        seen.append((A.copy(), W.copy(), b.copy()))
        return np.dot(W, A) + b, (A, W, b)

    run_hidden_tests("step_by_step", "linear_forward", linear_forward, "grace", SECRET)
    assert "all hidden tests passed" in capsys.readouterr().out
    drawn = prepared_cases("step_by_step", "linear_forward", "grace", SECRET)
    assert all(any(identical(p.args, call) for call in seen) for p in drawn)


def test_cases_prepared_from_many_threads_equal_those_prepared_one_at_a_time() -> None:
    """The grader prepares in threads; fixtures and reference seed numpy's one global state.

    A race shows only when threads switch at the wrong moment: three rounds of 160 preparations,
    switching as often as Python allows, make a missing lock show nearly every time.
    """
    names = ["initialize_parameters_deep", "linear_forward", "L_model_forward", "compute_cost"]
    jobs = [(name, f"thread student {i}") for i in range(40) for name in names]
    alone = [
        [p.args, p.expected] for job in jobs for p in prepared_cases("step_by_step", *job, SECRET)
    ]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for _ in range(3):
            cases_module._prepared.cache_clear()
            cases_module._fixed.cache_clear()
            with ThreadPoolExecutor(8) as pool:
                threaded = pool.map(lambda job: prepared_cases("step_by_step", *job, SECRET), jobs)
                got = [[p.args, p.expected] for cases in threaded for p in cases]
            assert identical(got, alone)
    finally:
        sys.setswitchinterval(interval)


# ------------------------------------------------------------------ fixed cases, shared


def test_a_fixed_case_is_prepared_once_for_every_identity_and_a_drawn_one_per_identity() -> None:
    one = prepared_cases("step_by_step", "linear_forward", "ivan", SECRET)
    other = prepared_cases("step_by_step", "linear_forward", "judy", SECRET)
    for mine, theirs in zip(one, other, strict=True):
        assert (mine is theirs) == (not mine.case.drawn)


def test_a_verdict_on_a_fixed_case_is_reused_for_the_same_bytes_only() -> None:
    fixed, drawn = (
        next(p for p in prepared_cases("step_by_step", "linear_forward", "kim", SECRET) if pick(p))
        for pick in (lambda p: not p.case.drawn, lambda p: p.case.drawn)
    )
    wrong = Outcome(value="not an array")
    failure = cases_module.judge_prepared("step_by_step", "linear_forward", fixed, wrong, b"k1")
    assert failure is not None
    # The same bytes: the verdict is remembered, whatever outcome object comes with them.
    right = Outcome(value=fixed.expected, args_after=fixed.fresh_args())
    assert cases_module.judge_prepared("step_by_step", "linear_forward", fixed, right, b"k1") is (
        failure
    )
    assert (
        cases_module.judge_prepared("step_by_step", "linear_forward", fixed, right, b"k2") is None
    )
    # A drawn case is judged every time.
    right = Outcome(value=drawn.expected, args_after=drawn.fresh_args())
    for _ in range(2):
        assert (
            cases_module.judge_prepared("step_by_step", "linear_forward", drawn, right, b"k1")
            is None
        )
