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

Much of this text comes from the sandboxed child (error messages, type names, dictionary keys in
comparisons) and a long text is a channel out of the sandbox, so every entry is cut at
:data:`MAX_ENTRY_CHARS` and one function's whole feedback at :data:`MAX_FEEDBACK_CHARS`; cut text
says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autograder.grading.results import CaseFailure, FunctionResult, HelperNote

MAX_PROBLEMS_SHOWN = 3  # per case
MAX_FAILED_CASES_SHOWN = 3  # per function
# One problem, hint, note or reason: room for a documented case's expected array (under 500
# characters in every lesson), not for a hidden input or a page of someone else's code.
MAX_ENTRY_CHARS = 600
MAX_FEEDBACK_CHARS = 2_000  # one function's whole feedback
CUT = " [... cut]"
FEEDBACK_CUT = "... (the rest of this feedback was cut)"
PRINTED = "Your function printed while graded; printed output is not shown here."


def clip(text: str, limit: int = MAX_ENTRY_CHARS) -> str:
    """``text`` if at most ``limit`` characters long, else its start and a mark saying so."""
    text = str(text)
    if len(text) <= limit:
        return text
    return text[: max(limit - len(CUT), 0)] + CUT


def _first_line(text: str) -> str:
    return text.split("\n", 1)[0]


def _items(failure: CaseFailure) -> list[str]:
    """A case's entries in the order shown: some problems, then every hint, each clipped."""
    shown = [clip(problem) for problem in failure.problems[:MAX_PROBLEMS_SHOWN]]
    if len(failure.problems) > MAX_PROBLEMS_SHOWN:
        hidden = len(failure.problems) - MAX_PROBLEMS_SHOWN
        shown.append(f"... and {hidden} more problems in this case")
    return shown + [clip(f"Hint: {hint}") for hint in failure.hints]


def _case_name(failure: CaseFailure) -> str:
    return clip(failure.case, 200)


def render_case(failure: CaseFailure) -> str:
    """One failed case: its name and first entry on one line, each further entry indented."""
    return f"[{_case_name(failure)}] " + "\n    ".join(_items(failure))


def _fit(head: list[str], body: list[str], tail: list[str]) -> str:
    """Join the parts, dropping (or cutting) body parts so the whole fits MAX_FEEDBACK_CHARS.

    The head (notes, status) and the tail (printed, helper note) are short and always kept.
    """
    text = "\n".join(head + body + tail)
    if len(text) <= MAX_FEEDBACK_CHARS:
        return text
    room = MAX_FEEDBACK_CHARS - len("\n".join([*head, FEEDBACK_CUT, *tail])) - 1
    kept: list[str] = []
    for part in body:
        if len(part) + 1 > room:
            if room > 80:  # enough to say something useful
                kept.append(clip(part, room - 1))
            break
        kept.append(part)
        room -= len(part) + 1
    return clip("\n".join([*head, *kept, FEEDBACK_CUT, *tail]), MAX_FEEDBACK_CHARS)


def _case_headline(failure: CaseFailure) -> str:
    """The first line of :func:`render_case`: the case's name and its first entry's first line."""
    items = _items(failure)
    return f"[{_case_name(failure)}] " + (_first_line(items[0]) if items else "")


def render_helper_note(note: HelperNote) -> str:
    """Say that the function passed only with the kit's helpers, and where the student's fail."""
    return clip(
        f"Note: graded with the kit's own {', '.join(note.helpers)}. With your own "
        f"{', '.join(note.broken)} this function would fail: {_case_headline(note.failure)}"
    )


def render_feedback(result: FunctionResult) -> str:
    """The whole feedback of one graded function (the layout in this module's docstring)."""
    head = [clip(f"Note: {note}") for note in result.notes]
    body: list[str] = []
    if result.not_graded is not None:
        head += ["Not graded.", clip(result.not_graded)]
    elif result.failures:
        head.append(f"Failed {len(result.failures)} of {result.cases} cases.")
        body += [render_case(failure) for failure in result.failures[:MAX_FAILED_CASES_SHOWN]]
        if len(result.failures) > MAX_FAILED_CASES_SHOWN:
            hidden = len(result.failures) - MAX_FAILED_CASES_SHOWN
            body.append(f"... and {hidden} more failing cases")
    else:
        head.append(f"All {result.cases} cases passed.")
    tail = [PRINTED] if result.printed else []
    if result.helper_note is not None:
        tail.append(render_helper_note(result.helper_note))
    return _fit(head, body, tail)


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
            return _row(clip(f"Hint: {own_line[0]}")).strip()
    if shown:
        return _row(_case_headline(shown[0]))
    return _row(clip(result.not_graded or ""))


def _row(text: str) -> str:
    """Text up to its first line boundary of any kind (a summary line must not break)."""
    return (text.splitlines() or [""])[0]


def render_hidden_test_failures(function_name: str, failures: list[CaseFailure]) -> str:
    """The message of the nbgrader path's AssertionError: every failed case, one per bullet."""
    cases = [f"  - {render_case(failure)}" for failure in failures]
    return _fit([f"{function_name}: hidden tests failed"], cases, [])
