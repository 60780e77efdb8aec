"""``dnnkit grade``: grade submitted notebooks function by function, each in its own sandbox.

For every graded function of every submission, the grader writes a job (the function's cell, the
imports, the kit's reference code for the *other* graded functions, the hidden cases' arguments),
runs it in a confined child (``autograder/sandbox.py``), reads back plain data and decides here,
in the trusted process, whether each case passed. One broken, looping or hostile function costs
only its own points.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import signal
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from autograder import transport
from autograder.cases import PreparedCase, judge_prepared, prepared_cases
from autograder.hidden.base import GradedFunction, Outcome, format_case, load_hidden_tests
from autograder.notebook import (
    NotebookError,
    find_graded_cells,
    read_notebook,
    reference_sources,
    solved_notebook_path,
)
from autograder.sandbox import Ending, Limits, SandboxPool

OUTPUT_PEEK_BYTES = 64  # enough to tell whether the function printed at all
# Job directories live in memory when the OS offers it: many small files, written and read once.
SCRATCH = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
MAX_FAILED_CASES_SHOWN = 3


@dataclass
class FunctionResult:
    """The grade of one graded function, with the feedback the student reads."""

    name: str
    score: float
    max_score: float
    feedback: str
    passed: bool = False

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "score": self.score,
            "max_score": self.max_score,
            "status": "passed" if self.passed else "failed",
            "output": self.feedback,
        }


@dataclass
class SubmissionResult:
    """The grade of one submitted notebook."""

    submission: str
    tests: list[FunctionResult] = field(default_factory=list)

    @property
    def score(self) -> float:
        return sum(test.score for test in self.tests)

    @property
    def max_score(self) -> float:
        return sum(test.max_score for test in self.tests)

    def to_json(self) -> dict:
        """Gradescope's results.json shape, plus the submission's path."""
        return {
            "submission": self.submission,
            "score": self.score,
            "max_score": self.max_score,
            "tests": [test.to_json() for test in self.tests],
        }


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
        description = {
            "function": name,
            "imports": imports,
            "references": references,
            "student": job.code,
            "own_helpers": own,
            "cases": len(self.assignment.cases[name]),
        }
        (directory / "job.json").write_text(json.dumps(description))
        for i, prepared in enumerate(self.assignment.cases[name]):
            transport.save(directory / f"args_{i}", prepared.fresh_args())

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
            output = transport.read_limited(directory / "output.txt", OUTPUT_PEEK_BYTES)
        except transport.TransportError:
            output = b""
        printed = output.decode("utf-8", "replace")
        cell = _read_json(directory / "cell.json")
        if cell is None:
            stopped = describe_ending(ending, limits)
            job.result = self._result(job, [f"running your cell {stopped}"], printed)
            return
        if cell.get("error"):
            job.result = self._result(job, [str(cell["error"])[:500]], printed)
            return
        failures = self._failures(job, directory, "case", ending, limits)
        job.result = self._result(job, failures, printed)
        if not failures and job.helpers:
            own = self._failures(job, directory, "own", ending, limits, stop_at_first=True)
            job.own_problem = own[0].split("\n")[0] if own else None

    def _failures(
        self,
        job: Job,
        directory: Path,
        prefix: str,
        ending: Ending,
        limits: Limits,
        stop_at_first: bool = False,
    ) -> list[str]:
        failures: list[str] = []
        for i, prepared in enumerate(self.assignment.cases[job.name]):
            outcome = _outcome(directory / f"{prefix}_{i}")
            if outcome is None:
                failures.append(
                    f"[{prepared.case.name}] your function {describe_ending(ending, limits)}"
                )
                break
            if prefix == "case" and i == 0:
                rerun = _outcome(directory / "rerun_0")
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


def guess_assignment(path: Path) -> str | None:
    """The assignment a submission belongs to, from its file name or its folder's name."""
    for candidate in (path.stem, path.parent.name):
        if (
            re.fullmatch(r"[a-z_][a-z0-9_]*", candidate)
            and solved_notebook_path(candidate).exists()
        ):
            return candidate
    return None


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


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "grade",
        help="grade submitted notebooks, each graded function in its own sandbox",
        description="Grade submitted notebooks function by function in resource-limited "
        "sandboxes. Exit code 0 whenever grading ran, whatever the scores.",
    )
    parser.add_argument("submissions", nargs="+", type=Path, metavar="SUBMISSION.ipynb")
    parser.add_argument(
        "--assignment", help="assignment id (default: from the file or folder name)"
    )
    parser.add_argument("--json", action="store_true", help="print Gradescope-style JSON")
    parser.add_argument(
        "--workers", type=int, default=None, help="parallel sandboxes (default: cores)"
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    groups: dict[str, list[Path]] = {}
    for path in args.submissions:
        assignment_id = args.assignment or guess_assignment(path)
        if assignment_id is None:
            print(
                f"dnnkit grade: cannot tell the assignment of {path}; pass --assignment",
                file=sys.stderr,
            )
            return 2
        groups.setdefault(assignment_id, []).append(path)
    results: dict[Path, SubmissionResult] = {}
    try:
        for assignment_id, paths in groups.items():
            graded = grade_paths(paths, assignment_id, args.workers, progress=sys.stderr.isatty())
            results.update(zip(paths, graded, strict=True))
    except (ImportError, ValueError, NotebookError, OSError) as error:
        print(f"dnnkit grade: grading could not run: {error}", file=sys.stderr)
        return 2
    ordered = [results[path] for path in args.submissions]
    if args.json:
        print(json.dumps([result.to_json() for result in ordered], indent=2))
    else:
        print(render_table(ordered))
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m autograder.grade``: the same command without loading the other subcommands."""
    parser = argparse.ArgumentParser(prog="python -m autograder.grade")
    register(parser.add_subparsers(dest="command", required=True))
    return handle(parser.parse_args(["grade", *(sys.argv[1:] if argv is None else argv)]))


if __name__ == "__main__":
    sys.exit(main())
