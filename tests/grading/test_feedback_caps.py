"""Feedback is a channel out of the sandbox: whatever the child sends, a student reads at most
about 2 KB per function, and every long piece says it was cut.

The caps are the ones ``autograder/grading/feedback.py`` documents (2,000 characters per function,
600 per entry); the texts here are built by hand, as a hostile child would send them.
"""

from __future__ import annotations

import numpy as np
import pytest

from autograder.grading.feedback import headline, render_hidden_test_failures
from autograder.grading.judge import judge
from autograder.grading.results import CaseFailure, FunctionResult, HelperNote
from autograder.grading.schema import GradedFunction, HiddenCase, Outcome
from autograder.sandbox.transport import Opaque

FEEDBACK_CAP = 2_000
ENTRY_CAP = 600
THREE_MB = 3_000_000


def feedback_of(*failures: CaseFailure, **fields) -> str:
    return FunctionResult("f", 1.0, 5, failures=list(failures), **fields).feedback


def test_a_3_mb_error_message_becomes_at_most_2_kb_of_feedback() -> None:
    error = "f raised ValueError: " + "A" * THREE_MB
    text = feedback_of(CaseFailure("hidden: a", (error,)))
    assert len(text) <= FEEDBACK_CAP
    assert text.startswith("Failed 1 of 5 cases.\n[hidden: a] f raised ValueError: AAAA")
    assert "cut" in text


def test_three_cases_of_long_problems_and_hints_stay_under_the_cap() -> None:
    failures = [
        CaseFailure(f"hidden: {n}", ("p" * 50_000,) * 5, ("h" * 50_000,) * 4) for n in range(5)
    ]
    text = feedback_of(*failures, notes=["n" * 50_000], printed=True)
    assert len(text) <= FEEDBACK_CAP
    assert text.startswith("Note: nnn")
    assert text.endswith("Your function printed while graded; printed output is not shown here.")
    assert "[hidden: 0] ppp" in text
    assert "(the rest of this feedback was cut)" in text


def test_each_entry_is_cut_at_600_characters_saying_so() -> None:
    text = feedback_of(CaseFailure("c", ("x" * 5_000, "short")))
    first, second = text.split("\n")[1:3]
    assert len(first) == len("[c] ") + ENTRY_CAP
    assert first.endswith("cut]")
    assert second == "    short"


def test_entries_under_the_cap_are_left_whole() -> None:
    problem = "p" * (ENTRY_CAP - 1)
    assert feedback_of(CaseFailure("c", (problem,))) == f"Failed 1 of 5 cases.\n[c] {problem}"


def test_a_long_reason_for_not_grading_is_cut_too() -> None:
    result = FunctionResult("f", 1.0, 4, not_graded="running your cell failed: " + "r" * THREE_MB)
    assert len(result.feedback) <= FEEDBACK_CAP
    assert result.feedback.startswith("Not graded.\nrunning your cell failed: rrr")
    assert len(headline(result)) <= ENTRY_CAP


def test_the_helper_note_survives_a_long_body_and_is_cut_itself() -> None:
    failure = CaseFailure("c", ("w" * THREE_MB,))
    note = HelperNote(("a",), ("a",), failure)
    text = feedback_of(*[failure] * 3, helper_note=note)
    assert len(text) <= FEEDBACK_CAP
    assert "\nNote: graded with the kit's own a. With your own a this function would fail" in text


def test_the_table_headline_of_a_long_hint_is_short() -> None:
    result = FunctionResult("f", 1.0, 4, failures=[CaseFailure("c", ("p",), ("h" * THREE_MB,))])
    assert len(headline(result)) <= ENTRY_CAP


def test_the_nbgrader_message_is_capped_as_well() -> None:
    failures = [CaseFailure(f"c{n}", ("x" * THREE_MB,)) for n in range(4)]
    message = render_hidden_test_failures("f", failures)
    assert len(message) <= FEEDBACK_CAP
    assert message.startswith("f: hidden tests failed\n  - [c0] xxx")


# ---------------------------------------------------------- child strings through the judge

CASE = HiddenCase("hidden: dict", lambda: ())
PARAMS = GradedFunction(outputs="parameters", cases=(CASE,))
EXPECTED = {"W1": np.ones((2, 2)), "b1": np.zeros((2, 1))}


def judged_feedback(outcome: Outcome, spec: GradedFunction = PARAMS, expected=EXPECTED) -> str:
    failure = judge(spec, CASE, (), expected, outcome, None)
    assert failure is not None
    assert all(len(problem) <= ENTRY_CAP for problem in failure.problems)
    return feedback_of(failure)


def test_a_dict_of_100k_keys_gives_short_feedback() -> None:
    got = {f"key_{n}_" + "k" * 20: n for n in range(100_000)}
    text = judged_feedback(Outcome(value=got))
    assert len(text) <= FEEDBACK_CAP
    assert "missing keys" in text
    assert "unexpected 100000 keys, e.g." in text


def test_a_long_opaque_type_name_and_a_long_string_give_short_feedback() -> None:
    for got in (Opaque("T" * THREE_MB), "s" * THREE_MB, {"W1": "s" * THREE_MB, "b1": None}):
        text = judged_feedback(Outcome(value=got))
        assert len(text) <= FEEDBACK_CAP


def test_a_3_mb_crash_message_is_cut_before_it_is_judged() -> None:
    error = "f raised KeyError: 'dA3'" + " and then " * 300_000
    failure = judge(PARAMS, CASE, (), EXPECTED, Outcome(error=error), None)
    assert failure is not None
    (problem,) = failure.problems
    assert problem.startswith("f raised KeyError: 'dA3' and then")
    assert len(problem) <= ENTRY_CAP
    assert failure.hints == ('the gradient keys are "dA" + str(l), "dW" + str(l), "db" + str(l)',)


def test_a_property_check_failing_on_a_huge_key_is_cut() -> None:
    def check(_args: tuple, got: str) -> list[str]:
        raise KeyError(got)  # a lookup by something the student returned, quoted in the error

    case = HiddenCase("hidden: checks", lambda: (), checks=(check,))
    spec = GradedFunction(outputs="x", cases=(case,))
    got = "k" * THREE_MB
    failure = judge(spec, case, (), got, Outcome(value=got), None)
    assert failure is not None
    (problem,) = failure.problems
    assert problem.startswith("a property check could not run on your output ('kkk")
    assert len(problem) <= ENTRY_CAP


@pytest.mark.parametrize("count", [1, 12, 100_000])
def test_feedback_of_any_number_of_failing_cases_fits(count: int) -> None:
    failures = [CaseFailure(f"case {n}", ("p" * 700,), ("h" * 700,)) for n in range(count)]
    assert len(feedback_of(*failures)) <= FEEDBACK_CAP
