"""The result model and its one rendering as text: feedback, JSON, table line, nbgrader message.

Results are built by hand as data; every expected text is typed from the layout documented in
``autograder/grading/feedback.py`` and the README, not produced by the code under test.
"""

from __future__ import annotations

import numpy as np
import pytest

from autograder.grading.feedback import render_hidden_test_failures
from autograder.grading.judge import judge
from autograder.grading.reports import render_table
from autograder.grading.results import (
    CaseFailure,
    FunctionResult,
    HelperNote,
    SubmissionResult,
)
from autograder.grading.schema import GradedFunction, HiddenCase, Mistake, Outcome

PRINTED = "Your function printed while graded; printed output is not shown here."


# ---------------------------------------------------------------- the feedback text


def test_a_function_that_passed_says_how_many_cases() -> None:
    result = FunctionResult("linear_forward", 1.0, 3)
    assert result.passed
    assert result.score == result.max_score == 1.0
    assert result.feedback == "All 3 cases passed."


def test_failed_cases_show_notes_first_then_three_cases_of_three_problems_then_every_hint() -> None:
    result = FunctionResult(
        "compute_cost",
        2.0,
        5,
        failures=[
            CaseFailure("documented", ("p1", "p2", "p3", "p4", "p5"), ("h1", "h2")),
            CaseFailure("hidden: b", ("cost is nan",)),
            CaseFailure("hidden: c", (), ("set the seed",)),
            CaseFailure("hidden: d", ("never shown",), ("never shown either",)),
        ],
        notes=["2 cells start with it; graded the last one"],
        printed=True,
    )
    assert not result.passed
    assert (result.score, result.max_score) == (0.0, 2.0)
    assert result.feedback == (
        "Note: 2 cells start with it; graded the last one\n"
        "Failed 4 of 5 cases.\n"
        "[documented] p1\n"
        "    p2\n"
        "    p3\n"
        "    ... and 2 more problems in this case\n"
        "    Hint: h1\n"
        "    Hint: h2\n"
        "[hidden: b] cost is nan\n"
        "[hidden: c] Hint: set the seed\n"
        "... and 1 more failing cases\n"
        "Your function printed while graded; printed output is not shown here."
    )


def test_a_function_that_could_not_be_graded_says_why_and_scores_zero() -> None:
    result = FunctionResult(
        "compute_cost",
        2.0,
        4,
        not_graded="running your cell did not finish within 3 s (an infinite loop?)",
        printed=True,
    )
    assert not result.passed
    assert result.score == 0.0
    assert result.feedback == (
        "Not graded.\nrunning your cell did not finish within 3 s (an infinite loop?)\n" + PRINTED
    )


def test_the_helper_note_comes_last_with_the_first_line_of_the_first_failing_case() -> None:
    wrong = CaseFailure(
        "documented: L_model_forward_test_case",
        ("AL has wrong values: 4 of 4 entries differ\n      expected [[0.03921668]]", "more"),
        ("a hint",),
    )
    note = HelperNote(("linear_activation_forward", "linear_forward"), ("linear_forward",), wrong)
    result = FunctionResult("L_model_forward", 2.0, 5, notes=["graded the last one"])
    result.helper_note = note
    assert result.passed
    assert result.score == 2.0
    assert result.feedback == (
        "Note: graded the last one\n"
        "All 5 cases passed.\n"
        "Note: graded with the kit's own linear_activation_forward, linear_forward. With your "
        "own linear_forward this function would fail: [documented: L_model_forward_test_case] "
        "AL has wrong values: 4 of 4 entries differ"
    )


def test_the_helper_note_of_a_case_that_failed_on_a_hint_alone_quotes_the_hint() -> None:
    note = HelperNote(("a", "b"), ("a", "b"), CaseFailure("hidden: x", (), ("set the seed",)))
    result = FunctionResult("f", 1.0, 2, helper_note=note)
    assert result.feedback == (
        "All 2 cases passed.\n"
        "Note: graded with the kit's own a, b. With your own a, b this function would fail: "
        "[hidden: x] Hint: set the seed"
    )


# ---------------------------------------------------------------- JSON


def test_json_has_gradescopes_keys_and_the_rendered_feedback_as_output() -> None:
    passed = FunctionResult("linear_forward", 1.0, 3)
    failed = FunctionResult("compute_cost", 2.0, 4, failures=[CaseFailure("b", ("cost is nan",))])
    isolation = {"isolated": True, "layers": ["a seccomp filter"], "missing": []}
    submission = SubmissionResult("a.ipynb", [passed, failed], isolation)
    assert (submission.score, submission.max_score) == (1.0, 3.0)
    assert submission.to_json() == {
        "submission": "a.ipynb",
        "score": 1.0,
        "max_score": 3.0,
        "tests": [
            {
                "name": "linear_forward",
                "score": 1.0,
                "max_score": 1.0,
                "status": "passed",
                "output": "All 3 cases passed.",
            },
            {
                "name": "compute_cost",
                "score": 0.0,
                "max_score": 2.0,
                "status": "failed",
                "output": "Failed 1 of 4 cases.\n[b] cost is nan",
            },
        ],
        "isolation": isolation,
        "sha256": None,
        "not_graded": None,
        "scoring": "all-or-nothing",
    }
    unreadable = SubmissionResult("b.ipynb", [], isolation, not_graded="b.ipynb is a named pipe")
    assert unreadable.to_json()["not_graded"] == "b.ipynb is a named pipe"


# ---------------------------------------------------------------- the grade table


def test_the_table_has_a_total_and_one_row_per_function() -> None:
    hinted = CaseFailure("documented", ("cost is 1.24; expected 0.41",), ("divide by m",))
    submission = SubmissionResult(
        "a.ipynb",
        [
            FunctionResult("linear_forward", 1.0, 3),
            FunctionResult("compute_cost", 2.0, 4, failures=[hinted]),
        ],
    )
    assert render_table([submission, submission]) == (
        "a.ipynb: 1 / 3\n"
        "  linear_forward    1/1   passed  \n"
        "  compute_cost      0/2   FAILED  Hint: divide by m\n"
        "\n"
        "a.ipynb: 1 / 3\n"
        "  linear_forward    1/1   passed  \n"
        "  compute_cost      0/2   FAILED  Hint: divide by m"
    )


LONG = "x" * 200
TABLE_LINES = {
    "a later case's hint beats the first problem": (
        [CaseFailure("a", ("p",)), CaseFailure("b", ("q",), ("hint of b",))],
        "Hint: hint of b",
    ),
    "only a hint's first line": ([CaseFailure("a", ("p",), ("one\ntwo",))], "Hint: one"),
    "no hint: the first case's name and first problem's first line": (
        [CaseFailure("a", ("p first\n      expected [[1]]", "q"))],
        "[a] p first",
    ),
    "a case that failed on its hint alone shows it on the case's line": (
        [CaseFailure("a", (), ("set the seed",)), CaseFailure("b", ("q",))],
        "[a] Hint: set the seed",
    ),
    "a hint below a hint-only case's first hint is a line of its own": (
        [CaseFailure("a", (), ("set the seed", "use randn"))],
        "Hint: use randn",
    ),
    "hints of cases the feedback does not show do not count": (
        [CaseFailure(c, ("p",)) for c in "abc"] + [CaseFailure("d", ("p",), ("hidden hint",))],
        "[a] p",
    ),
    "a long line is cut to 110 characters": (
        [CaseFailure("a", (LONG,))],
        "[a] " + "x" * 103 + "...",
    ),
}


@pytest.mark.parametrize("name", TABLE_LINES)
def test_the_table_row_of_a_failed_function_shows_its_most_useful_line(name: str) -> None:
    failures, expected = TABLE_LINES[name]
    result = FunctionResult("f", 1.0, 4, failures=failures, notes=["graded the last one"])
    table = render_table([SubmissionResult("s", [result])])
    assert table == f"s: 0 / 1\n  f    0/1   FAILED  {expected}"


def test_the_table_row_of_a_function_not_graded_shows_the_reasons_first_line() -> None:
    reason = "running your cell failed: f raised KeyError: 'W3'\nat line `W = parameters['W3']`"
    result = FunctionResult("f", 1.0, 4, not_graded=reason, notes=["graded the last one"])
    table = render_table([SubmissionResult("s", [result])])
    expected = "s: 0 / 1\n  f    0/1   FAILED  running your cell failed: f raised KeyError: 'W3'"
    assert table == expected


# ---------------------------------------------------------------- the nbgrader path's message


def test_the_nbgrader_message_lists_every_failed_case_as_a_bullet() -> None:
    failures = [
        CaseFailure("documented", ("A has wrong values",), ("use axis=0",)),
        CaseFailure("hidden: 10 classes", ("A has shape (20, 10); expected (10, 20)",)),
        CaseFailure("hidden: c", ("c",)),
        CaseFailure("hidden: d", ("d",)),
    ]
    assert render_hidden_test_failures("softmax", failures) == (
        "softmax: hidden tests failed\n"
        "  - [documented] A has wrong values\n"
        "    Hint: use axis=0\n"
        "  - [hidden: 10 classes] A has shape (20, 10); expected (10, 20)\n"
        "  - [hidden: c] c\n"
        "  - [hidden: d] d"
    )


# ---------------------------------------------------------------- the judge's verdict is data

CASE = HiddenCase("hidden: two entries", lambda: (np.array([[1.0, 2.0]]),))
SPEC = GradedFunction(
    outputs="Z",
    cases=(CASE,),
    mistakes=(Mistake("Z = 2 A: do not double it", output=lambda _ref, A: 2 * A),),
    crash_hints=((r"KeyError", "this function's own hint"),),
)
ARGS = CASE.args()
EXPECTED = np.array([[1.0, 2.0]])


def test_a_passing_case_has_no_verdict() -> None:
    assert judge(SPEC, CASE, ARGS, EXPECTED, Outcome(value=EXPECTED.copy()), None) is None


def test_a_crash_is_one_problem_with_its_hints_apart_and_unprefixed() -> None:
    outcome = Outcome(error="f raised KeyError: 'dA3'")
    failure = judge(SPEC, CASE, ARGS, EXPECTED, outcome, None)
    assert failure == CaseFailure(
        "hidden: two entries",
        ("f raised KeyError: 'dA3'",),
        (
            "this function's own hint",
            'the gradient keys are "dA" + str(l), "dW" + str(l), "db" + str(l)',
        ),
    )


def test_a_wrong_output_has_problems_and_the_hint_of_the_mistake_it_matches() -> None:
    failure = judge(SPEC, CASE, ARGS, EXPECTED, Outcome(value=np.array([[2.0, 4.0]])), None)
    assert failure is not None
    assert failure.case == "hidden: two entries"
    assert failure.problems
    assert not any(problem.startswith("Hint") for problem in failure.problems)
    assert failure.hints == ("Z = 2 A: do not double it",)


def test_a_right_output_that_changes_on_a_second_call_fails_on_a_hint_alone() -> None:
    outcome = Outcome(value=EXPECTED.copy(), rerun_value=np.array([[5.0, 6.0]]), reran=True)
    failure = judge(SPEC, CASE, ARGS, EXPECTED, outcome, None)
    assert failure == CaseFailure(
        "hidden: two entries",
        (),
        (
            "a second call with the same arguments returned something else; did you forget to "
            "set the random seed (np.random.seed) inside the function?",
        ),
    )
