"""The text a student reads about a graded function, written from the result model in one place.

``dnnkit grade`` (the JSON "output" and the grade table) and the nbgrader path
(``inline.run_hidden_tests``) show failures only through these functions, so their wording and
layout cannot drift apart. The layout, one function's feedback::

    Note: <note>                          one line per note (a duplicated cell, say)
    Failed <n> of <cases> cases.          or "All <cases> cases passed." or "Not graded."
    [<case>] <problem>                    at most 3 cases, each with at most 3 problems, then
        <problem>                         "... and <k> more problems in this case"; every hint
        Hint: <hint>                      of the case; for "Not graded." the reason instead
    ... and <k> more failing cases
    Your function printed while graded; printed output is not shown here.
    Note: graded with the kit's own <helpers>. With your own <broken> this function would fail:
    [<case>] <first line of its first problem (or hint)>
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autograder.grading.results import CaseFailure, FunctionResult, HelperNote

MAX_PROBLEMS_SHOWN = 3  # per case
MAX_FAILED_CASES_SHOWN = 3  # per function
PRINTED = "Your function printed while graded; printed output is not shown here."


def _first_line(text: str) -> str:
    return text.split("\n", 1)[0]


def _items(failure: CaseFailure) -> list[str]:
    """A case's entries in the order shown: some problems, then every hint."""
    shown = list(failure.problems[:MAX_PROBLEMS_SHOWN])
    if len(failure.problems) > MAX_PROBLEMS_SHOWN:
        hidden = len(failure.problems) - MAX_PROBLEMS_SHOWN
        shown.append(f"... and {hidden} more problems in this case")
    return shown + [f"Hint: {hint}" for hint in failure.hints]


def render_case(failure: CaseFailure) -> str:
    """One failed case: its name and first entry on one line, each further entry indented."""
    return f"[{failure.case}] " + "\n    ".join(_items(failure))


def _case_headline(failure: CaseFailure) -> str:
    """The first line of :func:`render_case`: the case's name and its first entry's first line."""
    items = _items(failure)
    return f"[{failure.case}] " + (_first_line(items[0]) if items else "")


def render_helper_note(note: HelperNote) -> str:
    """Say that the function passed only with the kit's helpers, and where the student's fail."""
    return (
        f"Note: graded with the kit's own {', '.join(note.helpers)}. With your own "
        f"{', '.join(note.broken)} this function would fail: {_case_headline(note.failure)}"
    )


def render_feedback(result: FunctionResult) -> str:
    """The whole feedback of one graded function (the layout in this module's docstring)."""
    lines = [f"Note: {note}" for note in result.notes]
    if result.not_graded is not None:
        lines += ["Not graded.", result.not_graded]
    elif result.failures:
        lines.append(f"Failed {len(result.failures)} of {result.cases} cases.")
        lines += [render_case(failure) for failure in result.failures[:MAX_FAILED_CASES_SHOWN]]
        if len(result.failures) > MAX_FAILED_CASES_SHOWN:
            hidden = len(result.failures) - MAX_FAILED_CASES_SHOWN
            lines.append(f"... and {hidden} more failing cases")
    else:
        lines.append(f"All {result.cases} cases passed.")
    if result.printed:
        lines.append(PRINTED)
    if result.helper_note is not None:
        lines.append(render_helper_note(result.helper_note))
    return "\n".join(lines)


def headline(result: FunctionResult) -> str:
    """The most useful line of a failed function's feedback, for a one-line summary.

    The first hint that stands on a line of its own in the shown cases; else the first line of
    the first shown case (its name and first problem, or its hint when it failed on hints
    alone); else the reason it was not graded. Empty for a function that passed.
    """
    shown = result.failures[:MAX_FAILED_CASES_SHOWN]
    for failure in shown:
        # A case that failed on hints alone already shows its first hint on its headline.
        own_line = failure.hints if failure.problems else failure.hints[1:]
        if own_line:
            return _row(f"Hint: {own_line[0]}").strip()
    if shown:
        return _row(_case_headline(shown[0]))
    return _row(result.not_graded or "")


def _row(text: str) -> str:
    """Text up to its first line boundary of any kind (a summary line must not break)."""
    return (text.splitlines() or [""])[0]


def render_hidden_test_failures(function_name: str, failures: list[CaseFailure]) -> str:
    """The message of the nbgrader path's AssertionError: every failed case, one per bullet."""
    cases = "\n  - ".join(render_case(failure) for failure in failures)
    return f"{function_name}: hidden tests failed\n  - {cases}"
