"""What runs inside a sandboxed child: one student function on every case of one job.

The child is already confined when this runs (``autograder.sandbox.zygote``). Everything it gets
comes over the job's socket as records of ``autograder.sandbox.protocol``: one :class:`Job` (the
imports, the student's cell, the cases' arguments and the *names* of the kit's helpers the graded
function may call). The kit's code never comes here: a helper name is bound to a stand-in that
sends a :class:`HelperCall` to the grader, which runs the kit's version in a trusted process and
answers with a :class:`HelperReply` (its value, or its error as type and message, raised here
again), so a mistake elsewhere cannot cascade into this function. Expected outputs never come
here either: a :class:`CellReport`, an :class:`Outcome` per case and stage and a :class:`Rerun`
go back as plain data and are judged by the grader.
"""

from __future__ import annotations

import builtins
import copy
import linecache
import signal
import socket
import sys
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from autograder.sandbox import channel
from autograder.sandbox.protocol import (
    FIRST_SEED,
    KIT_HELPERS,
    OWN_HELPERS,
    SECOND_SEED,
    CaseResult,
    CellReport,
    HelperCall,
    HelperReply,
    Job,
    Outcome,
    ProtocolError,
    RemoteError,
    Rerun,
)
from support.compare import describe_crash

# CPU time left for the optional run with the student's own helpers (a looping helper must not
# cost much: the points are already decided by then).
OWN_HELPERS_CPU_SECONDS = 0.25


def run_imports(source: str, namespace: dict) -> None:
    """Run the imports; when one fails, each on its own, so one missing module does not hide the
    others (all at once first: compiling each line alone costs more than the imports)."""
    try:
        exec(source, namespace)
        return
    except Exception:
        pass
    for statement in source.splitlines():
        try:
            exec(statement, namespace)
        except Exception:
            continue


class KitHelper:
    """Stands in for one of the kit's graded functions: the call runs in the grader.

    The global random state travels with the call, and back when the helper drew numbers, so a
    helper that draws random numbers behaves as if it had run here.
    """

    def __init__(self, sock: socket.socket, name: str) -> None:
        self.sock, self.__name__ = sock, name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        call = HelperCall(self.__name__, args, kwargs, np.random.get_state())
        channel.send(self.sock, call.to_frame())
        message = channel.receive(self.sock)
        try:
            reply = HelperReply.from_frame(message) if message is not None else None
        except ProtocolError:
            reply = None
        if reply is None:
            reply = HelperReply(error=RemoteError("RuntimeError", "no answer"))
        if reply.error is not None:
            raise _helper_error(reply.error)
        if reply.rng is not None:
            np.random.set_state(reply.rng)
        return reply.value


def _helper_error(error: RemoteError) -> Exception:
    """Rebuild the exception the kit's helper raised (a built-in type, or RuntimeError)."""
    exception = getattr(builtins, error.type, None)
    if isinstance(exception, type) and issubclass(exception, Exception):
        return exception(error.message)
    return RuntimeError(error.message)


def compile_student_cell(name: str, source: str) -> Any:
    """Compile a student's cell under ``<cell NAME>``, keeping its lines for error messages."""
    filename = f"<cell {name}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    return compile(source, filename, "exec")


def build_namespace(
    imports: str, helpers: dict[str, Callable[..., Any]], cells: dict[str, str], graded: str
) -> tuple[dict, str | None]:
    """Imports, the kit's helpers (stand-ins), then the student's cells; their own cell's error."""
    namespace: dict = {"__name__": "__main__"}
    run_imports(imports, namespace)
    namespace.update(helpers)
    error = None
    for name, source in cells.items():
        try:
            exec(compile_student_cell(name, source), namespace)
        except BaseException as raised:
            if name == graded:
                error = f"running your cell failed: {describe_crash(name, raised)}"
    return namespace, error


def call_case(function: Any, name: str, args: tuple, seed: int) -> CaseResult:
    """Call the function on a copy of one case's arguments; what it returned and left behind."""
    args = copy.deepcopy(args)
    np.random.seed(seed)
    try:
        value = function(*args)
    except BaseException as error:
        return CaseResult(error=describe_crash(name, error))
    return CaseResult(value, tuple(args))


def send_outcome(sock: socket.socket, outcome: Outcome | Rerun) -> None:
    """Send an outcome; a return value that cannot travel as plain data becomes an error."""
    try:
        message = outcome.to_frame()
    except Exception as error:
        kind = type(error).__name__
        problem = f"returned a value that cannot be sent back as plain data ({kind})"
        message = replace(outcome, result=CaseResult(error=problem)).to_frame()
    channel.send(sock, message)


def run_cases(
    sock: socket.socket,
    function: Any,
    name: str,
    cases: tuple[tuple[Any, ...], ...],
    stage: str,
    rerun: bool,
) -> None:
    """Run every case, sending each outcome at once so a later crash cannot take it back."""
    for index, args in enumerate(cases):
        send_outcome(sock, Outcome(stage, index, call_case(function, name, args, FIRST_SEED)))
        if rerun and index == 0:
            send_outcome(sock, Rerun(call_case(function, name, args, SECOND_SEED)))


def main(fd: int) -> None:
    """Run one job read from the socket on ``fd``: with the kit's helpers, then the student's."""
    sys.stdout.reconfigure(line_buffering=True)  # what was printed is there even if it loops
    sock = socket.socket(fileno=fd)
    message = channel.receive(sock)
    if message is None:
        return
    job = Job.from_frame(message)
    name = job.function
    helpers = {helper: KitHelper(sock, helper) for helper in job.helpers}
    namespace, error = build_namespace(job.imports, helpers, {name: job.student}, name)
    function = namespace.get(name)
    if error is None and not callable(function):
        error = f"your cell does not define a function named {name}"
    channel.send(sock, CellReport(error).to_frame())
    if error is not None:
        return
    run_cases(sock, function, name, job.cases, KIT_HELPERS, rerun=True)
    if not job.own_helpers:
        return
    remaining = signal.getitimer(signal.ITIMER_PROF)[0] or OWN_HELPERS_CPU_SECONDS
    signal.setitimer(signal.ITIMER_PROF, min(remaining, OWN_HELPERS_CPU_SECONDS))
    cells = {**job.own_helpers, name: job.student}
    own_namespace, own_error = build_namespace(job.imports, {}, cells, name)
    if own_error is None and callable(own_namespace.get(name)):
        run_cases(sock, own_namespace[name], name, job.cases, OWN_HELPERS, rerun=False)
