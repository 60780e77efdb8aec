"""The grader's side of the sandbox: warm zygote processes that run jobs in confined children.

One zygote per worker (``autograder.sandbox.zygote``). :meth:`SandboxPool.session` opens one
submission's confined world (its own namespaces); :meth:`Session.run` runs one graded function
there: it makes a fresh socket pair for the job, hands one end to the session (which gives it to
the job's child), sends the job, answers the child's helper calls through ``serve`` and collects
everything else the child sends, within the job's limits: a bounded number of messages and
bytes, and a deadline. Decoding and judging what came back is the caller's business.

When the isolation the zygotes promise cannot be set up, the pool refuses
(:class:`IsolationUnavailable`) unless it was made with ``strict=False`` (``--insecure``).
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from types import TracebackType

from autograder.sandbox import channel
from autograder.sandbox.channel import ChannelError, Frame
from autograder.sandbox.confinement import HOW_TO_ENABLE
from autograder.sandbox.protocol import CALL, Ending, Limits

# One thread per BLAS call: children run side by side on the cores, and a confined child may not
# start threads of its own.
SINGLE_THREADED = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
    "MPLBACKEND": "Agg",
}
MAX_MESSAGES = 400  # per job: a cell report, a rerun and two stages of cases fit many times over
MAX_JOB_BYTES = 128_000_000  # everything one job may send back
DEADLINE_GRACE = 2.0  # the session kills at the wall limit; the grader stops waiting a bit later
SESSION_START_SECONDS = 30.0
MAX_LINE = 65_536
LAYERS = (
    "separate user, PID, IPC, mount, UTS and network namespaces per submission",
    "a separate process per graded function, in its own session",
    "a private tmpfs as the whole filesystem (bytes and inodes capped)",
    "a seccomp filter",
    "CPU, address-space, output and open-file limits",
    "children die with their parent",
)

Serve = Callable[[Frame], Frame]


class SandboxError(RuntimeError):
    """The sandbox itself could not run (not the student's fault)."""


class SessionRefused(SandboxError):
    """A submission's confined world could not be set up (strict mode); the reason names the
    layer."""


class IsolationUnavailable(SandboxError):
    """The promised isolation cannot be set up here; the message says what is missing and how to
    enable it."""

    def __init__(self, missing: list[str]) -> None:
        lines = ["the sandbox cannot isolate student code on this machine:"]
        for problem in missing:
            layer = problem.split(":", 1)[0]
            how = HOW_TO_ENABLE.get(layer)
            lines.append(f"  - {problem}" + (f"\n    to enable: {how}" if how else ""))
        lines.append("grade anyway, without isolation, with --insecure (results are marked so)")
        super().__init__("\n".join(lines))
        self.missing = missing


class Zygote:
    """One warm process that starts confined sessions, one submission at a time."""

    def __init__(self, preload: str = "", strict: bool = True) -> None:
        self.preload, self.strict = preload, strict
        self.control, theirs = socket.socketpair()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "autograder.sandbox.zygote", str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            env={**os.environ, **SINGLE_THREADED},
        )
        theirs.close()
        self.control.sendall(json.dumps({"preload": preload, "strict": strict}).encode() + b"\n")
        self._reader = self.control.makefile("rb")
        self._hello: dict | None = None  # read when first needed: zygotes start side by side

    @property
    def hello(self) -> dict:
        """The zygote's ready line (read on first use)."""
        if self._hello is None:
            self._hello = self._read()
        return self._hello

    @property
    def missing(self) -> list[str]:
        """Confinement layers the zygote's probe could not set up, with reasons."""
        return [str(problem) for problem in self.hello.get("missing", [])]

    def _read(self) -> dict:
        line = self._reader.readline(MAX_LINE)
        if not line:
            raise SandboxError("the sandbox process stopped unexpectedly")
        return json.loads(line)

    def session(self, memory_mb: int, plots: bool = False) -> Session:
        """Start one submission's confined world (``plots``: it imports matplotlib)."""
        _ = self.hello  # waits until the zygote is ready
        ours, theirs = socket.socketpair()
        start = {"start": Limits(memory_mb=memory_mb).request(), "plots": plots}
        request = json.dumps(start).encode() + b"\n"
        socket.send_fds(self.control, [request], [theirs.fileno()])
        theirs.close()
        if "started" not in self._read():
            ours.close()
            raise SandboxError("the sandbox could not start a session")
        return Session(self, ours)

    def close(self, wait: bool = True) -> None:
        """End the zygote: closing its socket makes it leave its loop."""
        if self.process.poll() is None:
            with contextlib.suppress(OSError):
                self.control.shutdown(socket.SHUT_RDWR)
            self.control.close()
            if wait:
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.process.kill()


class Session:
    """One submission's confined world: its namespaces, and one child per graded function."""

    def __init__(self, zygote: Zygote, sock: socket.socket) -> None:
        self.zygote, self.sock = zygote, sock
        self._reader = sock.makefile("rb")
        self.sock.settimeout(SESSION_START_SECONDS)
        hello = self._read()
        if "setup_failed" in hello:
            self.close()
            raise SessionRefused(str(hello["setup_failed"]))

    def _read(self) -> dict:
        line = self._reader.readline(MAX_LINE)
        if not line:
            raise SandboxError("the submission's sandbox stopped unexpectedly")
        return json.loads(line)

    def run(self, job: Frame, limits: Limits, serve: Serve | None) -> tuple[Ending, list[Frame]]:
        """Run one job: send it, serve helper calls, collect the child's messages, get the end."""
        ours, theirs = socket.socketpair()
        try:
            request = json.dumps({"limits": limits.request()}).encode() + b"\n"
            self.sock.settimeout(limits.wall_seconds + DEADLINE_GRACE)
            socket.send_fds(self.sock, [request], [theirs.fileno()])
            theirs.close()
            messages = converse(ours, job, limits, serve)
        finally:
            ours.close()
        answer = self._read()
        if "error" in answer:
            raise SandboxError(str(answer["error"]))
        answer.pop("skipped", None)
        return Ending(**answer), messages

    def close(self) -> None:
        """End the session (its processes exit when the socket closes)."""
        with contextlib.suppress(OSError):
            self._reader.close()
            self.sock.close()


def converse(sock: socket.socket, job: Frame, limits: Limits, serve: Serve | None) -> list[Frame]:
    """Send the job, answer helper calls, keep everything else, until the child is gone.

    Stops early (closing the socket ends the child's next send) on a malformed frame, on more
    messages or bytes than any honest job sends, on a helper call when none is allowed, or at the
    deadline.
    """
    deadline = time.monotonic() + limits.wall_seconds + DEADLINE_GRACE
    messages: list[Frame] = []
    received = 0
    try:
        sock.settimeout(limits.wall_seconds + DEADLINE_GRACE)
        channel.send(sock, job)
        while True:
            message = channel.receive(sock, deadline, MAX_JOB_BYTES - received)
            if message is None:
                break
            received += message.size
            if message.kind == CALL:
                if serve is None:
                    break
                sock.settimeout(max(0.01, deadline - time.monotonic()))
                channel.send(sock, serve(message))
                continue
            messages.append(message)
            if len(messages) >= MAX_MESSAGES:
                break
    except (ChannelError, TimeoutError, OSError):
        pass  # what arrived so far is judged; the rest counts as never sent
    return messages


class SandboxPool:
    """A fixed set of zygotes shared by grading threads; use as a context manager.

    ``preload`` holds import statements every zygote runs once at start (the assignment's imports).
    With ``strict`` (the default) a machine that cannot set up every layer makes
    :meth:`require_isolation` raise :class:`IsolationUnavailable`.
    """

    def __init__(self, workers: int | None = None, preload: str = "", strict: bool = True) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.strict = strict
        self._idle: queue.Queue[Zygote] = queue.Queue()
        self._all = [Zygote(preload, strict) for _ in range(self.workers)]
        for zygote in self._all:
            self._idle.put(zygote)

    @property
    def missing(self) -> list[str]:
        """Every layer some zygote could not set up (empty when fully isolated)."""
        return sorted({problem for zygote in self._all for problem in zygote.missing})

    @property
    def isolation(self) -> dict:
        """The isolation in force, as results report it."""
        missing = self.missing
        return {
            "isolated": not missing,
            "layers": [] if missing else list(LAYERS),
            "missing": missing,
            "memory_cgroup": any(zygote.hello.get("cgroup") for zygote in self._all),
        }

    def require_isolation(self) -> None:
        """Refuse loudly when a strict pool's zygotes could not isolate their children."""
        missing = self.missing
        if missing and self.strict:
            raise IsolationUnavailable(missing)

    @contextlib.contextmanager
    def session(self, memory_mb: int = Limits.memory_mb, plots: bool = False) -> Iterator[Session]:
        """One submission's confined world on a free zygote (blocks until one is free).

        A zygote that died is replaced; a session is ended (and its processes killed) on exit.
        """
        zygote = self._idle.get()
        try:
            try:
                session = zygote.session(memory_mb, plots)
            except (SandboxError, OSError, ValueError) as error:
                if isinstance(error, SessionRefused):
                    raise
                zygote = self._replace(zygote)
                session = zygote.session(memory_mb, plots)
            try:
                yield session
            finally:
                session.close()
        finally:
            self._idle.put(zygote)

    def _replace(self, zygote: Zygote) -> Zygote:
        zygote.close(wait=False)
        self._all.remove(zygote)
        fresh = Zygote(zygote.preload, zygote.strict)
        self._all.append(fresh)
        return fresh

    def run(self, job: Frame, limits: Limits, serve: Serve | None = None) -> tuple[Ending, list]:
        """Run one job in a session of its own (tests, benchmarks)."""
        with self.session(limits.memory_mb) as session:
            return session.run(job, limits, serve)

    def close(self) -> None:
        for zygote in self._all:
            zygote.close(wait=False)  # all of them at once, then wait
        for zygote in self._all:
            zygote.close()

    def __enter__(self) -> SandboxPool:
        return self

    def __exit__(
        self, kind: type | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
