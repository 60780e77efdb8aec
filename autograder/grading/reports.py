"""Reports of a batch: the grade table a person reads (JSON comes from the result model)."""

from __future__ import annotations

from autograder.grading.feedback import headline
from autograder.grading.results import SubmissionResult

DETAIL_CHARS = 110  # the longest detail a table row shows
NOT_ISOLATED = "[GRADED WITHOUT ISOLATION: --insecure]"


def render_table(results: list[SubmissionResult]) -> str:
    """A readable grade table per submission: one row per function, its most useful line."""
    blocks = []
    for result in results:
        width = max(len(test.name) for test in result.tests)
        lines = [f"{result.submission}: {result.score:g} / {result.max_score:g}"]
        if result.isolation and not result.isolated:
            lines[0] += f"  {NOT_ISOLATED}"
        for test in result.tests:
            status = "passed" if test.passed else "FAILED"
            detail = "" if test.passed else _shorten(headline(test))
            lines.append(
                f"  {test.name:<{width}}  {test.score:>3g}/{test.max_score:<3g} {status}  {detail}"
            )
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _shorten(line: str) -> str:
    return line if len(line) <= DETAIL_CHARS else line[: DETAIL_CHARS - 3] + "..."
