"""Hidden tests inside a notebook's own kernel: the solved notebook's locked test cells.

The solved notebook's test cells call :func:`run_hidden_tests` between ``### BEGIN HIDDEN TESTS``
and ``### END HIDDEN TESTS``, so running it (the instructor in JupyterLab, nbval in CI) checks the
reference against the same hidden cases ``dnnkit grade`` uses, drawn for the fixed identity "".
The function under test shares the kernel with the hidden tests: this is for trusted code only.
Student notebooks never come here: under the kit's ``nbgrader_config.py``, ``nbgrader autograde``
grades in the sandbox (``grading.nbgrader_autograde``) and executes no cell at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autograder.grading.cases import judge_prepared, prepared_cases, run_in_process
from autograder.grading.feedback import render_hidden_test_failures
from autograder.grading.results import CaseFailure
from autograder.grading.schema import Outcome
from support.compare import describe_crash


def run_hidden_tests(
    assignment_id: str,
    function_name: str,
    function: Callable[..., Any],
    identity: str = "",
    secret: bytes | None = None,
) -> None:
    """Run every hidden case of one graded function; raise AssertionError listing the problems.

    ``identity`` chooses the drawn cases (a student id; "" the fixed set), ``secret`` None means
    the course's own.
    """
    failures: list[CaseFailure] = []
    cases = prepared_cases(assignment_id, function_name, identity, secret)
    for index, prepared in enumerate(cases):
        try:
            outcome = run_in_process(function, prepared, rerun=index == 0)
        except Exception as error:  # the student's code may raise anything
            outcome = Outcome(error=describe_crash(function_name, error))
        failure = judge_prepared(assignment_id, function_name, prepared, outcome)
        if failure is not None:
            failures.append(failure)
    if failures:
        raise AssertionError(render_hidden_test_failures(function_name, failures))
    print(f"{function_name}: all hidden tests passed.")
