"""The one comparison engine: its words, its single tolerance, and the grader's use of it."""

from __future__ import annotations

import linecache

import numpy as np
import pytest

from autograder.grading import compare as grader_compare
from autograder.sandbox.transport import Opaque
from support import compare as engine
from support.checks import Case, CheckFailed, expect_array, expect_scalar, run_cases


def test_the_grader_re_exports_the_engine_and_its_tolerance():
    assert grader_compare.ATOL == engine.ATOL == 1e-7
    assert grader_compare.RTOL == engine.RTOL == 1e-5
    assert grader_compare.shape_problem is engine.shape_problem
    assert grader_compare.crash_hints is engine.crash_hints


@pytest.mark.parametrize(("relative", "passes"), [(5e-6, True), (2e-5, False)])
def test_visible_checks_and_grader_use_one_tolerance(relative, passes):
    expected = 0.414931599615
    got = expected * (1 + relative)
    assert (grader_compare.compare("cost", got, expected) == []) is passes
    assert (grader_compare.compare("W", np.array([got]), np.array([expected])) == []) is passes
    for check in (
        lambda: expect_scalar("cost", got, expected),
        lambda: expect_array("W", np.array([got]), [expected]),
    ):
        try:
            check()
            visible_passed = True
        except Exception:
            visible_passed = False
        assert visible_passed is passes


@pytest.mark.parametrize(
    ("got", "expected", "words"),
    [
        ((3,), (3, 1), "db: keepdims lost: shape (3,); expected (3, 1) (sum with keepdims=True"),
        ((), (1, 1), "db: keepdims lost: shape (); expected (1, 1) (sum with keepdims=True"),
        ((1,), (1, 1), "db: keepdims lost: shape (1,); expected (1, 1) (sum with keepdims=True"),
        ((1, 3), (3, 1), "db has shape (1, 3); expected (3, 1) (transposed?)"),
        ((3, 2), (3, 1), "db has shape (3, 2); expected (3, 1)"),
    ],
)
def test_shape_words(got, expected, words):
    text = engine.shape_problem("db", got, expected)
    assert text.startswith(words), text
    assert not ("keepdims" in text and "transposed" in text)


def test_hidden_values_are_not_shown_in_full():
    expected = np.linspace(1.0, 2.0, 12).reshape(3, 4) + 0.123456789
    (problem,) = engine.compare("W1", np.zeros((3, 4)), expected)
    assert "12 of 12 entries differ" in problem
    assert f"{expected[2, 3]:.8g}" not in problem  # only the first three differing entries
    assert "expected [[" not in problem
    (shown,) = engine.compare("W1", np.zeros((3, 4)), expected, show_values=True)
    assert "expected [[" in shown


def test_a_placeholder_inside_a_0d_array_is_named():
    (problem,) = engine.compare("cost", np.array(None), 0.5)
    assert "placeholder" in problem


def test_opaque_values_are_named_by_the_grader():
    (problem,) = grader_compare.compare("AL", Opaque("object"), np.zeros((1, 2)))
    assert "placeholder" in problem


# Compiled from text so that pytest's assert rewriting leaves the student's bare assert alone.
STUDENT_CELL = """
def lost_keepdims(dZ, cache):
    A_prev, W, b = cache
    db = np.sum(dZ, axis=1) / A_prev.shape[1]
    assert db.shape == b.shape
    return W.T @ dZ, dZ @ A_prev.T, db
"""
# As IPython and the sandbox do, the cell's lines are kept where tracebacks look for them.
linecache.cache["<cell lost_keepdims>"] = (
    len(STUDENT_CELL),
    None,
    STUDENT_CELL.splitlines(keepends=True),
    "<cell lost_keepdims>",
)
namespace = {"np": np}
exec(compile(STUDENT_CELL, "<cell lost_keepdims>", "exec"), namespace)
lost_keepdims = namespace["lost_keepdims"]


def test_a_failed_shape_assert_names_both_shapes_and_earns_only_the_keepdims_hint():
    cache = (np.ones((2, 4)), np.ones((3, 2)), np.ones((3, 1)))
    with pytest.raises(AssertionError) as raised:
        lost_keepdims(np.ones((3, 4)), cache)
    crash = engine.describe_crash("lost_keepdims", raised.value)
    assert crash == (
        "lost_keepdims raised AssertionError at line `assert db.shape == b.shape` "
        "(db has shape (3,), b has shape (3, 1))"
    )
    hints = engine.crash_hints(crash)
    assert len(hints) == 1
    assert "keepdims=True" in hints[0]
    assert "transposed" not in hints[0]


def test_a_generic_hint_remains_where_nothing_specific_matches():
    crash = "f raised AssertionError at line `assert dW.shape == W.shape`"
    assert engine.crash_hints(crash) == [engine.GENERIC_CRASH_HINTS[1][1]]


def test_a_failing_check_lists_problems_and_hints_like_the_grader():
    case = Case(
        "documented case",
        lambda f: f(np.ones((3, 4)), (np.ones((2, 4)), np.ones((3, 2)), np.ones((3, 1)))),
        lambda _result: None,
    )
    with pytest.raises(CheckFailed) as failure:
        run_cases(lost_keepdims, [case])
    text = str(failure.value)
    assert text.splitlines()[0] == "lost_keepdims failed 1 of 1 visible cases:"
    assert text.splitlines()[1].startswith("[documented case] lost_keepdims raised AssertionError")
    assert text.splitlines()[2].startswith("    Hint: db must keep the column shape of b")
    rendered = failure.value._render_traceback_()
    assert "failed 1 of 1 visible cases" in rendered[0]
    assert not any("File " in line or "checks.py" in line for line in rendered)


def test_a_long_key_list_is_summarised_as_a_count() -> None:
    got = {f"W{index}": 0.0 for index in range(1, 10_001)}
    problems = engine.compare("parameters", got, {"W1": 0.0, "b1": 0.0})
    assert problems[0] == "parameters is missing keys ['b1']"
    assert problems[1].startswith("parameters has unexpected 9999 keys, e.g. ")
    assert len(problems[1]) < 120
