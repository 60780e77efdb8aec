"""What each isolation layer costs per job: a child forked from a warm process, layer by layer.

Run from the repository root with the kit's virtual environment (as root or as any user):

    .venv/bin/python benchmarks/bench_isolation.py [--jobs 200]

Each line adds one layer of ``autograder.sandbox.confinement`` to the ones above it, in the order
the zygote applies them, and prints the mean time of an empty job (fork, confine, exit, reap) and
the difference to the line before. The last lines go through ``SandboxPool`` (the real path:
sockets, zygote, outer child, session, job child, an empty student function): a session opened
for one job, and one more job in an open session (what each further graded function of a
submission costs). Nothing is
asserted.
"""

from __future__ import annotations

import argparse
import os
import signal
import tempfile
import time
from collections.abc import Callable

import numpy  # noqa: F401  (a warm process, as the zygote is)

from autograder.sandbox import channel, confinement
from autograder.sandbox.pool import SandboxPool
from autograder.sandbox.protocol import Limits, text_array

LIMITS = Limits()


def _empty_job(outer: list[Callable[[], None]], inner: list[Callable[[], None]]) -> None:
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            for step in outer:
                step()
            inner_pid = os.fork() if outer else 0
            if inner_pid == 0:
                for step in inner:
                    step()
                os._exit(0)
            _, status = os.waitpid(inner_pid, 0)
            code = os.waitstatus_to_exitcode(status)
        except BaseException:
            code = 3
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError("a confinement step failed; run where the sandbox works")


def _seconds_per_job(jobs: int, outer: list, inner: list) -> float:
    _empty_job(outer, inner)  # warm-up
    start = time.perf_counter()
    for _ in range(jobs):
        _empty_job(outer, inner)
    return (time.perf_counter() - start) / jobs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=200)
    jobs = parser.parse_args().jobs
    mountpoint = tempfile.mkdtemp(prefix="dnnkit-bench-")
    seccomp = confinement.SeccompFilter()
    cgroup = confinement.MemoryCgroup.create(f"dnnkit-bench-{os.getpid()}")
    base_memory = confinement.virtual_memory_bytes()

    def pid1_limits() -> None:
        confinement.set_limits(LIMITS, base_memory)
        signal.setitimer(signal.ITIMER_PROF, 0)

    outer_steps: list[tuple[str, Callable[[], None]]] = []
    if cgroup is not None:
        cgroup.limit(LIMITS.memory_mb)
        outer_steps.append(("memory cgroup (join)", cgroup.join))
    outer_steps += [
        ("drop root (no-op if not root)", confinement.drop_root),
        ("user, PID, IPC, mount, UTS, net namespaces", confinement.enter_namespaces),
    ]
    inner_steps = [
        (
            "private tmpfs root (mount, pivot_root)",
            lambda: confinement.private_root(mountpoint, LIMITS),
        ),
        ("resource limits", pid1_limits),
        ("seccomp filter", seccomp.load),
    ]
    print(f"{'layers':48} {'ms/job':>8} {'added':>8}")
    previous = _seconds_per_job(jobs, [], [])
    print(f"{'fork + exit (no confinement)':48} {previous * 1e3:8.2f} {'':>8}")
    outer: list = []
    for name, step in outer_steps:
        outer.append(step)
        seconds = _seconds_per_job(jobs, outer, [])
        print(f"{'+ ' + name:48} {seconds * 1e3:8.2f} {(seconds - previous) * 1e3:+8.2f}")
        previous = seconds
    inner: list = []
    for name, step in inner_steps:
        inner.append(step)
        seconds = _seconds_per_job(jobs, outer, inner)
        print(f"{'+ ' + name:48} {seconds * 1e3:8.2f} {(seconds - previous) * 1e3:+8.2f}")
        previous = seconds
    if cgroup is not None:
        cgroup.remove()
    os.rmdir(mountpoint)

    job = channel.frame(
        {"kind": "job"},
        {
            "function": "f",
            "imports": text_array("import numpy as np"),
            "helpers": [],
            "own_helpers": {},
            "cases": [[1.0]],
            "student": text_array("def f(x):\n    return np.float64(x) * 2\n"),
        },
    )
    with SandboxPool(1, "import numpy as np") as pool:
        pool.require_isolation()
        pool.run(job, LIMITS)
        start = time.perf_counter()
        for _ in range(jobs):
            pool.run(job, LIMITS)
        alone = (time.perf_counter() - start) / jobs
        with pool.session() as session:
            start = time.perf_counter()
            for _ in range(jobs):
                session.run(job, LIMITS, None)
            in_session = (time.perf_counter() - start) / jobs
    print(f"{'real path: a session with one job':48} {alone * 1e3:8.2f} {'':>8}")
    print(f"{'real path: one more job in an open session':48} {in_session * 1e3:8.2f} {'':>8}")


if __name__ == "__main__":
    main()
