"""The sandbox's process factory: imports numpy once, then forks one confined child per job.

Started by ``autograder.sandbox.pool`` as ``python -m autograder.sandbox.zygote``. It reads one JSON
request per line on stdin and answers one JSON line on stdout. Forking from a warm process keeps a
job at a few milliseconds instead of the ~150 ms a fresh interpreter with numpy needs. The zygote
never sees expected outputs; it only learns a job directory and limits.

A child, before any student code runs: starts its own session (so the whole group can be killed),
points stdin at /dev/null and stdout/stderr at a capped file, closes every other descriptor,
moves into the job directory, sets CPU (an exact profiling timer backed by RLIMIT_CPU),
address-space, file-size, open-file and process limits, and locks itself into the job directory
(``chroot``: no kit file, no ``/proc``). A root zygote's children also drop to the ``nobody`` user
(which makes the process limit bite); an unprivileged zygote gets the right to ``chroot`` from a
user namespace of its own, where the OS allows one. The zygote leaves the network namespace at
start-up where the OS allows it, so children have no network. Its first input line names modules
to import up front (the assignment's imports: a confined child cannot read them from disk) and the
reference cells to compile once for all children.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import json
import math
import os
import resource
import select
import signal
import sys
import time
import traceback
from pathlib import Path

import numpy  # noqa: F401  (imported once here so every child starts with it loaded)

import support.dnn_utils  # noqa: F401
from autograder.sandbox import child
from autograder.sandbox.protocol import OUTPUT_FILE

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
NOBODY = 65534


def isolate_network() -> bool:
    """Move into a fresh, empty network namespace (only loopback, down); True if it worked.

    Root gets a plain network namespace; anyone else needs a user namespace around it, which also
    gives the children the right to ``chroot``.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNET) == 0:
        return True
    return libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0


def children_can_chroot() -> bool:
    """Whether a forked child may ``chroot`` (root, or inside this process's user namespace)."""
    pid = os.fork()
    if pid == 0:
        try:
            os.chroot("/")  # changes nothing, but needs the same right as a real lock-in
            os._exit(0)
        except OSError:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


def virtual_memory_bytes() -> int:
    """This process's current address-space size, the base the memory cap is added to."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


def confine(request: dict) -> None:
    """Turn the freshly forked child into a sandbox (see the module docstring)."""
    os.setsid()
    directory = request["dir"]
    output = os.open(os.path.join(directory, OUTPUT_FILE), os.O_WRONLY | os.O_CREAT, 0o644)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(output, 1)
    os.dup2(output, 2)
    os.closerange(3, resource.getrlimit(resource.RLIMIT_NOFILE)[0])
    os.chdir(directory)
    cpu = math.ceil(request["cpu_seconds"])
    memory = virtual_memory_bytes() + request["memory_mb"] * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    signal.setitimer(
        signal.ITIMER_PROF, request["cpu_seconds"]
    )  # SIGPROF ends it at the exact limit
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_FSIZE, (request["file_bytes"], request["file_bytes"]))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
    if os.getuid() == 0:
        os.chown(directory, NOBODY, NOBODY)
        os.chown(OUTPUT_FILE, NOBODY, NOBODY)
        os.chroot(directory)  # the kit's files (solved notebook, hidden tests) are out of reach
        os.chdir("/")
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)
    else:
        try:
            os.chroot(directory)  # allowed inside the zygote's own user namespace
            os.chdir("/")
        except OSError:
            pass  # not allowed here: the zygote's ready line said so (children_can_chroot)
    resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))


def run_child(request: dict) -> None:
    """Body of the forked child: confine, run the job, and leave without cleanup handlers."""
    code = 1
    try:
        confine(request)
        child.main(Path("."))  # the job directory, whether or not it became the root
        code = 0
    except BaseException:
        traceback.print_exc(limit=-3)
    finally:
        try:
            sys.stdout.flush()
        finally:
            os._exit(code)


def supervise(request: dict) -> dict:
    """Fork a child for one job, kill it at the wall-clock limit, and describe how it ended."""
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        run_child(request)
    pidfd = os.pidfd_open(pid)
    ready, _, _ = select.select([pidfd], [], [], request["wall_seconds"])
    timed_out = not ready
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)  # the whole group: nothing it started may linger
    _, status, usage = os.wait4(pid, 0)
    os.close(pidfd)
    return {
        "timed_out": timed_out,
        "exit_code": os.waitstatus_to_exitcode(status),
        "seconds": round(time.monotonic() - start, 4),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 4),
    }


# Modules children may need after dropping to ``nobody``, who may not be allowed to read the
# standard library's files (numpy.load needs zipfile; students reach for math, copy, ...).
PRELOAD = (
    "import zipfile, math, copy, random, itertools, functools, collections, time, json, re, "
    "string, operator, statistics, warnings, typing, dataclasses, secrets, numpy.random, "
    "numpy.linalg, numpy.fft, numpy.polynomial, socket, encodings.idna"
)


def main() -> None:
    setup = json.loads(sys.stdin.readline())
    child.run_imports(f"{PRELOAD}\n{setup['preload']}", {})
    for name, source in setup.pop("cells").items():
        child.REFERENCES[name] = compile(source, f"<kit {name}>", "exec")
    gc.collect()  # the source texts are gone before any student code runs
    network_isolated = isolate_network()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the grader decides when the zygote stops
    hello = {
        "ready": True,
        "network_isolated": network_isolated,
        "files_locked": children_can_chroot(),
    }
    print(json.dumps(hello), flush=True)
    for line in sys.stdin:
        print(json.dumps(supervise(json.loads(line))), flush=True)


if __name__ == "__main__":
    main()
