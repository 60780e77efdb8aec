"""What runs inside a sandboxed child: one student function on every case of one job.

The child is already confined when this runs (see ``autograder.sandbox.zygote``). It only ever holds
the job: the imports, reference code for the *other* graded functions (so a mistake elsewhere
cannot cascade), the student's cell and the case arguments. Expected outputs never come here, so
nothing the student's code can find in memory tells it the answer; its outputs are written back
as plain data (``autograder.sandbox.transport``) and judged in the grader process.

The job's files are named in ``autograder.sandbox.protocol``.
"""

from __future__ import annotations

import json
import linecache
import signal
import traceback
from pathlib import Path
from typing import Any

import numpy as np

from autograder.sandbox import transport
from autograder.sandbox.protocol import (
    CELL_FILE,
    FIRST_SEED,
    KIT_HELPERS,
    OWN_HELPERS,
    RERUN_FILE,
    SECOND_SEED,
    JobSpec,
    args_path,
    outcome_path,
)

# CPU time left for the optional run with the student's own helpers (a looping helper must not
# cost much: the points are already decided by then).
OWN_HELPERS_CPU_SECONDS = 0.25
# Student-controlled text that reaches the feedback is kept short: the child holds the kit's code
# for the other functions, and a long message would be a channel to carry it out.
MAX_ERROR_MESSAGE = 160


def describe_error(function_name: str, error: BaseException) -> str:
    """Name the exception and the student's line it came from (their cells only)."""
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename.startswith("<cell") or frame.name == function_name
    ]
    where = f" at line `{frames[-1].line}`" if frames and frames[-1].line else ""
    if isinstance(error, SystemExit):
        return f"{function_name} tried to end the process (sys.exit / exit)"
    lines = str(error).strip().splitlines()
    message = lines[0][:MAX_ERROR_MESSAGE] if lines else ""
    return f"{function_name} raised {type(error).__name__}: {message}{where}"


def run_imports(source: str, namespace: dict) -> None:
    """Run each import on its own, so one missing module does not hide the others."""
    for statement in source.splitlines():
        try:
            exec(statement, namespace)
        except Exception:
            continue


# The kit's reference cells, compiled once in the zygote before forking and kept only as code:
# their source text never reaches a child, neither in the job file nor in ``linecache``.
REFERENCES: dict[str, Any] = {}


def forget_other_references(needed: list[str]) -> None:
    """Drop the kit's code for every function this job does not call, the graded one included.

    The zygote compiled every reference cell before forking; without this, a student's function
    could find its own reference in ``autograder.sandbox.child.REFERENCES`` and call it.
    """
    for name in set(REFERENCES) - set(needed):
        del REFERENCES[name]  # code objects hold no cycles: freed at once


def compile_student_cell(name: str, source: str) -> Any:
    """Compile a student's cell under ``<cell NAME>``, keeping its lines for error messages."""
    filename = f"<cell {name}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    return compile(source, filename, "exec")


def build_namespace(job: JobSpec, student_cells: dict[str, str]) -> tuple[dict, str | None]:
    """Imports, the kit's other functions, then the student's cells; their own cell's error."""
    namespace: dict = {"__name__": "__main__"}
    run_imports(job.imports, namespace)
    for name in job.references:
        exec(REFERENCES[name], namespace)
    function_name = job.function
    error = None
    for name, source in student_cells.items():
        try:
            exec(compile_student_cell(name, source), namespace)
        except BaseException as raised:
            if name == function_name:
                error = f"running your cell failed: {describe_error(name, raised)}"
    return namespace, error


def call_case(function: Any, name: str, directory: Path, index: int, seed: int) -> dict:
    """Call the function on a fresh copy of case ``index``'s arguments; capture what happened."""
    args = transport.load(args_path(directory, index))
    np.random.seed(seed)
    try:
        value = function(*args)
    except BaseException as error:
        return {"error": describe_error(name, error)}
    return {"value": value, "args_digests": [transport.digest(arg) for arg in args]}


def save_outcome(path: Path, outcome: dict) -> None:
    """Store an outcome; a return value that cannot be stored becomes an error of its own."""
    try:
        transport.save(path, outcome)
    except Exception as error:
        message = (
            f"returned a value that cannot be sent back as plain data ({type(error).__name__})"
        )
        transport.save(path, {"error": message})


def run_cases(function: Any, job: JobSpec, directory: Path, stage: str) -> None:
    """Run every case, saving each outcome at once so a later crash cannot take it back."""
    for index in range(job.cases):
        outcome = call_case(function, job.function, directory, index, FIRST_SEED)
        save_outcome(outcome_path(directory, stage, index), outcome)
        if stage == KIT_HELPERS and index == 0:
            outcome = call_case(function, job.function, directory, index, SECOND_SEED)
            save_outcome(directory / RERUN_FILE, outcome)


def main(directory: Path) -> None:
    """Run one job: the student's function with reference helpers, then with their own."""
    job = JobSpec.read(directory)
    name = job.function
    forget_other_references([other for other in job.references if other != name])
    namespace, error = build_namespace(job, {name: job.student})
    function = namespace.get(name)
    if error is None and not callable(function):
        error = f"your cell does not define a function named {name}"
    (directory / CELL_FILE).write_text(json.dumps({"error": error}))
    if error is not None:
        return
    run_cases(function, job, directory, KIT_HELPERS)
    if not job.own_helpers:
        return
    remaining = signal.getitimer(signal.ITIMER_PROF)[0] or OWN_HELPERS_CPU_SECONDS
    signal.setitimer(signal.ITIMER_PROF, min(remaining, OWN_HELPERS_CPU_SECONDS))
    cells = {**job.own_helpers, name: job.student}
    own_namespace, own_error = build_namespace(job, cells)
    if own_error is None and callable(own_namespace.get(name)):
        run_cases(own_namespace[name], job, directory, OWN_HELPERS)
