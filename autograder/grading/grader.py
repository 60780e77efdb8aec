"""Grading orchestration: submissions in, one sandboxed job per graded function, results out.

For every graded function of every submission, the grader writes a job (the function's cell, the
imports, the kit's reference code for the *other* graded functions, the hidden cases' arguments),
runs it in a confined child (``autograder.sandbox``), reads back plain data and decides here,
in the trusted process, whether each case passed. One broken, looping or hostile function costs
only its own points.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import signal
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from autograder.course.notebooks import NotebookError, find_graded_cells, read_notebook
from autograder.grading.cases import PreparedCase, judge_prepared, prepared_cases
from autograder.grading.judge import format_case
from autograder.grading.reference import reference_sources
from autograder.grading.results import FunctionResult, SubmissionResult
from autograder.grading.schema import GradedFunction, Outcome, load_hidden_tests
from autograder.sandbox import transport
from autograder.sandbox.pool import SandboxPool
from autograder.sandbox.protocol import (
    CELL_FILE,
    KIT_HELPERS,
    OUTPUT_FILE,
    OWN_HELPERS,
    RERUN_FILE,
    Ending,
    JobSpec,
    Limits,
    args_path,
    outcome_path,
)

OUTPUT_PEEK_BYTES = 64  # enough to tell whether the function printed at all
# Job directories live in memory when the OS offers it: many small files, written and read once.
SCRATCH = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
MAX_FAILED_CASES_SHOWN = 3


@dataclass
class Assignment:
    """What grading one assignment needs, prepared once per batch."""

    assignment_id: str
    specs: dict[str, GradedFunction]
    imports: str
    references: dict[str, str]
    points: dict[str, float]
    cases: dict[str, tuple[PreparedCase, ...]]

    @classmethod
    def load(cls, assignment_id: str) -> Assignment:
        specs = load_hidden_tests(assignment_id)
        imports, references, points = reference_sources(assignment_id)
        missing = [name for name in specs if name not in references]
        if missing:
            raise NotebookError(f"the solved notebook of {assignment_id} lacks cells for {missing}")
        cases = {name: prepared_cases(assignment_id, name) for name in specs}
        return cls(assignment_id, specs, imports, references, points, cases)

    @property
    def names(self) -> list[str]:
        return list(self.specs)


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
    own_problem: str | None = None


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


def describe_ending(ending: Ending, limits: Limits) -> str:
    """Say in words why a sandboxed run stopped before writing all its results."""
    if ending.timed_out:
        return f"did not finish within {limits.wall_seconds:g} s (an infinite loop?)"
    code = ending.exit_code
    if code in (-signal.SIGXCPU, -signal.SIGPROF):
        return f"used more than {limits.cpu_seconds:g} s of CPU time (an infinite loop?)"
    if code == -signal.SIGXFSZ:
        megabytes = limits.file_bytes / 1e6
        return f"printed or wrote more than {megabytes:g} MB (a print inside a big loop?)"
    if code < 0:
        return f"crashed (signal {signal.Signals(-code).name})"
    return (
        f"stopped the grading process (exit code {code}): do not call os._exit or sys.exit, and "
        "leave the grader's files alone"
    )


def _read_json(path: Path) -> dict | None:
    try:
        value = json.loads(transport.read_limited(path, 100_000))
    except (transport.TransportError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _outcome(path: Path) -> Outcome | None:
    """Read one stored outcome, or None when the child never wrote it (or wrote garbage)."""
    try:
        stored = transport.load(path)
    except transport.TransportError:
        return None
    if not isinstance(stored, dict):
        return None
    if "error" in stored:
        return Outcome(error=str(stored["error"])[:500])
    digests = stored.get("args_digests")
    digests = tuple(str(d) for d in digests) if isinstance(digests, list) else None
    return Outcome(value=stored.get("value"), args_digests=digests)


class Grader:
    """Grades batches of submissions of one assignment with a shared pool of sandboxes."""

    def __init__(self, assignment: Assignment, pool: SandboxPool) -> None:
        self.assignment = assignment
        self.pool = pool
        self._student_cells: dict[int, dict[str, str]] = {}

    def _limits(self, name: str) -> Limits:
        spec = self.assignment.specs[name]
        return Limits(spec.cpu_seconds, spec.wall_seconds, spec.memory_mb)

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

    def _write_job(self, directory: Path, job: Job, imports: str) -> None:
        name = job.name
        references = [n for n in self.assignment.references if n != name]
        own = {h: self._student_cells[job.submission][h] for h in job.helpers}
        cases = self.assignment.cases[name]
        JobSpec(name, imports, references, job.code, len(cases), own).write(directory)
        for i, prepared in enumerate(cases):
            transport.save(args_path(directory, i), prepared.fresh_args())

    def _run(self, job: Job, imports: str) -> None:
        """Sandbox one function and judge it; fills ``job.result``."""
        if job.problem is not None or job.code is None:
            job.result = self._result(job, [job.problem or "no code"], "")
            return
        directory = Path(tempfile.mkdtemp(prefix=f"dnnkit-{job.name}-", dir=SCRATCH))
        try:
            self._write_job(directory, job, imports)
            limits = self._limits(job.name)
            ending = self.pool.run(str(directory), limits)
            self._judge(job, directory, ending, limits)
        except Exception as error:  # a fault of the grader: report it, keep grading the rest
            print(f"dnnkit grade: internal error on {job.name}: {error!r}", file=sys.stderr)
            job.result = self._result(job, [f"the grader failed on this function ({error})"], "")
        finally:
            shutil.rmtree(directory, ignore_errors=True)

    def _judge(self, job: Job, directory: Path, ending: Ending, limits: Limits) -> None:
        try:
            output = transport.read_limited(directory / OUTPUT_FILE, OUTPUT_PEEK_BYTES)
        except transport.TransportError:
            output = b""
        printed = output.decode("utf-8", "replace")
        cell = _read_json(directory / CELL_FILE)
        if cell is None:
            stopped = describe_ending(ending, limits)
            job.result = self._result(job, [f"running your cell {stopped}"], printed)
            return
        if cell.get("error"):
            job.result = self._result(job, [str(cell["error"])[:500]], printed)
            return
        failures = self._failures(job, directory, KIT_HELPERS, ending, limits)
        job.result = self._result(job, failures, printed)
        if not failures and job.helpers:
            own = self._failures(job, directory, OWN_HELPERS, ending, limits, stop_at_first=True)
            job.own_problem = own[0].split("\n")[0] if own else None

    def _failures(
        self,
        job: Job,
        directory: Path,
        stage: str,
        ending: Ending,
        limits: Limits,
        stop_at_first: bool = False,
    ) -> list[str]:
        failures: list[str] = []
        for i, prepared in enumerate(self.assignment.cases[job.name]):
            outcome = _outcome(outcome_path(directory, stage, i))
            if outcome is None:
                failures.append(
                    f"[{prepared.case.name}] your function {describe_ending(ending, limits)}"
                )
                break
            if stage == KIT_HELPERS and i == 0:
                rerun = _outcome(directory / RERUN_FILE)
                if rerun is not None and rerun.error is None:
                    outcome.rerun_value, outcome.reran = rerun.value, True
            problems = judge_prepared(self.assignment.assignment_id, job.name, prepared, outcome)
            if problems:
                failures.append(format_case(prepared.case.name, problems))
                if stop_at_first:
                    break
        return failures

    def _result(self, job: Job, failures: list[str], printed: str) -> FunctionResult:
        points = self.assignment.points.get(job.name, 1.0)
        total = len(self.assignment.cases[job.name])
        lines = []
        if job.note:
            lines.append(f"Note: {job.note}")
        if failures:
            case_level = all(failure.startswith("[") for failure in failures)
            lines.append(
                f"Failed {len(failures)} of {total} cases." if case_level else "Not graded."
            )
            lines += failures[:MAX_FAILED_CASES_SHOWN]
            if len(failures) > MAX_FAILED_CASES_SHOWN:
                lines.append(f"... and {len(failures) - MAX_FAILED_CASES_SHOWN} more failing cases")
        else:
            lines.append(f"All {total} cases passed.")
        if printed.strip():
            lines.append("Your function printed while graded; printed output is not shown here.")
        passed = not failures
        return FunctionResult(job.name, points if passed else 0.0, points, "\n".join(lines), passed)

    def _add_helper_notes(self, jobs: list[Job]) -> None:
        """Tell a student whose function passed only thanks to the kit's helpers."""
        by_name = {job.name: job for job in jobs}
        for job in jobs:
            if job.result and job.result.passed and job.own_problem:
                broken = [h for h in job.helpers if not by_name[h].result.passed] or job.helpers
                job.result.feedback += (
                    f"\nNote: graded with the kit's own {', '.join(job.helpers)}. With your own "
                    f"{', '.join(broken)} this function would fail: {job.own_problem}"
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
