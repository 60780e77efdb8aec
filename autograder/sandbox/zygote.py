"""The sandbox's process factory: imports numpy once, then forks one confined child per job.

Started by ``autograder.sandbox.pool`` as ``python -m autograder.sandbox.zygote FD``, where FD is a
Unix socket to the grader. The first line it reads names modules to import up front (a confined
child cannot read any file, so whatever it may import must be loaded here) and whether a layer
that cannot be set up refuses the job (the default) or is skipped (``--insecure``). It answers
with one line: the layers a probe job really got, and the ones missing with the reason. Then, per
job, a JSON line with the limits arrives together with the job's socket (SCM_RIGHTS); the zygote
forks, confines (``autograder.sandbox.confinement``), kills the child at the wall-clock limit and
answers how it ended (:class:`autograder.sandbox.protocol.Ending`).

The zygote never holds the kit's reference code, expected outputs or case inputs: it sees limits
and a socket. Forking from a warm process keeps a job at a few milliseconds instead of the
~150 ms a fresh interpreter with numpy needs.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import json
import os
import select
import signal
import socket
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict

import numpy  # noqa: F401  (imported once here so every child starts with it loaded)

from autograder.sandbox import child, confinement
from autograder.sandbox.confinement import ConfinementError, MemoryCgroup, SeccompFilter
from autograder.sandbox.protocol import Ending, Limits

JOB_FD = 3  # where the inner child finds its job's socket
REPORT_FD = 4  # the setup report, closed before student code runs
SETUP_FAILED = 121  # exit code of an inner child that refused to run unconfined
MAX_REPORT = 65_536
Body = Callable[[], None]  # what the confined child runs: the job, or nothing for the probe

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


# PID 1 of a namespace ignores signals it has no handler for, the limits' signals included: the
# inner child ends itself on them, and its parent reports the signal (RLIMIT_CPU's hard limit and
# the wall clock still kill a child that ignores them).
LIMIT_SIGNALS = (signal.SIGPROF, signal.SIGXCPU, signal.SIGXFSZ)
LIMIT_EXIT = 128  # exit code 128 + signal number


def _end_by_limit(signum: int, _frame: object) -> None:
    os._exit(LIMIT_EXIT + signum)


def _exit_code(status: int) -> int:
    """The inner child's exit code, with an exit on a limit's signal shown as that signal."""
    code = os.waitstatus_to_exitcode(status)
    if code - LIMIT_EXIT in LIMIT_SIGNALS:
        return -(code - LIMIT_EXIT)
    return code


def _no_window(*_args: object, **_kwargs: object) -> None:
    """``plt.show`` in a sandbox: there is no window to show a figure in."""


class Factory:
    """Forks and supervises confined children; one job at a time."""

    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.mountpoint = tempfile.mkdtemp(prefix="dnnkit-root-")  # empty; children mount over it
        self.missing: dict[str, str] = {}
        try:
            self.seccomp: SeccompFilter | None = SeccompFilter()
        except ConfinementError as error:
            self.seccomp, self.missing[error.layer] = None, str(error)
        self.cgroup = MemoryCgroup.create(f"dnnkit-{os.getpid()}") if os.geteuid() == 0 else None
        self.base_memory = confinement.virtual_memory_bytes()

    def close(self) -> None:
        if self.cgroup:
            self.cgroup.remove()
        with contextlib.suppress(OSError):
            os.rmdir(self.mountpoint)

    def _step(self, skipped: list[str], layer: str, step: Callable[[], None]) -> None:
        """Run one confinement step; a failure refuses the job unless the grader said insecure."""
        try:
            step()
        except ConfinementError as error:
            if self.strict:
                raise
            skipped.append(f"{error.layer}: {error}")
        except OSError as error:
            if self.strict:
                raise ConfinementError(layer, str(error)) from error
            skipped.append(f"{layer}: {error}")

    def _inner(
        self, limits: Limits, job_fd: int, output: int, alive: int, report: int, body: Body
    ) -> None:
        """PID 1 of the job's namespaces: finish the confinement, then run ``body``."""
        skipped: list[str] = []
        try:
            self._step(skipped, "dies with its parent", lambda: confinement.die_with_parent(alive))
            # Out of the way of 0-4 first, so no dup2 below overwrites a descriptor still needed.
            devnull, output, job_fd, report = (
                fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
                for fd in (os.open(os.devnull, os.O_RDONLY), output, job_fd, report)
            )
            self._step(
                skipped, "private root", lambda: confinement.private_root(self.mountpoint, limits)
            )
            for target, source in enumerate((devnull, output, output, job_fd, report)):
                os.dup2(source, target)
            report = REPORT_FD
            os.closerange(REPORT_FD + 1, 65_536)  # the zygote's socket and pipes included
            self._step(
                skipped,
                "resource limits",
                lambda: confinement.set_limits(limits, self.base_memory),
            )
            if self.seccomp is None:
                self._step(skipped, "seccomp filter", self._no_seccomp)
            else:
                self._step(skipped, "seccomp filter", self.seccomp.load)
        except ConfinementError as error:
            os.write(report, json.dumps({"setup_failed": str(error)}).encode() + b"\n")
            os._exit(SETUP_FAILED)
        os.write(report, json.dumps({"skipped": skipped}).encode() + b"\n")
        os.close(report)  # the student's code must not be able to write the report
        for signum in LIMIT_SIGNALS:
            signal.signal(signum, _end_by_limit)
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

    def _outer(self, limits: Limits, job_fd: int, report: int, body: Body) -> None:
        """The trusted first child: cgroup, drop root, namespaces; then fork and wait for PID 1."""
        zygote = os.getppid()
        os.setsid()  # kill(0, ...) from the job reaches its own session only, never the grader's
        skipped: list[str] = []
        try:
            if self.cgroup:
                self._step(skipped, "memory cgroup", self.cgroup.join)
            confinement.drop_root()
            self._step(skipped, "user namespace", confinement.enter_namespaces)
        except ConfinementError as error:
            os.write(report, json.dumps({"setup_failed": str(error)}).encode() + b"\n")
            os._exit(SETUP_FAILED)
        # Only now: changing credentials (dropping root, a new user namespace) clears the setting.
        ctypes.CDLL(None).prctl(confinement.PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != zygote:
            os._exit(1)  # the zygote died before the line above
        output = os.memfd_create("output")
        alive_read, alive_write = os.pipe()
        os.set_blocking(alive_read, False)
        pid = os.fork()
        if pid == 0:
            os.close(alive_write)
            self._inner(limits, job_fd, output, alive_read, report, body)
        os.close(alive_read)
        os.close(job_fd)
        _, status, usage = os.wait4(pid, 0)
        answer = {
            "exit_code": _exit_code(status),
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 4),
            "printed": os.fstat(output).st_size > 0,
            "skipped": skipped,
        }
        os.write(report, json.dumps(answer).encode() + b"\n")
        os._exit(0)

    def run(self, limits: Limits, job_fd: int, body: Body) -> tuple[Ending, list[str]]:
        """Fork a confined child for one job; say how it ended and which layers it lacked."""
        if self.cgroup:
            self.cgroup.limit(limits.memory_mb + limits.scratch_bytes // 1_000_000 + 64)
        report_read, report_write = os.pipe()
        start = time.monotonic()
        pid = os.fork()
        if pid == 0:
            os.close(report_read)
            try:
                self._outer(limits, job_fd, report_write, body)
            finally:
                os._exit(1)
        os.close(report_write)
        os.close(job_fd)
        pidfd = os.pidfd_open(pid)
        ready, _, _ = select.select([pidfd], [], [], limits.wall_seconds)
        timed_out = not ready
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)  # the inner child dies with it (PR_SET_PDEATHSIG)
        _, status, _ = os.wait4(pid, 0)
        os.close(pidfd)
        reports = _read_reports(report_read)
        final = next((r for r in reports if "exit_code" in r), {})
        setup_failed = next((str(r["setup_failed"]) for r in reports if "setup_failed" in r), None)
        skipped = [str(s) for r in reports for s in r.get("skipped", [])]
        ending = Ending(
            exit_code=int(final.get("exit_code", os.waitstatus_to_exitcode(status))),
            timed_out=timed_out,
            seconds=round(time.monotonic() - start, 4),
            cpu_seconds=float(final.get("cpu_seconds", 0.0)),
            printed=bool(final.get("printed", False)),
            setup_failed=setup_failed,
        )
        return ending, skipped

    def probe(self) -> list[str]:
        """Run an empty job through every layer; the layers that could not be set up."""
        parent, other = socket.socketpair()
        limits = Limits(cpu_seconds=2, wall_seconds=10)
        ending, skipped = self.run(limits, other.detach(), lambda: None)
        parent.close()
        if ending.setup_failed:
            return [ending.setup_failed]
        if ending.exit_code != 0:
            return [f"probe child: exit code {ending.exit_code}"]
        return skipped


def _read_reports(fd: int) -> list[dict]:
    """The JSON lines the outer and inner child wrote before student code ran (bounded)."""
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
        with contextlib.suppress(ValueError):
            value = json.loads(line)
            if isinstance(value, dict):
                reports.append(value)
    return reports


def _read_line(control: socket.socket) -> tuple[bytes, list[int]]:
    """One request line and the descriptors that came with it (empty at end of stream)."""
    data, fds = b"", []
    while not data.endswith(b"\n"):
        chunk, received, _, _ = socket.recv_fds(control, 65_536, 4)
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
    setup = json.loads(setup_line)
    child.run_imports(f"{PRELOAD}\n{setup['preload']}", {})
    if "matplotlib" in sys.modules:  # the assignment plots: its graded functions may too
        prepare_plotting()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the grader decides when the zygote stops
    factory = Factory(strict=bool(setup["strict"]))
    missing = factory.probe()
    hello = {
        "ready": True,
        "missing": missing,
        "cgroup": str(factory.cgroup.path) if factory.cgroup else None,
    }
    control.sendall(json.dumps(hello).encode() + b"\n")
    try:
        while True:
            line, fds = _read_line(control)
            if not line:
                break
            request = json.loads(line)
            if len(fds) != 1:
                for fd in fds:
                    os.close(fd)
                control.sendall(b'{"error": "a job needs exactly one socket"}\n')
                continue
            limits = Limits(**request)
            job_fd = fds[0]
            ending, skipped = factory.run(limits, job_fd, lambda: child.main(JOB_FD))
            control.sendall(json.dumps({**asdict(ending), "skipped": skipped}).encode() + b"\n")
    finally:
        factory.close()


if __name__ == "__main__":
    main()
