"""One grading run per assignment for the whole test session.

Starting a :class:`GradingRun` (warm zygotes, helper servers, the prepared assignment) costs
seconds; the tests that only grade submissions and read the results share one per assignment,
as a long-lived grader (``dnnkit grade``'s batch, a service) shares one between submissions.
Tests about starting, closing or sizing a run, or about other settings, make their own.
"""

from __future__ import annotations

import os
from pathlib import Path

from autograder.grading.assignment import JOBS_PER_CORE
from autograder.grading.grader import GradingRun
from autograder.grading.results import SubmissionResult

# As many sandboxes as ``dnnkit grade`` starts for a batch of this size or more.
WORKERS = JOBS_PER_CORE * (os.cpu_count() or 1)

_RUNS: dict[str, GradingRun] = {}


def shared_run(assignment: str) -> GradingRun:
    """The session's grading run of ``assignment``, started on first use."""
    if assignment not in _RUNS:
        _RUNS[assignment] = GradingRun(assignment, WORKERS)
    return _RUNS[assignment]


def grade_shared(
    paths: list[Path], assignment: str, identities: list[str] | None = None
) -> list[SubmissionResult]:
    """Grade ``paths`` with the session's run of ``assignment``, as ``grade_paths`` would."""
    return shared_run(assignment).grader.grade(paths, identities=identities)


def close_shared_runs() -> None:
    """Stop every shared run's sandboxes and helper servers (at the end of the session)."""
    while _RUNS:
        _RUNS.popitem()[1].close()
