"""The grader's side of the sandbox: warm zygote processes that run jobs in confined children.

One zygote per worker (``autograder.sandbox.zygote``). :meth:`SandboxPool.session` opens one
submission's confined world (its own namespaces); :meth:`Session.run` runs one graded function
there: it makes a fresh socket pair for the job, hands one end to the session (which gives it to
the job's child), sends the job, answers the child's helper calls through ``serve`` and collects
everything else the child sends, within the job's limits: a bounded number of messages and
bytes, and a deadline. Decoding and judging what came back is the caller's business.

Every line to and from a zygote and a session is a record of ``autograder.sandbox.protocol``
(:class:`ZygoteSetup`/:class:`ZygoteHello`, :class:`SessionStart`/:class:`SessionStarted`,
:class:`SessionReady`, :class:`JobRequest`/:class:`Ending`, :class:`CreditQuestion`/
:class:`Credit`), read here by length-capped line readers and decoded strictly.

When the isolation the zygotes promise cannot be set up, the pool refuses
(:class:`IsolationUnavailable`) unless it was made with ``strict=False`` (``--insecure``).
"""

from __future__ import annotations

import contextlib
import os
import queue
import select
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from types import TracebackType

from autograder.sandbox import channel
from autograder.sandbox.channel import ChannelError, Frame
from autograder.sandbox.confinement import HOW_TO_ENABLE
from autograder.sandbox.protocol import (
    Credit,
    CreditQuestion,
    Ending,
    HelperCall,
    JobRequest,
    Limits,
    Refusal,
    SessionReady,
    SessionStart,
    SessionStarted,
    SetupFailed,
    ZygoteHello,
    ZygoteSetup,
    decode_line,
)

# One thread per BLAS call: children run side by side on the cores, and a confined child may not
# start threads of its own.
SINGLE_THREADED = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
    "MPLBACKEND": "Agg",
}
# The only variables of the grader's environment that reach a process running or serving student
# code (zygotes, their children, helper servers): where Python finds the kit, the locale, where
# matplotlib keeps its font cache, and OpenBLAS's CPU settings (wrong results without them on some
# processors). Nothing else: the course secret, CI tokens and cloud credentials stay with the
# grader. docs/SECURITY.md lists them.
INHERITED_VARIABLES = (
    "PATH",
    "HOME",
    "LANG",
    "LANGUAGE",
    "LC_ALL",
    "LC_CTYPE",
    "TZ",
    "PYTHONPATH",
    "MPLCONFIGDIR",
    "XDG_CACHE_HOME",
    "XDG_CONFIG_HOME",
    "OPENBLAS_CORETYPE",
    "OPENBLAS_L2_SIZE",
)


def sandbox_environment() -> dict[str, str]:
    """The environment of a process that runs or serves student code: an allow-list, never the
    grader's whole environment."""
    inherited = {name: os.environ[name] for name in INHERITED_VARIABLES if name in os.environ}
    return {**inherited, **SINGLE_THREADED}


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
            env=sandbox_environment(),
        )
        theirs.close()
        self.control.sendall(ZygoteSetup(preload, strict).to_line())
        self._reader = self.control.makefile("rb")
        self._hello: ZygoteHello | None = None  # read when first needed: zygotes start side by side

    @property
    def hello(self) -> ZygoteHello:
        """The zygote's ready line (read on first use)."""
        if self._hello is None:
            self._hello = ZygoteHello.from_line(self._read())
        return self._hello

    @property
    def missing(self) -> list[str]:
        """Confinement layers the zygote's probe could not set up, with reasons."""
        return list(self.hello.missing)

    def _read(self) -> bytes:
        line = self._reader.readline(MAX_LINE)
        if not line:
            raise SandboxError("the sandbox process stopped unexpectedly")
        return line

    def session(self, memory_mb: int, plots: bool = False) -> Session:
        """Start one submission's confined world (``plots``: it imports matplotlib)."""
        _ = self.hello  # waits until the zygote is ready
        ours, theirs = socket.socketpair()
        request = SessionStart(Limits(memory_mb=memory_mb), plots).to_line()
        socket.send_fds(self.control, [request], [theirs.fileno()])
        theirs.close()
        if not isinstance(decode_line(self._read(), SessionStarted, Refusal), SessionStarted):
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
        hello = decode_line(self._read(), SessionReady, SetupFailed)
        if isinstance(hello, SetupFailed):
            self.close()
            raise SessionRefused(hello.reason)

    def _read(self) -> bytes:
        line = self._reader.readline(MAX_LINE)
        if not line:
            raise SandboxError("the submission's sandbox stopped unexpectedly")
        return line

    def run(self, job: Frame, limits: Limits, serve: Serve | None) -> tuple[Ending, list[Frame]]:
        """Run one job: send it, serve helper calls, collect the child's messages, get the end.

        What the job spends waiting for this process (its job frame, the replies to its helper
        calls, this process's stalls) is measured and granted to the session on a credit socket
        of the job's own, so the job's wall-clock limit counts its own time only.
        """
        ours, theirs = socket.socketpair()
        credit, their_credit = socket.socketpair()
        waits = Waits()
        try:
            request = JobRequest(limits).to_line()
            self.sock.settimeout(limits.wall_seconds + limits.credit_seconds + DEADLINE_GRACE)
            with waits.measured():  # the job child waits for its frame from its fork on
                socket.send_fds(self.sock, [request], [theirs.fileno(), their_credit.fileno()])
            theirs.close()
            their_credit.close()
            messages = converse(ours, job, limits, serve, waits, credit)
        finally:
            ours.close()
            _send_credit(credit, waits)  # the final total: the child may have ended waiting
            credit.close()  # then the end of the stream: no credit line arrives after the job
        answer = decode_line(self._read(), Ending, Refusal)
        if isinstance(answer, Refusal):
            raise SandboxError(answer.reason)
        return replace(answer, waited_seconds=round(waits.total(), 4)), messages

    def close(self) -> None:
        """End the session (its processes exit when the socket closes)."""
        with contextlib.suppress(OSError):
            self._reader.close()
            self.sock.close()


class Heartbeat:
    """A thread of the grader that wakes every ``TICK`` and adds up how late it woke.

    Lateness beyond ``SLACK`` is time this process could not run: another thread held the GIL in
    one long C call (parsing a huge notebook) or no core was free. A job's helper call or frame
    waits that long too, and no timer of the job's child can see it, so it is credited.
    """

    TICK, SLACK = 0.02, 0.001

    def __init__(self) -> None:
        self._state = (0.0, time.monotonic())  # (stalled so far, last wake-up): swapped at once
        threading.Thread(target=self._beat, name="dnnkit-heartbeat", daemon=True).start()

    def _beat(self) -> None:
        while True:
            time.sleep(self.TICK)
            stalled, last = self._state
            now = time.monotonic()
            self._state = (stalled + max(0.0, now - last - self.TICK - self.SLACK), now)

    def stalled(self) -> float:
        """Seconds this process has been stalled since the heartbeat started, the current stall
        included (read by the thread that just woke from it, before the heartbeat could)."""
        stalled, last = self._state
        return stalled + max(0.0, time.monotonic() - last - self.TICK - self.SLACK)


_HEARTBEAT: list[Heartbeat] = []
_HEARTBEAT_LOCK = threading.Lock()


def heartbeat() -> Heartbeat:
    """The process's heartbeat, started on first use."""
    with _HEARTBEAT_LOCK:
        if not _HEARTBEAT:
            _HEARTBEAT.append(Heartbeat())
        return _HEARTBEAT[0]


class Waits:
    """What one job has spent waiting for the grader: the windows the grader measures itself
    (sending the job, serving a helper call) plus the grader's stalls outside them."""

    def __init__(self) -> None:
        self._heart = heartbeat()
        self._measured = 0.0
        self._stalls_from = self._heart.stalled()  # stalls inside measured windows are added back

    @contextlib.contextmanager
    def measured(self) -> Iterator[None]:
        """A window during which the job waits for this process, timed as a whole."""
        started, stalled = time.monotonic(), self._heart.stalled()
        try:
            yield
        finally:
            self._measured += time.monotonic() - started
            self._stalls_from += self._heart.stalled() - stalled

    def total(self) -> float:
        """Seconds of credit so far."""
        return self._measured + max(0.0, self._heart.stalled() - self._stalls_from)


def converse(
    sock: socket.socket,
    job: Frame,
    limits: Limits,
    serve: Serve | None,
    waits: Waits | None = None,
    credit: socket.socket | None = None,
) -> list[Frame]:
    """Send the job, answer helper calls, keep everything else, until the child is gone.

    Stops early (closing the socket ends the child's next send) on a malformed frame, on more
    messages or bytes than any honest job sends, on a helper call when none is allowed, or at the
    deadline (extended by what ``waits`` measured, as the session's is). Questions on ``credit``
    (the session reached the job's limit) get the running total of ``waits``.
    """
    waits = waits or Waits()
    start = time.monotonic()

    def deadline() -> float:
        granted = min(limits.credit_seconds, waits.total())
        return start + limits.wall_seconds + DEADLINE_GRACE + granted

    messages: list[Frame] = []
    received = 0
    try:
        sock.settimeout(limits.wall_seconds + DEADLINE_GRACE)
        with waits.measured():
            channel.send(sock, job)
        while True:
            if credit is not None:
                left = max(0.0, deadline() - time.monotonic())
                ready, _, _ = select.select([sock, credit], [], [], left)
                if not ready:
                    break
                if credit in ready:
                    credit = _answer_credit(credit, waits)
                    if sock not in ready:
                        continue
            message = channel.receive(sock, deadline(), MAX_JOB_BYTES - received)
            if message is None:
                break
            received += message.size
            if message.kind == HelperCall.KIND:  # answered here, never kept
                if serve is None:
                    break
                with waits.measured():
                    sock.settimeout(max(0.01, deadline() - time.monotonic()))
                    channel.send(sock, serve(message))
                continue
            messages.append(message)
            if len(messages) >= MAX_MESSAGES:
                break
    except (ChannelError, TimeoutError, OSError):
        pass  # what arrived so far is judged; the rest counts as never sent
    return messages


def _answer_credit(credit: socket.socket, waits: Waits) -> socket.socket | None:
    """Answer the session's question with the job's credit so far; None once the session is done
    (or sends anything but questions)."""
    try:
        data = credit.recv(MAX_LINE)
        for line in data.splitlines():
            CreditQuestion.from_line(line)
    except (OSError, ValueError):
        return None
    return credit if data and _send_credit(credit, waits) else None


def _send_credit(credit: socket.socket, waits: Waits) -> bool:
    """Send the running total of the job's credit (False when the session no longer listens)."""
    try:
        credit.sendall(Credit(round(waits.total(), 4)).to_line())
    except OSError:
        return False
    return True


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
            "memory_cgroup": any(zygote.hello.cgroup for zygote in self._all),
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
