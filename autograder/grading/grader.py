"""Grading orchestration: submissions in, one sandboxed job per graded function, results out.

Each submission gets one confined session (``autograder.sandbox``); each of its graded functions
is a job there: the function's cell, the imports, the hidden cases' arguments drawn for this
submission, and the names of the kit's helpers it may call, which run in a helper server
(``kit_helpers``), never in the sandbox. What comes back is plain data, judged here, in the
trusted process. One broken, looping or hostile function costs only its own points. The pieces
live elsewhere: the prepared assignment in ``assignment``, the job message and reading what came
back in ``jobs``, deciding a case in ``judge``, the result model in ``results``.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path

from tqdm import tqdm

from autograder.course.notebooks import (
    NotebookError,
    checked_notebook,
    find_graded_cells,
    parse_notebook,
    read_submitted,
)
from autograder.grading.assignment import JOBS_PER_CORE, Assignment, helpers_of
from autograder.grading.cases import PreparedCase, judge_prepared
from autograder.grading.helper_bounds import CallBounds
from autograder.grading.jobs import JobReport, describe_ending, job_message, read_messages
from autograder.grading.kit_helpers import HelperServers, error_reply
from autograder.grading.reference import reference_sources
from autograder.grading.results import (
    ALL_OR_NOTHING,
    PARTIAL_CREDIT,
    SCORING_MODES,
    CaseFailure,
    FunctionResult,
    HelperNote,
    SubmissionResult,
)
from autograder.sandbox.channel import Frame
from autograder.sandbox.pool import (
    DEADLINE_GRACE,
    SandboxError,
    SandboxPool,
    Session,
    SessionRefused,
)
from autograder.sandbox.protocol import (
    KIT_HELPERS,
    OWN_HELPERS,
    Ending,
    HelperCall,
    Limits,
    ProtocolError,
)

# A submission as the grader takes it: a notebook file, or a notebook a route already parsed.
Source = Path | dict


@dataclass(frozen=True)
class ReadSubmission:
    """What reading one submission gave: its notebook, or why it cannot be graded at all."""

    notebook: dict | None
    sha256: str | None = None  # of the bytes read (a file's; None for a parsed notebook)
    problem: str | None = None


@dataclass
class Job:
    """One graded function of one submission, as sent to the sandbox and judged afterwards."""

    submission: int
    identity: str  # who submitted it: the hidden cases are drawn for this identity
    name: str
    code: str | None
    helpers: list[str]
    problem: str | None = None
    note: str | None = None
    result: FunctionResult | None = None
    own_failure: CaseFailure | None = None  # first failure with the student's own helpers
    cell_stopped: str | None = None  # why running its cell never finished in its job, if so
    helper_stopped: str | None = None  # the note's words for a helper whose cell never finished


class Grader:
    """Grades batches of submissions of one assignment with a shared pool of sandboxes."""

    def __init__(
        self,
        assignment: Assignment,
        pool: SandboxPool,
        helpers: HelperServers | None = None,
        scoring: str = ALL_OR_NOTHING,
    ) -> None:
        if scoring not in SCORING_MODES:
            raise ValueError(f"scoring is one of {SCORING_MODES}, not {scoring!r}")
        self.assignment = assignment
        self.pool = pool
        self.helpers = helpers
        self.scoring = scoring  # chosen once: every result is made in this mode
        self._student_cells: dict[int, dict[str, str]] = {}

    @staticmethod
    def _read(source: Source, identity: str, problem: str | None) -> ReadSubmission:
        """Read one submission; whatever the file holds, only this submission is affected."""
        if problem is not None:
            return ReadSubmission(None, problem=problem)
        sha256 = None
        try:
            if isinstance(source, Path):
                submitted = read_submitted(source)
                sha256 = submitted.sha256
                notebook = parse_notebook(submitted)
            else:
                notebook = checked_notebook(source, f"the notebook of {identity}")
            return ReadSubmission(notebook, sha256)
        except NotebookError as error:
            return ReadSubmission(None, sha256, str(error))
        except Exception as error:
            reason = f"the notebook could not be read ({type(error).__name__})"
            return ReadSubmission(None, sha256, reason)

    def _jobs_for(self, index: int, read: ReadSubmission, identity: str) -> tuple[list[Job], str]:
        """The jobs of one submission and the imports they share; a submission that could not be
        read has every function not graded, saying why."""
        names = self.assignment.names
        if read.notebook is None:
            return [Job(index, identity, name, None, [], read.problem) for name in names], ""
        cells = find_graded_cells(read.notebook, names)
        # The kit's imports, plus any the student added in their own (non-graded) cells.
        lines = [*self.assignment.imports.splitlines(), *cells.imports.splitlines()]
        imports = "\n".join(dict.fromkeys(lines))
        sources = {**self.assignment.references, **cells.code}
        jobs = []
        for name in names:
            code = cells.code.get(name)
            helpers = [h for h in helpers_of(name, sources, names) if h in cells.code]
            problem, note = cells.problems.get(name), cells.notes.get(name)
            job = Job(index, identity, name, code, helpers, problem, note)
            jobs.append(job)
        self._student_cells[index] = cells.code
        return jobs, imports

    def _grade_submission(
        self, index: int, source: Source, identity: str, problem: str | None = None
    ) -> tuple[list[Job], ReadSubmission]:
        """Grade one submission: every graded function in its own child, in one confined world.

        A session that breaks down (its processes killed, a setup that fails) costs the function
        it was running, named as the grader's fault; the rest continue in a fresh session.
        """
        read = self._read(source, identity, problem)
        jobs, imports = self._jobs_for(index, read, identity)
        pending = []
        for job in jobs:
            if job.problem is not None or job.code is None:
                job.result = self._result(job, not_graded=job.problem or "no code")
            else:
                pending.append(job)
        memory = max((self.assignment.limits(job.name).memory_mb for job in pending), default=0)
        plots = "matplotlib" in imports or any("matplotlib" in job.code for job in pending)
        while pending:
            try:
                with self.pool.session(memory, plots) as session:
                    while pending:
                        self._run(pending[0], imports, session, jobs)
                        pending.pop(0)
            except SessionRefused as error:
                reason = f"the sandbox could not be set up ({error}); not your fault"
                for job in pending:
                    job.result = self._result(job, not_graded=reason)
                pending = []
            except (SandboxError, OSError, ValueError) as error:
                job = pending.pop(0)
                print(f"dnnkit grade: sandbox failure on {job.name}: {error!r}", file=sys.stderr)
                reason = f"the sandbox stopped while grading this function ({type(error).__name__})"
                job.result = self._result(job, not_graded=f"{reason}; not your fault")
        return jobs, read

    def _run(self, job: Job, imports: str, session: Session, jobs: list[Job]) -> None:
        """Sandbox one function in the submission's session and judge it; fills ``job.result``.

        A student's helper whose cell never finished running in its own job (``jobs``: this
        submission's, graded before) is not run again in this job's second stage: the same text
        would loop or crash the same way, at the cost of this job's CPU limit, only to say so.

        Sandbox failures propagate (the session is broken); a fault in judging is reported here.
        """
        stopped = {other.name: other.cell_stopped for other in jobs if other.cell_stopped}
        blamed = next((h for h in job.helpers if h in stopped), None)
        if blamed is not None:
            job.helper_stopped = f"running your {blamed} cell {stopped[blamed]}"
            own = {}
        else:
            own = {h: self._student_cells[job.submission][h] for h in job.helpers}
        cases = self.assignment.cases_for(job.name, job.identity)
        kit_helpers = self.assignment.kit_helpers[job.name]
        message = job_message(job.name, imports, kit_helpers, job.code, cases, own)
        limits = self.assignment.limits(job.name)
        # The session may extend the job by the grader's own delays (limits.credit_seconds at
        # most): its helper calls may take as long.
        served = replace(limits, wall_seconds=limits.wall_seconds + limits.credit_seconds)
        serve = self._helper_service(kit_helpers, served, cases) if kit_helpers else None
        if serve is not None and self.helpers is None:
            raise RuntimeError("this function needs the kit's helpers but no server runs")
        ending, messages = session.run(message, limits, serve)
        try:
            self._judge(job, read_messages(messages), ending, limits)
        except Exception as error:  # a fault of the grader: report it, keep grading the rest
            print(f"dnnkit grade: internal error on {job.name}: {error!r}", file=sys.stderr)
            reason = f"the grader failed on this function ({type(error).__name__})"
            job.result = self._result(job, not_graded=reason)

    def _helper_service(
        self, allowed: list[str], limits: Limits, cases: tuple[PreparedCase, ...]
    ) -> Callable[[Frame], Frame]:
        """Answer the child's calls of the kit's helpers it may use, through a helper server, when
        their arguments are no larger than the job's ``cases`` make plausible (``helper_bounds``):
        the server then does no work on a hostile call."""
        deadline = time.monotonic() + limits.wall_seconds + DEADLINE_GRACE
        bounds = CallBounds.of_cases(prepared.args for prepared in cases)

        def serve(request: Frame) -> Frame:
            try:
                name: str | None = HelperCall.name_of(request)  # the head only: no work yet
            except ProtocolError:
                name = None
            if name not in allowed:
                refused = f"{str(name)[:40]!r} is not a helper of this function"
                return error_reply("NameError", refused)
            breach = bounds.breach(request)
            if breach is not None:
                refused = f"arguments too large for the kit's {name}: {breach}"
                return error_reply("MemoryError", refused)
            return self.helpers.call(request, deadline)

        return serve

    def _judge(self, job: Job, report: JobReport, ending: Ending, limits: Limits) -> None:
        printed = ending.printed
        if ending.setup_failed:
            reason = f"the sandbox could not be set up ({ending.setup_failed}); not your fault"
            job.result = self._result(job, printed, not_graded=reason)
            return
        if not report.cell_reported:
            job.cell_stopped = describe_ending(ending, limits)
            job.result = self._result(
                job, printed, not_graded=f"running your cell {job.cell_stopped}"
            )
            return
        if report.cell_error:
            job.result = self._result(job, printed, not_graded=report.cell_error)
            return
        failures = self._failures(job, report, KIT_HELPERS, ending, limits)
        job.result = self._result(job, printed, failures)
        if not failures and job.helper_stopped is not None:
            first = self.assignment.cases_for(job.name, job.identity)[0].case.name
            job.own_failure = CaseFailure(first, (job.helper_stopped,))
        elif not failures and job.helpers:
            own = self._failures(job, report, OWN_HELPERS, ending, limits, stop_at_first=True)
            job.own_failure = own[0] if own else None

    def _failures(
        self,
        job: Job,
        report: JobReport,
        stage: str,
        ending: Ending,
        limits: Limits,
        stop_at_first: bool = False,
    ) -> list[CaseFailure]:
        failures: list[CaseFailure] = []
        cases = self.assignment.cases_for(job.name, job.identity)
        for i, prepared in enumerate(cases):
            outcome = report.outcome(stage, i)
            if outcome is None:  # the child stopped here: say why, once
                stopped = f"your function {describe_ending(ending, limits)}"
                # The cases after this one never ran: partial credit must not count them.
                unrun = len(cases) - i - 1
                failures.append(CaseFailure(prepared.case.name, (stopped,), unrun=unrun))
                break
            if stage == KIT_HELPERS and i == 0:
                rerun = report.rerun
                if rerun is not None and rerun.error is None:
                    outcome.rerun_value, outcome.reran = rerun.value, True
            sent = report.sent(stage, i, outcome.reran)
            failure = judge_prepared(
                self.assignment.assignment_id, job.name, prepared, outcome, sent
            )
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
            len(self.assignment.specs[job.name].cases),
            failures=failures or [],
            not_graded=not_graded,
            notes=[job.note] if job.note else [],
            printed=printed,
            partial_credit=self.scoring == PARTIAL_CREDIT,
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

    def grade(
        self,
        sources: list[Source],
        progress: bool = False,
        on_result: Callable[[int, SubmissionResult], None] | None = None,
        identities: list[str] | None = None,
        problems: list[str | None] | None = None,
    ) -> list[SubmissionResult]:
        """Grade every submission; results come back in the order of ``sources``.

        A source is a notebook file (read here, by the safe opener) or a notebook already parsed
        by the caller (nbgrader's pipeline holds one). ``identities`` name the submissions
        (student ids) for drawing their hidden cases; by default each file's name without
        ``.ipynb`` (required for parsed notebooks). ``problems`` say, per submission, why it
        cannot be graded whatever it holds (its result then says so; nothing is opened).

        Each submission is finished (helper notes added) as soon as its last function is judged,
        and handed to ``on_result(index, result)`` then, so a caller can save it before the rest
        of the batch is done: a killed batch loses only the submissions still in flight.
        """
        identities = identities or [Path(source).stem for source in sources]
        problems = problems or [None] * len(sources)
        isolation = self.pool.isolation  # what every result says it was graded under
        results: list[SubmissionResult | None] = [None] * len(sources)

        def finish(index: int, jobs: list[Job], read: ReadSubmission) -> None:
            self._add_helper_notes(jobs)
            tests = [job.result for job in jobs]
            source = sources[index]
            name = str(source) if isinstance(source, Path) else f"notebook of {identities[index]}"
            result = SubmissionResult(
                name, tests, isolation, read.sha256, read.problem, self.scoring
            )
            results[index] = result
            if on_result is not None:
                on_result(index, result)

        bar = tqdm(total=len(sources), disable=not progress, unit="submission")
        # Submissions are queued in order, so the first ones finish first.
        with bar, ThreadPoolExecutor(self.pool.workers) as executor:
            submissions = enumerate(zip(sources, identities, problems, strict=True))
            futures = {
                executor.submit(self._grade_submission, index, source, identity, problem): index
                for index, (source, identity, problem) in submissions
            }
            try:
                for future in as_completed(futures):
                    finish(futures[future], *future.result())
                    bar.update()
            except BaseException:  # a failing callback or ^C: do not grade the rest first
                for future in futures:
                    future.cancel()
                raise
        return [result for result in results if result is not None]


class GradingRun:
    """What grading one assignment needs, started once and shared by every submission graded
    with it: warm sandboxes, helper servers and the prepared assignment.

    ``dnnkit grade`` opens one per batch and assignment, nbgrader's autograde one per command.
    Raises :class:`autograder.sandbox.pool.IsolationUnavailable` when the sandbox cannot isolate
    student code here, unless ``insecure``: then every result says it was graded without it.
    """

    def __init__(
        self,
        assignment_id: str,
        workers: int,
        insecure: bool = False,
        scoring: str = ALL_OR_NOTHING,
    ) -> None:
        imports, _, _ = reference_sources(assignment_id)
        # Zygotes and helper servers start while the assignment is prepared.
        self.pool = SandboxPool(workers, imports, strict=not insecure)
        try:
            self.helpers = HelperServers(assignment_id, workers)
        except BaseException:
            self.pool.close()
            raise
        try:
            assignment = Assignment.load(assignment_id)
            self.pool.require_isolation()
        except BaseException:
            self.close()
            raise
        self.grader = Grader(assignment, self.pool, self.helpers, scoring)

    def close(self) -> None:
        self.helpers.close()
        self.pool.close()

    def __enter__(self) -> GradingRun:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def grade_paths(
    paths: list[Path],
    assignment_id: str,
    workers: int | None = None,
    progress: bool = False,
    insecure: bool = False,
    on_result: Callable[[int, SubmissionResult], None] | None = None,
    identities: list[str] | None = None,
    problems: list[str | None] | None = None,
    scoring: str = ALL_OR_NOTHING,
) -> list[SubmissionResult]:
    """Grade submissions of one assignment (the Python entry point of ``dnnkit grade``), every
    result scored in ``scoring`` (:data:`autograder.grading.results.SCORING_MODES`).

    ``identities`` (student ids) choose each submission's hidden cases; by default the file names.
    ``problems``: why a submission cannot be graded whatever it holds (see :meth:`Grader.grade`).

    ``on_result(index, result)`` is called as each submission is finished (its isolation set),
    in the order they finish, so a batch can store results as it goes.

    Raises :class:`autograder.sandbox.pool.IsolationUnavailable` when the sandbox cannot isolate
    student code here, unless ``insecure``: then every result says it was graded without it.
    """
    # Three warm sandboxes per core (a job waits on its grader thread and the helper server part of
    # the time; measured on 2 cores, 200 submissions: 2 workers 139 ms each, 4: 122, 6: 113), but
    # no more than there are submissions: starting one costs more than it saves on one notebook.
    workers = workers or min(JOBS_PER_CORE * (os.cpu_count() or 1), len(paths))
    with GradingRun(assignment_id, workers, insecure, scoring) as run:
        return run.grader.grade(paths, progress, on_result, identities, problems)
