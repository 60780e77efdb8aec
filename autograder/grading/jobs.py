"""Job directories, the grader's side: write what a sandboxed run gets, read what it left behind.

The sandboxed child may have run hostile code, so everything read back is size-limited plain data
(never pickle) and anything missing or malformed reads as "not written". The file layout is
``autograder.sandbox.protocol``'s.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from autograder.grading.cases import PreparedCase
from autograder.grading.schema import Outcome
from autograder.sandbox import transport
from autograder.sandbox.protocol import (
    CELL_FILE,
    OUTPUT_FILE,
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


@contextmanager
def job_directory(function: str) -> Iterator[Path]:
    """A fresh directory for one job, removed with whatever the child wrote into it."""
    directory = Path(tempfile.mkdtemp(prefix=f"dnnkit-{function}-", dir=SCRATCH))
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def write_job(
    directory: Path,
    function: str,
    imports: str,
    references: list[str],
    code: str,
    cases: Sequence[PreparedCase],
    own_helpers: dict[str, str],
) -> None:
    """Write the job (:class:`JobSpec`) and each case's arguments; never an expected value."""
    JobSpec(function, imports, references, code, len(cases), own_helpers).write(directory)
    for index, prepared in enumerate(cases):
        transport.save(args_path(directory, index), prepared.fresh_args())


def printed_anything(directory: Path) -> bool:
    """Whether the function printed while graded (what it printed is never shown)."""
    try:
        output = transport.read_limited(directory / OUTPUT_FILE, OUTPUT_PEEK_BYTES)
    except transport.TransportError:
        return False
    return bool(output.decode("utf-8", "replace").strip())


def read_cell(directory: Path) -> dict | None:
    """What the child said about running the student's cell, or None if it never said."""
    try:
        value = json.loads(transport.read_limited(directory / CELL_FILE, 100_000))
    except (transport.TransportError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _read_outcome(path: Path) -> Outcome | None:
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


def read_outcome(directory: Path, stage: str, index: int) -> Outcome | None:
    """One case's outcome in ``stage``, or None when the child never wrote it (or wrote garbage)."""
    return _read_outcome(outcome_path(directory, stage, index))


def read_rerun(directory: Path) -> Outcome | None:
    """Case 0 called again under another seed, or None when the child never wrote it."""
    return _read_outcome(directory / RERUN_FILE)


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
