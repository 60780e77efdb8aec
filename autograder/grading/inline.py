"""Hidden tests inside a notebook, for the nbgrader path (``nbgrader autograde``, formgrader).

The solved notebook's locked test cells call :func:`run_hidden_tests` between
``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``. It runs the same hidden cases as
``dnnkit grade`` but in the notebook's own kernel, where student code shares the process: fine for
the instructor's notebook and honest students, not a defence against untrusted code (student code
in that kernel can also read the course secret).

Per-submission hidden cases need the submission's identity. Under ``nbgrader autograde`` the kernel
knows it: nbgrader sets ``NBGRADER_EXECUTION=autograde`` and runs each notebook in
``autograded/<student id>/<assignment id>/`` (checked with nbgrader 0.9), so the identity is that
student id: ``dnnkit grade`` given the same id draws the same cases. Anywhere else (the instructor
running the solved notebook, nbval, a test) the identity is the fixed "": one set of cases.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from autograder.grading.cases import judge_prepared, prepared_cases, run_in_process
from autograder.grading.feedback import render_hidden_test_failures
from autograder.grading.results import CaseFailure
from autograder.grading.schema import Outcome
from support.compare import describe_crash


def notebook_identity(assignment_id: str) -> str:
    """The student id when ``nbgrader autograde`` runs this kernel, else the fixed identity ""."""
    if os.environ.get("NBGRADER_EXECUTION") != "autograde":
        return ""
    folder = Path.cwd()
    return folder.parent.name if folder.name == assignment_id else ""


def run_hidden_tests(
    assignment_id: str,
    function_name: str,
    function: Callable[..., Any],
    identity: str | None = None,
    secret: bytes | None = None,
) -> None:
    """Run every hidden case of one graded function; raise AssertionError listing the problems.

    ``identity`` None means :func:`notebook_identity`; ``secret`` None the course's own.
    """
    if identity is None:
        identity = notebook_identity(assignment_id)
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
