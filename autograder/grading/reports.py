"""Reports of a batch: the grade table a person reads (JSON comes from the result model)."""

from __future__ import annotations

from autograder.grading.results import SubmissionResult


def render_table(results: list[SubmissionResult]) -> str:
    """A readable grade table per submission: one row per function, first feedback line."""
    blocks = []
    for result in results:
        width = max(len(test.name) for test in result.tests)
        lines = [f"{result.submission}: {result.score:g} / {result.max_score:g}"]
        for test in result.tests:
            status = "passed" if test.passed else "FAILED"
            detail = "" if test.passed else _first_problem(test.feedback)
            lines.append(
                f"  {test.name:<{width}}  {test.score:>3g}/{test.max_score:<3g} {status}  {detail}"
            )
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _first_problem(feedback: str) -> str:
    """The most useful line of failed feedback: its first hint, else its first problem."""
    hints = [line.strip() for line in feedback.splitlines() if line.strip().startswith("Hint:")]
    headers = ("Failed ", "Not graded", "Note: ")
    lines = hints or [line for line in feedback.splitlines() if not line.startswith(headers)]
    first = lines[0] if lines else ""
    return first if len(first) <= 110 else first[:107] + "..."
