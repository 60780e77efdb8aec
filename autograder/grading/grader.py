"""Grading orchestration: submissions in, one sandboxed job per graded function, results out.

For every graded function of every submission, the grader writes a job (the function's cell, the
imports, the kit's reference code for the *other* graded functions, the hidden cases' arguments),
runs it in a confined child (``autograder.sandbox``), reads back plain data and decides here,
in the trusted process, whether each case passed. One broken, looping or hostile function costs
only its own points. The pieces live elsewhere: the prepared assignment in ``assignment``, the
job directory in ``jobs``, deciding a case in ``judge``, the result model in ``results``.
"""

from __future__ import annotations

import ast
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from autograder.course.notebooks import NotebookError, find_graded_cells, read_notebook
from autograder.grading.assignment import Assignment
from autograder.grading.cases import judge_prepared
from autograder.grading.jobs import (
    describe_ending,
    job_directory,
    printed_anything,
    read_cell,
    read_outcome,
    read_rerun,
    write_job,
)
from autograder.grading.reference import reference_sources
from autograder.grading.results import CaseFailure, FunctionResult, HelperNote, SubmissionResult
from autograder.sandbox.pool import SandboxPool
from autograder.sandbox.protocol import KIT_HELPERS, OWN_HELPERS, Ending, Limits


@dataclass
class Job:
    """One graded function of one submission, as sent to the sandbox and judged afterwards."""

    submission: int
    name: str
    code: str | None
    helpers: list[str]
    problem: str | None = None
    note: str | None = None
    result: FunctionResult | None = None
    own_failure: CaseFailure | None = None  # first failure with the student's own helpers


def called_names(source: str) -> set[str]:
    """Names a cell calls (``f(...)``); the whole text's words if the cell does not parse."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set(re.findall(r"\w+", source))
    calls = (node.func for node in ast.walk(tree) if isinstance(node, ast.Call))
    return {func.id for func in calls if isinstance(func, ast.Name)}


def helpers_of(name: str, sources: dict[str, str], names: list[str]) -> list[str]:
    """The other graded functions ``name`` calls, directly or through each other, in order."""
    found: list[str] = []
    pending = [name]
    while pending:
        calls = called_names(sources.get(pending.pop(), ""))
        for other in names:
            if other != name and other not in found and other in calls:
                found.append(other)
                pending.append(other)
    return found


class Grader:
    """Grades batches of submissions of one assignment with a shared pool of sandboxes."""

    def __init__(self, assignment: Assignment, pool: SandboxPool) -> None:
        self.assignment = assignment
        self.pool = pool
        self._student_cells: dict[int, dict[str, str]] = {}

    def _jobs_for(self, index: int, path: Path) -> tuple[list[Job], str]:
        names = self.assignment.names
        try:
            notebook = read_notebook(path)
        except NotebookError as error:
            return [Job(index, name, None, [], problem=str(error)) for name in names], ""
        cells = find_graded_cells(notebook, names)
        # The kit's imports, plus any the student added in their own (non-graded) cells.
        lines = [*self.assignment.imports.splitlines(), *cells.imports.splitlines()]
        imports = "\n".join(dict.fromkeys(lines))
        sources = {**self.assignment.references, **cells.code}
        jobs = []
        for name in names:
            code = cells.code.get(name)
            helpers = [h for h in helpers_of(name, sources, names) if h in cells.code]
            job = Job(index, name, code, helpers, cells.problems.get(name), cells.notes.get(name))
            jobs.append(job)
        self._student_cells[index] = cells.code
        return jobs, imports

    def _run(self, job: Job, imports: str) -> None:
        """Sandbox one function and judge it; fills ``job.result``."""
        if job.problem is not None or job.code is None:
            job.result = self._result(job, not_graded=job.problem or "no code")
            return
        try:
            with job_directory(job.name) as directory:
                references = [n for n in self.assignment.references if n != job.name]
                own = {h: self._student_cells[job.submission][h] for h in job.helpers}
                cases = self.assignment.cases[job.name]
                write_job(directory, job.name, imports, references, job.code, cases, own)
                limits = self.assignment.limits(job.name)
                ending = self.pool.run(str(directory), limits)
                self._judge(job, directory, ending, limits)
        except Exception as error:  # a fault of the grader: report it, keep grading the rest
            print(f"dnnkit grade: internal error on {job.name}: {error!r}", file=sys.stderr)
            reason = f"the grader failed on this function ({error})"
            job.result = self._result(job, not_graded=reason)

    def _judge(self, job: Job, directory: Path, ending: Ending, limits: Limits) -> None:
        printed = printed_anything(directory)
        cell = read_cell(directory)
        if cell is None:
            reason = f"running your cell {describe_ending(ending, limits)}"
            job.result = self._result(job, printed, not_graded=reason)
            return
        if cell.get("error"):
            job.result = self._result(job, printed, not_graded=str(cell["error"])[:500])
            return
        failures = self._failures(job, directory, KIT_HELPERS, ending, limits)
        job.result = self._result(job, printed, failures)
        if not failures and job.helpers:
            own = self._failures(job, directory, OWN_HELPERS, ending, limits, stop_at_first=True)
            job.own_failure = own[0] if own else None

    def _failures(
        self,
        job: Job,
        directory: Path,
        stage: str,
        ending: Ending,
        limits: Limits,
        stop_at_first: bool = False,
    ) -> list[CaseFailure]:
        failures: list[CaseFailure] = []
        for i, prepared in enumerate(self.assignment.cases[job.name]):
            outcome = read_outcome(directory, stage, i)
            if outcome is None:  # the child stopped here: say why, once
                stopped = f"your function {describe_ending(ending, limits)}"
                failures.append(CaseFailure(prepared.case.name, (stopped,)))
                break
            if stage == KIT_HELPERS and i == 0:
                rerun = read_rerun(directory)
                if rerun is not None and rerun.error is None:
                    outcome.rerun_value, outcome.reran = rerun.value, True
            failure = judge_prepared(self.assignment.assignment_id, job.name, prepared, outcome)
            if failure is not None:
                failures.append(failure)
                if stop_at_first:
                    break
        return failures

    def _result(
        self,
        job: Job,
        printed: bool = False,
        failures: list[CaseFailure] | None = None,
        not_graded: str | None = None,
    ) -> FunctionResult:
        return FunctionResult(
            job.name,
            self.assignment.points_of(job.name),
            len(self.assignment.cases[job.name]),
            failures=failures or [],
            not_graded=not_graded,
            notes=[job.note] if job.note else [],
            printed=printed,
        )

    def _add_helper_notes(self, jobs: list[Job]) -> None:
        """Tell a student whose function passed only thanks to the kit's helpers."""
        by_name = {job.name: job for job in jobs}
        for job in jobs:
            if job.result and job.result.passed and job.own_failure:
                broken = [h for h in job.helpers if not by_name[h].result.passed] or job.helpers
                job.result.helper_note = HelperNote(
                    tuple(job.helpers), tuple(broken), job.own_failure
                )

    def grade(self, paths: list[Path], progress: bool = False) -> list[SubmissionResult]:
        """Grade every submission; results come back in the order of ``paths``."""
        work: list[tuple[Job, str]] = []
        per_submission: list[list[Job]] = []
        for index, path in enumerate(paths):
            jobs, imports = self._jobs_for(index, path)
            per_submission.append(jobs)
            work += [(job, imports) for job in jobs]
        with ThreadPoolExecutor(self.pool.workers) as executor:
            running = executor.map(lambda item: self._run(*item), work)
            for _ in tqdm(running, total=len(work), disable=not progress, unit="function"):
                pass
        results = []
        for path, jobs in zip(paths, per_submission, strict=True):
            self._add_helper_notes(jobs)
            results.append(SubmissionResult(str(path), [job.result for job in jobs]))
        return results


def grade_paths(
    paths: list[Path], assignment_id: str, workers: int | None = None, progress: bool = False
) -> list[SubmissionResult]:
    """Grade submissions of one assignment (the Python entry point of ``dnnkit grade``)."""
    imports, references, _ = reference_sources(assignment_id)
    # One warm sandbox per core, but no more than there are submissions: starting one costs more
    # than it saves on a single notebook.
    workers = workers or min(os.cpu_count() or 1, len(paths))
    with SandboxPool(workers, imports, references) as pool:  # zygotes start while we prepare
        return Grader(Assignment.load(assignment_id), pool).grade(paths, progress=progress)
