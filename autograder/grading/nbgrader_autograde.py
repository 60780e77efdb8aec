"""nbgrader's ``autograde`` with the kit's sandboxed grader in place of running the notebook.

nbgrader autogrades a submission in two passes: it sanitizes the notebook (restoring the locked
test cells from the gradebook), then executes it in a kernel and lets ``SaveAutoGrades`` read each
test cell's points off its outputs: an error output earns nothing, an ``execute_result`` holding
a number earns that many points (partial credit), anything else earns all of them. Executing means
the student's code runs in an ordinary kernel, where it can read the kit's files, reach the
network and rewrite its own test results.

The kit's ``nbgrader_config.py`` swaps that execution step for :class:`SandboxedGrading`. It hands
the notebook to the kit's grader (one sandboxed job per graded function, hidden cases drawn for the
student id, exactly as ``dnnkit grade`` does) and writes each function's result into its
``test_<name>`` cell in the shape ``SaveAutoGrades`` reads, the kit's feedback as the cell's output.
No kernel starts. The rest of nbgrader's pipeline is untouched: the gradebook, late penalties,
formgrader, ``generate_feedback``, ``release_feedback`` and ``export``.

nbgrader builds a new preprocessor for every notebook, so the sandboxes, helper servers and the
prepared assignment (a :class:`GradingRun`) belong to the ``autograde`` run: one per converter and
assignment, closed when the converter is collected or the process exits.
"""

from __future__ import annotations

import weakref
from typing import Any

import nbformat
from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from traitlets import Bool, Integer

from autograder.course.markers import graded_test_name
from autograder.grading.grader import GradingRun
from autograder.grading.results import (
    ALL_OR_NOTHING,
    PARTIAL_CREDIT,
    FunctionResult,
    SubmissionResult,
)
from autograder.sandbox.pool import IsolationUnavailable

WITHOUT_ISOLATION = (
    "GRADED WITHOUT ISOLATION (SandboxedGrading.insecure): student code was not confined."
)
NO_FUNCTION = (
    "Not graded: this test cell belongs to no graded function of the kit's hidden tests, so the "
    "kit cannot award its points. Grade it by hand."
)


class AutogradeRefused(RuntimeError):
    """The sandbox cannot confine student code here and the course did not opt out."""


def grade_notebook(run: GradingRun, notebook: NotebookNode, student: str) -> SubmissionResult:
    """Grade one sanitized notebook, as nbgrader parsed it, for ``student`` (whose id draws the
    hidden cases)."""
    (result,) = run.grader.grade([notebook], identities=[student])
    return result


# The runs of each live converter, by assignment; a run is closed with its converter.
_runs: weakref.WeakKeyDictionary[Any, dict[str, GradingRun]] = weakref.WeakKeyDictionary()


def _close_runs(runs: dict[str, GradingRun]) -> None:
    for run in runs.values():
        run.close()


def grading_run(
    owner: Any, assignment_id: str, workers: int, insecure: bool, scoring: str
) -> GradingRun:
    """The run of ``owner`` (the autograde converter) for ``assignment_id``, started once."""
    runs = _runs.get(owner)
    if runs is None:
        runs = _runs[owner] = {}
        weakref.finalize(owner, _close_runs, runs)
    if assignment_id not in runs:
        try:
            runs[assignment_id] = GradingRun(assignment_id, workers, insecure, scoring)
        except IsolationUnavailable as error:
            raise AutogradeRefused(
                f"{error}\nunder nbgrader, instead of --insecure: "
                "c.SandboxedGrading.insecure = True in nbgrader_config.py"
            ) from error
    return runs[assignment_id]


def graded_cell_outputs(test: FunctionResult | None, notes: list[str]) -> list[NotebookNode]:
    """The outputs that make ``SaveAutoGrades`` award ``test``'s score, its feedback shown.

    Full points: the feedback as printed text. None: an error whose traceback is the feedback.
    Some (partial credit): the feedback, then the score as the cell's result.
    """
    if test is None:
        lines = [*notes, NO_FUNCTION]
        return [error_output("NotGraded", NO_FUNCTION, lines)]
    score = f"{test.name}: {test.score:g} of {test.max_score:g} points"
    text = "\n".join([*notes, score, test.feedback])
    if test.passed:
        return [nbformat.v4.new_output("stream", name="stdout", text=text + "\n")]
    if test.score > 0:
        return [
            nbformat.v4.new_output("stream", name="stdout", text=text + "\n"),
            nbformat.v4.new_output(
                "execute_result", data={"text/plain": f"{test.score:g}"}, execution_count=1
            ),
        ]
    first = test.feedback.split("\n", 1)[0]
    return [error_output("HiddenTestsFailed", first, text.split("\n"))]


def error_output(name: str, value: str, lines: list[str]) -> NotebookNode:
    return nbformat.v4.new_output("error", ename=name, evalue=value, traceback=lines)


def write_results(notebook: NotebookNode, result: SubmissionResult) -> int:
    """Put each graded function's result into its ``test_<name>`` cell; return cells written.

    Every grade cell that is not a solution gets outputs, so none keeps the full points nbgrader
    gives a test cell without an error.
    """
    by_name = {test.name: test for test in result.tests}
    notes = [] if result.isolated else [WITHOUT_ISOLATION]
    written = 0
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
            continue
        name = graded_test_name(str(meta.get("grade_id", "")))
        cell.outputs = graded_cell_outputs(by_name.get(name or ""), notes)
        cell.execution_count = None
        written += 1
    return written


class SandboxedGrading(Preprocessor):
    """nbgrader's execution step, replaced: the kit grades the notebook in its sandbox."""

    enabled = True  # nbconvert's preprocessors are off unless switched on
    partial_credit = Bool(
        False, help="Split a function's points over its hidden cases (default: all or nothing)."
    ).tag(config=True)
    workers = Integer(
        1,
        help="Sandboxes kept warm for the run; nbgrader grades one notebook at a time.",
    ).tag(config=True)
    insecure = Bool(
        False,
        help="Grade even where the sandbox cannot confine student code, marking every result.",
    ).tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        info = resources["nbgrader"]
        # The exporter's parent is the converter: one grading run per autograde command.
        owner = getattr(self.parent, "parent", None) or self.parent or self
        scoring = PARTIAL_CREDIT if self.partial_credit else ALL_OR_NOTHING
        run = grading_run(owner, info["assignment"], self.workers, self.insecure, scoring)
        result = grade_notebook(run, nb, info["student"])
        written = write_results(nb, result)
        self.log.info(
            "dnnkit graded %s for %s: %g of %g points in %d test cells",
            info["notebook"],
            info["student"],
            result.score,
            result.max_score,
            written,
        )
        return nb, resources
