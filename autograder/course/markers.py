"""The markers the course's notebooks carry, and the one place that parses them.

A graded cell starts with ``# GRADED FUNCTION: <name>``; its solution lines sit between the
START/END CODE HERE markers (kept in the release, where they frame the placeholders); the locked
test cells hold hidden tests between nbgrader's BEGIN/END HIDDEN TESTS delimiters (removed from
the release). nbgrader's own traits name the hidden-test delimiters without their ``### ``.

Cells come from students, so every scan here is one pass over the text (substring tests and
line splits, no regular expression that could backtrack): a megabyte of unclosed markers costs
what a megabyte of code does.
"""

from __future__ import annotations

GRADED_FUNCTION = "# GRADED FUNCTION:"
BEGIN_SOLUTION = "### START CODE HERE ###"
END_SOLUTION = "### END CODE HERE ###"
HIDDEN_TESTS_BEGIN = "BEGIN HIDDEN TESTS"
HIDDEN_TESTS_END = "END HIDDEN TESTS"
# nbgrader metadata: a function's graded test cell is ``test_<name>``.
TEST_CELL_PREFIX = "test_"
# The delimiter lines as they appear in a cell.
HIDDEN_BEGIN_LINE = f"### {HIDDEN_TESTS_BEGIN}"
HIDDEN_END_LINE = f"### {HIDDEN_TESTS_END}"


def graded_name(source: str) -> str | None:
    """The function named by a ``# GRADED FUNCTION: <name>`` first line, else None."""
    first_line = source.lstrip().split("\n", 1)[0].strip()
    if not first_line.startswith(GRADED_FUNCTION):
        return None
    return first_line[len(GRADED_FUNCTION) :].strip() or None


def has_hidden_tests(source: str) -> bool:
    """Whether a cell still holds either hidden-test delimiter."""
    return HIDDEN_TESTS_BEGIN in source or HIDDEN_TESTS_END in source


def strip_hidden_tests(source: str) -> str:
    """The cell without its hidden-test blocks, delimiters included, in one pass over its lines.

    A block left open runs to the end of the cell, as nbgrader would refuse to release it anyway.
    """
    kept: list[str] = []
    hidden = False
    for line in source.split("\n"):
        if HIDDEN_BEGIN_LINE in line:
            hidden = True
        elif HIDDEN_END_LINE in line:
            hidden = False
        elif not hidden:
            kept.append(line)
    return "\n".join(kept)


def graded_test_name(grade_id: str) -> str | None:
    """The function a graded test cell's ``grade_id`` (``test_<name>``) belongs to, else None."""
    return (
        grade_id.removeprefix(TEST_CELL_PREFIX) if grade_id.startswith(TEST_CELL_PREFIX) else None
    )
