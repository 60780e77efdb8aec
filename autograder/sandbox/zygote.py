"""The sandbox's process factory: imports numpy once, then forks one confined world per submission.

Started by ``autograder.sandbox.pool`` as ``python -m autograder.sandbox.zygote FD``, where FD is a
Unix socket to the grader. Every line on it, and on the sockets and pipes below, is a record of
``autograder.sandbox.protocol``. The first, :class:`ZygoteSetup`, names modules to import up front
(a confined child cannot read any file, so whatever it may import must be loaded here) and whether
a layer that cannot be set up refuses (the default) or is skipped (``--insecure``). It answers
with a :class:`ZygoteHello`: the layers a probe could not set up, with the reason.

Then, per submission, a :class:`SessionStart` arrives with the submission's socket (SCM_RIGHTS),
answered by :class:`SessionStarted`. The zygote forks the **outer child** (trusted: cgroup, drop
root, new namespaces), which forks the **session**, PID 1 of the submission's namespaces (trusted:
private tmpfs root), which says :class:`SessionReady` (or :class:`SetupFailed`) and talks to the
grader on that socket: per graded function, a :class:`JobRequest` with the job's own socket and a
credit socket; it forks a **job child** (its own session, resource limits, seccomp, reported on a
pipe as :class:`ChildReady` or :class:`SetupFailed`; then student code,
``autograder.sandbox.child``), kills it at the wall-clock limit (extended by the grader's
:class:`Credit`) and answers how it ended (:class:`Ending`). One namespace set per submission, one
process per function: nothing is shared between submissions, and one function's crash or loop
costs only its own points. Starting a submission ends the previous one's processes, if any are left.

The zygote never holds the kit's reference code, expected outputs or case inputs: it sees limits
and sockets. Forking from a warm process keeps a job at a few milliseconds instead of the
~150 ms a fresh interpreter with numpy needs.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import gc
import os
import select
import signal
import socket
import sys
import tempfile
import time
import traceback
from collections.abc import Callable

import numpy  # noqa: F401  (imported once here so every child starts with it loaded)

from autograder.sandbox import child, confinement
from autograder.sandbox.confinement import ConfinementError, MemoryCgroup, SeccompFilter
from autograder.sandbox.protocol import (
    ChildReady,
    Credit,
    CreditQuestion,
    Ending,
    JobRequest,
    Limits,
    ProtocolError,
    Refusal,
    SessionReady,
    SessionStart,
    SessionStarted,
    SetupFailed,
    ZygoteHello,
    ZygoteSetup,
    decode_line,
)

JOB_FD = 3  # where the job child finds its job's socket
REPORT_FD = 4  # the job child's setup report, closed before student code runs
SETUP_FAILED = 121  # exit code of a job child that refused to run unconfined
MAX_REPORT = 65_536
MAX_LINE = 65_536
Body = Callable[[], None]  # what a job child runs: the job, or nothing for the probe

# Modules a confined child may need (it cannot read the standard library's files): numpy.load
# needs zipfile; students reach for math, copy, random, ...; graded functions may plot.
PRELOAD = (
    "import zipfile, math, copy, random, itertools, functools, collections, time, json, re, "
    "string, operator, statistics, warnings, typing, dataclasses, secrets, numpy.random, "
    "numpy.linalg, numpy.fft, numpy.polynomial, socket, encodings.idna"
)


def prepare_plotting() -> None:
    """Load matplotlib with a non-interactive backend now, so a graded function may plot.

    A child cannot load a drawing backend later (no files); ``show()`` becomes a no-op.
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        figure, axes = plt.subplots()  # draws once: backend, font cache and the font file loaded
        axes.plot([0, 1], [0, 1])
        axes.set_title("cost")
        axes.set_xlabel("iterations (per hundreds)")
        figure.canvas.draw()
        plt.close("all")
        plt.show = _no_window
    except ImportError:
        pass


def _no_window(*_args: object, **_kwargs: object) -> None:
    """``plt.show`` in a sandbox: there is no window to show a figure in."""


class Factory:
    """Starts submissions' confined worlds; one submission at a time."""

    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.mountpoint = tempfile.mkdtemp(prefix="dnnkit-root-")  # empty; sessions mount over it
        self.missing: dict[str, str] = {}
        try:
            self.seccomp: SeccompFilter | None = SeccompFilter()
        except ConfinementError as error:
            self.seccomp, self.missing[error.layer] = None, str(error)
        self.cgroup = MemoryCgroup.create(f"dnnkit-{os.getpid()}") if os.geteuid() == 0 else None
        self.current: int | None = None  # the outer child of the submission being graded
        self.base_memory = confinement.virtual_memory_bytes()  # a child's address space at start

    def close(self) -> None:
        self.stop()
        if self.cgroup:
            self.cgroup.remove()
        with contextlib.suppress(OSError):
            os.rmdir(self.mountpoint)

    def _step(self, skipped: list[str], layer: str, step: Callable[[], None]) -> None:
        """Run one confinement step; a failure refuses unless the grader said insecure."""
        try:
            step()
        except ConfinementError as error:
            if self.strict:
                raise
            skipped.append(str(error))
        except OSError as error:
            if self.strict:
                raise ConfinementError(layer, str(error)) from error
            skipped.append(f"{layer}: {error}")

    # ------------------------------------------------------------------ the zygote's side

    def start(self, limits: Limits, session_fd: int, plots: bool = False) -> None:
        """Fork the outer child of one submission (after ending the previous one).

        ``plots``: the submission imports matplotlib, which its session loads before it loses
        the filesystem (free when the assignment's own imports loaded it already).
        """
        self.stop()
        if self.cgroup:
            self.cgroup.limit(limits.memory_mb + limits.scratch_bytes // 1_000_000 + 64)
        pid = os.fork()
        if pid == 0:
            try:
                self._outer(limits, session_fd, plots)
            finally:
                os._exit(1)
        os.close(session_fd)
        self.current = pid

    def stop(self) -> None:
        """Kill the current submission's processes (they all die with the outer child)."""
        if self.current is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.current, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.current, 0)
        self.current = None

    # ------------------------------------------------------------------ the outer child

    def _outer(self, limits: Limits, session_fd: int, plots: bool) -> None:
        """Trusted: own session, cgroup, drop root, namespaces; fork the session and wait."""
        zygote = os.getppid()
        os.setsid()  # kill(0, ...) from a submission reaches its own processes only
        if plots and "matplotlib" not in sys.modules:
            prepare_plotting()  # while the grader's files are still readable (before nobody)
        skipped: list[str] = []
        try:
            if self.cgroup:
                self._step(skipped, "memory cgroup", self.cgroup.join)
            confinement.drop_root()
            self._step(skipped, "user namespace", confinement.enter_namespaces)
        except ConfinementError as error:
            _write_line(session_fd, SetupFailed(str(error)))
            os._exit(SETUP_FAILED)
        # Only now: changing credentials (dropping root, a new user namespace) clears the setting.
        ctypes.CDLL(None).prctl(confinement.PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != zygote:
            os._exit(1)  # the zygote died before the line above
        alive_read, alive_write = os.pipe()
        os.set_blocking(alive_read, False)
        pid = os.fork()
        if pid == 0:
            os.close(alive_write)
            self._session(limits, session_fd, alive_read, skipped)
        os.close(alive_read)
        os.close(session_fd)
        os.waitpid(pid, 0)
        os._exit(0)

    # ------------------------------------------------------------------ the session (PID 1)

    def _session(self, limits: Limits, session_fd: int, alive: int, skipped: list[str]) -> None:
        """PID 1 of the submission's namespaces: private root, then one job child per request."""
        try:
            self._step(skipped, "dies with its parent", lambda: confinement.die_with_parent(alive))
            devnull = os.open(os.devnull, os.O_RDONLY)
            self._step(
                skipped, "private root", lambda: confinement.private_root(self.mountpoint, limits)
            )
        except ConfinementError as error:
            _write_line(session_fd, SetupFailed(str(error)))
            os._exit(SETUP_FAILED)
        control = socket.socket(fileno=session_fd)
        control.sendall(SessionReady(tuple(skipped)).to_line())
        while True:
            try:
                line, fds = _read_line(control)
            except OSError:
                break
            if not line:
                break
            request = JobRequest.from_line(line)
            if len(fds) not in (1, 2):
                for fd in fds:
                    os.close(fd)
                refusal = Refusal("a job needs its socket (and a credit socket)")
                control.sendall(refusal.to_line())
                continue
            body = _probe if request.probe else _run_job
            credit = socket.socket(fileno=fds[1]) if len(fds) == 2 else None
            ending = self._job(request.limits, fds[0], devnull, body, credit)
            control.sendall(ending.to_line())
        os._exit(0)

    def _job(
        self,
        limits: Limits,
        job_fd: int,
        devnull: int,
        body: Body,
        credit: socket.socket | None = None,
    ) -> Ending:
        """Fork one job child, kill it at the wall-clock limit, and describe how it ended (with
        the layers the child skipped).

        The limit counts the job's own time only: on ``credit`` (a socket to the grader, which the
        child never holds) the session asks, once the limit is reached, how long the grader kept
        the job waiting, and extends the limit by that (at most ``limits.credit_seconds``). The
        child runs on while the grader answers; past ``wall + credit_seconds`` it dies regardless.
        """
        output = os.memfd_create("output")
        report_read, report_write = os.pipe()
        start = time.monotonic()
        pid = os.fork()
        if pid == 0:
            # The credit socket is closed there too: fds above REPORT_FD are, 0-4 are replaced.
            self._job_child(limits, job_fd, devnull, output, report_write, body)
        os.close(report_write)
        os.close(job_fd)
        pidfd = os.pidfd_open(pid)
        clock = _WallClock(start, limits, credit)
        timed_out = not clock.wait(pidfd)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)  # its threads with it; it may not fork
        _, status, usage = os.wait4(pid, 0)
        os.close(pidfd)
        if credit is not None:
            credit.close()
        reports = _read_reports(report_read)
        failed = (r.reason for r in reports if isinstance(r, SetupFailed))
        skipped = tuple(s for r in reports if isinstance(r, ChildReady) for s in r.skipped)
        ending = Ending(
            exit_code=os.waitstatus_to_exitcode(status),
            timed_out=timed_out,
            seconds=round(time.monotonic() - start, 4),
            cpu_seconds=round(usage.ru_utime + usage.ru_stime, 4),
            printed=os.fstat(output).st_size > 0,
            setup_failed=next(failed, None),
            credit_seconds=round(clock.credit, 4),
            skipped=skipped,
        )
        os.close(output)
        return ending

    # ------------------------------------------------------------------ the job child

    def _job_child(
        self,
        limits: Limits,
        job_fd: int,
        devnull: int,
        output: int,
        report: int,
        body: Body,
    ) -> None:
        """Own session, standard streams, resource limits, seccomp; then ``body`` (student code)."""
        skipped: list[str] = []
        try:
            os.setsid()  # kill(0, ...) reaches this process only
            # Out of the way of 0-4 first, so no dup2 below overwrites a descriptor still needed.
            devnull, output, job_fd, report = (
                fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (devnull, output, job_fd, report)
            )
            for target, source in enumerate((devnull, output, output, job_fd, report)):
                os.dup2(source, target)
            report = REPORT_FD
            os.closerange(REPORT_FD + 1, 65_536)  # the session's socket and pipes included
            self._step(
                skipped, "resource limits", lambda: confinement.set_limits(limits, self.base_memory)
            )
            if self.seccomp is None:
                self._step(skipped, "seccomp filter", self._no_seccomp)
            else:
                self._step(skipped, "seccomp filter", self.seccomp.load)
        except ConfinementError as error:
            _write_line(report, SetupFailed(str(error)))
            os._exit(SETUP_FAILED)
        _write_line(report, ChildReady(tuple(skipped)))
        os.close(report)  # the student's code must not be able to write the report
        code = 1
        try:
            body()
            code = 0
        except BaseException:
            traceback.print_exc(limit=-3)
        finally:
            with contextlib.suppress(BaseException):
                sys.stdout.flush()
            os._exit(code)

    def _no_seccomp(self) -> None:
        raise ConfinementError("seccomp filter", self.missing.get("seccomp filter", "missing"))

    # ------------------------------------------------------------------ the probe

    def probe(self) -> list[str]:
        """Run an empty job through every layer; the layers that could not be set up."""
        ours, theirs = socket.socketpair()
        limits = Limits(cpu_seconds=2, wall_seconds=10)
        self.start(limits, theirs.detach())
        try:
            ours.settimeout(30)
            reader = ours.makefile("rb")
            hello = decode_line(reader.readline(MAX_LINE), SessionReady, SetupFailed)
            if isinstance(hello, SetupFailed):
                return [hello.reason]
            job, other = socket.socketpair()
            request = JobRequest(limits, probe=True).to_line()
            socket.send_fds(ours, [request], [other.fileno()])
            other.close()
            answer = Ending.from_line(reader.readline(MAX_LINE))
            job.close()
        except (OSError, ValueError) as error:
            return [f"probe: {error}"]
        finally:
            ours.close()
            self.stop()
        if answer.setup_failed:
            return [answer.setup_failed]
        if answer.exit_code != 0:
            return [f"probe child: exit code {answer.exit_code}"]
        return [*hello.skipped, *answer.skipped]


class _WallClock:
    """A job's wall-clock limit, extended by the delays the grader owns up to (the session's side).

    Credits come only from the grader, on a socket of their own (never the job's), as running
    totals: :class:`Credit` lines, each answering a :class:`CreditQuestion`.
    """

    def __init__(self, start: float, limits: Limits, credit: socket.socket | None) -> None:
        self.start, self.wall = start, limits.wall_seconds
        self.cap = max(0.0, limits.credit_seconds)
        self.sock, self.credit, self.asked, self._buffer = credit, 0.0, False, b""

    def wait(self, pidfd: int) -> bool:
        """Wait for the child to end (True) or for its extended limit to pass (False)."""
        while True:
            now = time.monotonic()
            deadline = self.start + self.wall + (self.cap if self.asked else self.credit)
            waiting = [pidfd] if self.sock is None else [pidfd, self.sock]
            ready, _, _ = select.select(waiting, [], [], max(0.0, deadline - now))
            if pidfd in ready:
                return True
            if ready:
                self._read_credit()
                if self.start + self.wall + self.credit <= time.monotonic():
                    return False  # the grader's delays do not cover the time taken
            elif self.asked or self.sock is None:
                return False  # the grader said nothing in time, or has nothing more to give
            else:
                self._ask()

    def _ask(self) -> None:
        try:
            self.sock.sendall(CreditQuestion().to_line())
            self.asked = True
        except OSError:
            self.sock = None

    def _read_credit(self) -> None:
        """Take the grader's latest running total (capped); the end of the stream ends asking."""
        self.asked = False
        try:
            data = self.sock.recv(MAX_LINE)
        except OSError:
            data = b""
        if not data:
            self.sock = None
            return
        *lines, self._buffer = (self._buffer + data).split(b"\n")
        self._buffer = self._buffer[-MAX_LINE:]
        for line in lines:
            with contextlib.suppress(ProtocolError):  # finite numbers only: never NaN
                total = Credit.from_line(line).seconds
                self.credit = min(self.cap, max(self.credit, total))


def _probe() -> None:
    """The probe job's body: nothing (the layers were the test)."""


def _run_job() -> None:
    child.main(JOB_FD)


def _write_line(fd: int, record: SetupFailed | ChildReady) -> None:
    with contextlib.suppress(OSError):
        os.write(fd, record.to_line())


def _read_reports(fd: int) -> list[SetupFailed | ChildReady]:
    """The records a job child wrote before student code ran (bounded; malformed ones dropped)."""
    data = b""
    with contextlib.suppress(OSError):
        while len(data) < MAX_REPORT:
            chunk = os.read(fd, MAX_REPORT - len(data))
            if not chunk:
                break
            data += chunk
    os.close(fd)
    reports = []
    for line in data.splitlines():
        with contextlib.suppress(ProtocolError):
            reports.append(decode_line(line, SetupFailed, ChildReady))
    return reports


def _read_line(control: socket.socket) -> tuple[bytes, list[int]]:
    """One request line and the descriptors that came with it (empty at end of stream)."""
    data, fds = b"", []
    while not data.endswith(b"\n"):
        if len(data) > MAX_LINE:
            raise OSError("request line too long")
        chunk, received, _, _ = socket.recv_fds(control, MAX_LINE, 4)
        fds += received
        if not chunk:
            return b"", fds
        data += chunk
    return data, fds


def main() -> None:
    control = socket.socket(fileno=int(sys.argv[1]))
    libc = ctypes.CDLL(None)
    libc.prctl(confinement.PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # dies with the grader
    setup_line, _ = _read_line(control)
    setup = ZygoteSetup.from_line(setup_line)
    child.run_imports(f"{PRELOAD}\n{setup.preload}", {})
    if "matplotlib" in sys.modules:  # the assignment plots: its graded functions may too
        prepare_plotting()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the grader decides when the zygote stops
    # Children share the loaded modules' pages until they write to them; a garbage collection
    # walking every object would copy them all. Frozen objects are never walked.
    gc.freeze()
    factory = Factory(strict=setup.strict)
    cgroup = str(factory.cgroup.path) if factory.cgroup else None
    control.sendall(ZygoteHello(tuple(factory.probe()), cgroup).to_line())
    try:
        while True:
            line, fds = _read_line(control)
            if not line:
                break
            try:
                request: SessionStart | None = SessionStart.from_line(line)
            except ProtocolError:
                request = None
            if request is not None and len(fds) == 1:
                factory.start(request.limits, fds[0], request.plots)
                control.sendall(SessionStarted().to_line())
            else:
                for fd in fds:
                    os.close(fd)
                refusal = Refusal("a session needs a start line and one socket")
                control.sendall(refusal.to_line())
    finally:
        factory.close()


if __name__ == "__main__":
    main()
