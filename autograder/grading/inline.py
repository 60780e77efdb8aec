"""Hidden tests inside a notebook, for the nbgrader path (``nbgrader autograde``, formgrader).

The solved notebook's locked test cells call :func:`run_hidden_tests` between
``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``. It runs the same hidden cases as
``dnnkit grade`` but in the notebook's own kernel, where student code shares the process: fine for
the instructor's notebook and honest students, not a defence against untrusted code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autograder.grading.cases import judge_prepared, prepared_cases, run_in_process
from autograder.grading.feedback import render_hidden_test_failures
from autograder.grading.results import CaseFailure
from autograder.grading.schema import Outcome
from autograder.sandbox.child import describe_error


def run_hidden_tests(assignment_id: str, function_name: str, function: Callable[..., Any]) -> None:
    """Run every hidden case of one graded function; raise AssertionError listing the problems."""
    failures: list[CaseFailure] = []
    for index, prepared in enumerate(prepared_cases(assignment_id, function_name)):
        try:
            outcome = run_in_process(function, prepared, rerun=index == 0)
        except Exception as error:  # the student's code may raise anything
            outcome = Outcome(error=describe_error(function_name, error))
        failure = judge_prepared(assignment_id, function_name, prepared, outcome)
        if failure is not None:
            failures.append(failure)
    if failures:
        raise AssertionError(render_hidden_test_failures(function_name, failures))
    print(f"{function_name}: all hidden tests passed.")
