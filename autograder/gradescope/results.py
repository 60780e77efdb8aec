"""Gradescope's ``results/results.json``: ONE object for one submission, as Gradescope reads it.

Top level: ``score``, ``execution_time``, ``output`` (shown above the tests), ``visibility``,
``stdout_visibility`` and ``tests``; each test has ``name``, ``score``, ``max_score``, ``status``,
``output`` and ``visibility``. Outputs are plain text (``output_format`` "text": Gradescope shows
them escaped). The kit's feedback never prints a hidden input or an expected value in full, and
``stdout`` (what ``run_autograder`` printed, for the instructor) is hidden from students.
``extra_data`` (kept by Gradescope, not shown) says which file was graded and with what isolation.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from autograder.grading.results import SubmissionResult

VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")


def gradescope_results(
    result: SubmissionResult,
    *,
    visibility: str = "visible",
    seconds: float | None = None,
    extra: dict | None = None,
) -> dict:
    """The results.json object for one graded notebook."""
    if visibility not in VISIBILITIES:
        raise ValueError(f"visibility must be one of {VISIBILITIES}, not {visibility!r}")
    passed = sum(test.passed for test in result.tests)
    summary = (
        f"{passed} of {len(result.tests)} graded functions passed every hidden case. Each "
        "function was run on its own, in a sandbox, with the course's versions of the others."
    )
    document = {
        "score": result.score,
        "output": summary,
        "output_format": "text",
        "visibility": visibility,
        "stdout_visibility": "hidden",
        "tests": [
            {
                "name": test.name,
                "score": test.score,
                "max_score": test.max_score,
                "status": "passed" if test.passed else "failed",
                "output": test.feedback,
                "output_format": "text",
                "visibility": visibility,
            }
            for test in result.tests
        ],
        "extra_data": {"isolation": getattr(result, "isolation", None), **(extra or {})},
    }
    if seconds is not None:
        document["execution_time"] = round(seconds, 3)
    return document


def refusal(message: str, *, visibility: str = "visible") -> dict:
    """A results.json for a submission that cannot be graded at all (no notebook, say): 0 points."""
    return {
        "score": 0.0,
        "output": message,
        "output_format": "text",
        "visibility": visibility,
        "stdout_visibility": "hidden",
        "tests": [],
    }


def write_results(document: dict, path: Path) -> None:
    """Write results.json whole (temporary file, then rename): Gradescope never reads half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_text(json.dumps(document, indent=1, default=str), encoding="utf-8")
    os.replace(temporary, path)
