"""The kit's helpers for sandboxed functions, run in a trusted process of their own.

A graded function that calls other graded functions (``L_model_forward`` calls
``linear_activation_forward``) is graded with the kit's versions of those, so one mistake costs one
function. Those versions must never enter the sandbox, so the child's call travels as plain data
(``autograder.sandbox.channel``) to the grader, which checks that the job may call that helper and
passes the call on to a helper server: ``python -m autograder.grading.kit_helpers ASSIGNMENT FD``.
The server holds the reference functions and runs them on the child's arguments in its own
process. The grader first refuses arguments larger than the job's cases allow
(``helper_bounds``); what passes is still limited per call, as no job's memory limit or cgroup
covers this process: a call may grow the server's address space by ``CALL_MEMORY_BYTES`` (past
that it gets a MemoryError) and may use ``CALL_CPU_SECONDS`` of CPU (past that the kernel ends the
server, even inside numpy). A server that died or outlived the job's deadline is restarted, and
the call gets an error reply the child raises: only the calling job pays.

A call is a :class:`autograder.sandbox.protocol.HelperCall` record, its answer a
:class:`HelperReply` (the value, or the error as a :class:`RemoteError`: type and message).
"""

from __future__ import annotations

import contextlib
import os
import queue
import resource
import signal
import socket
import subprocess
import sys
import time
from types import TracebackType
from typing import Any

import numpy as np

from autograder.sandbox import channel
from autograder.sandbox.channel import ChannelError, Frame
from autograder.sandbox.pool import sandbox_environment
from autograder.sandbox.protocol import HelperCall, HelperReply, ProtocolError, RemoteError

# Per call: the address space a call may add to the server's (measured: a call on lesson 2's
# X of 12288 x 209 float64 adds about 130 MB; six servers on 2 cores stay within about 4 GB) and
# its CPU time (lessons 1 and 3 use well under a millisecond a call, lesson 2's size about 0.12 s).
CALL_MEMORY_BYTES = 512 * 1024**2
CALL_CPU_SECONDS = 1.0
MAX_ERROR = 300


def error_reply(kind: str, message: str) -> Frame:
    """A reply the child's stand-in raises as ``kind(message)``; the two together are cut at
    ``MAX_ERROR`` characters of ``"kind: message"``, as the student reads them."""
    error = RemoteError(kind, message[: max(0, MAX_ERROR - len(kind) - 2)])
    return HelperReply(error=error).to_frame()


class HelperServer:
    """The grader's handle on one helper server process (one per grading worker)."""

    def __init__(self, assignment_id: str) -> None:
        self.assignment_id = assignment_id
        self._start()

    def _start(self) -> None:
        self.sock, theirs = socket.socketpair()
        self.process = subprocess.Popen(
            [sys.executable, "-m", __name__, self.assignment_id, str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            env=sandbox_environment(),
        )
        theirs.close()

    def call(self, request: Frame, deadline: float) -> Frame:
        """Run one call; an error reply when the server fails or runs past ``deadline``."""
        try:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            channel.send(self.sock, request)
            reply = channel.receive(self.sock, deadline)
            if reply is None:
                raise ChannelError("the helper server stopped")
            return reply
        except (ChannelError, TimeoutError, OSError):
            self.restart()
            name = HelperCall.name_of(request)  # checked by the grader before the call came here
            problem = f"the kit's {name} did not finish on these arguments"
            return error_reply("RuntimeError", problem)

    def restart(self) -> None:
        self.close()
        self._start()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


class HelperServers:
    """One helper server per grading worker, started at once (side by side with the zygotes).

    A call goes to the server that answered last, when it is free: a process whose caches are
    still warm answers sooner than one that slept (measured: a quarter less CPU per call).
    """

    def __init__(self, assignment_id: str, count: int) -> None:
        self._idle: queue.LifoQueue[HelperServer] = queue.LifoQueue()
        self._all = [HelperServer(assignment_id) for _ in range(count)]
        for server in self._all:
            self._idle.put(server)

    def call(self, request: Frame, deadline: float) -> Frame:
        """Run one call on a free server."""
        server = self._idle.get()
        try:
            return server.call(request, deadline)
        finally:
            self._idle.put(server)

    def close(self) -> None:
        for server in self._all:
            server.close()

    def __enter__(self) -> HelperServers:
        return self

    def __exit__(
        self, kind: type | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


def same_state(one: Any, other: Any) -> bool:
    """Whether two of numpy's legacy random states (``np.random.get_state()``) are equal; False
    for anything that is not one."""
    try:
        return (
            isinstance(one, tuple)
            and isinstance(other, tuple)
            and len(one) == len(other) == 5
            and one[0] == other[0]
            and one[2:] == other[2:]
            and np.array_equal(one[1], other[1])
        )
    except (TypeError, ValueError):
        return False


class Answerer:
    """Runs the named reference function on a call's arguments (trusted side).

    The global random state travels with each call. Setting and reading it costs more than most
    helpers, so the state is set only when it differs from the one this process is known to be
    in, and sent back only when the helper drew numbers (the child keeps its own otherwise).
    """

    def __init__(self, reference: Any) -> None:
        self.reference = reference
        self.state: Any = None  # the global random state after the last call; None: unknown

    def answer(self, request: Frame) -> Frame:
        """The reply to one call: the helper's value, or the error it raised, as plain data."""
        try:
            call = HelperCall.from_frame(request)
        except ProtocolError as error:
            return error_reply(type(error).__name__, str(error))
        function = getattr(self.reference, call.name, None)
        if function is None:
            return error_reply("NameError", f"the kit has no helper {call.name!r}")
        try:
            known = same_state(call.rng, self.state)
            self.state = None  # unknown until the helper returns: it may fail after drawing
            if not known:
                np.random.set_state(call.rng)
            value = function(*call.args, **call.kwargs)
            after = np.random.get_state()
            self.state = after
            drew = not same_state(after, call.rng)
            return HelperReply(value, after if drew else None).to_frame()
        except Exception as error:
            lines = str(error).strip().splitlines()
            return error_reply(type(error).__name__, lines[0] if lines else "")


def serve(assignment_id: str, fd: int) -> None:
    """The server's loop: one call in, one reply out, until the grader closes the socket; each
    call under the per-call memory and CPU limits (the module's docstring says why)."""
    from autograder.grading.reference import load_reference

    answerer = Answerer(load_reference(assignment_id))
    limit = _address_space() + CALL_MEMORY_BYTES
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    signal.signal(signal.SIGPROF, signal.SIG_DFL)  # the end of a call over its CPU time
    sock = socket.socket(fileno=fd)
    while True:
        try:
            request = channel.receive(sock)
        except (ChannelError, OSError):
            return
        if request is None:
            return
        signal.setitimer(signal.ITIMER_PROF, CALL_CPU_SECONDS)
        reply = answerer.answer(request)
        signal.setitimer(signal.ITIMER_PROF, 0)
        channel.send(sock, reply)


def _address_space() -> int:
    """This process's address space now (bytes): the base a call's memory is counted from."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]))
