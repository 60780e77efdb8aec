"""The grader's side of the sandbox: a pool of zygote processes that run jobs in confined children.

One zygote per worker (``autograder.sandbox.zygote``); a job is a directory laid out as
``autograder.sandbox.protocol`` says, and :meth:`SandboxPool.run` returns how the child ended
(exit code, timeout, time).
Reading what the child wrote is up to the caller, with ``autograder.sandbox.transport``.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
from types import TracebackType

from autograder.sandbox.protocol import Ending, Limits

# One thread per BLAS call: children run side by side on the cores, and a thread-count limit
# (RLIMIT_NPROC) must not break numpy inside the sandbox.
SINGLE_THREADED = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
}


class SandboxError(RuntimeError):
    """The sandbox itself could not run (not the student's fault)."""


class Zygote:
    """One warm process that forks confined children, one job at a time."""

    def __init__(self, preload: str = "", cells: dict[str, str] | None = None) -> None:
        self.preload, self.cells = preload, cells or {}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "autograder.sandbox.zygote"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, **SINGLE_THREADED},
            text=True,
        )
        self.process.stdin.write(json.dumps({"preload": preload, "cells": self.cells}) + "\n")
        self.process.stdin.flush()
        self._hello: dict | None = None  # read when first needed: zygotes start side by side

    @property
    def network_isolated(self) -> bool:
        """Whether the zygote (and so every child) runs without network."""
        return bool(self.hello.get("network_isolated"))

    @property
    def files_locked(self) -> bool:
        """Whether every child is locked into its job directory, away from the kit's files."""
        return bool(self.hello.get("files_locked"))

    @property
    def hello(self) -> dict:
        """The zygote's ready line (read on first use: zygotes start side by side)."""
        if self._hello is None:
            self._hello = self._read()
        return self._hello

    def _read(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            raise SandboxError("the sandbox process stopped unexpectedly")
        return json.loads(line)

    def run(self, directory: str, limits: Limits) -> Ending:
        """Run one job and say how its child ended."""
        _ = self.network_isolated  # waits until the zygote is ready
        self.process.stdin.write(json.dumps(limits.request(directory)) + "\n")
        self.process.stdin.flush()
        return Ending(**self._read())

    def close(self, wait: bool = True) -> None:
        """End the zygote: closing its input makes it leave its loop."""
        if self.process.poll() is None:
            self.process.stdin.close()
            if wait:
                self.process.wait(timeout=10)


class SandboxPool:
    """A fixed set of zygotes shared by grading threads; use as a context manager.

    ``preload`` holds import statements every zygote runs once at start (the assignment's imports)
    and ``cells`` the reference cells it compiles once for all its children.
    """

    def __init__(
        self, workers: int | None = None, preload: str = "", cells: dict[str, str] | None = None
    ) -> None:
        self.workers = workers or os.cpu_count() or 1
        self._idle: queue.Queue[Zygote] = queue.Queue()
        self._all = [Zygote(preload, cells) for _ in range(self.workers)]
        for zygote in self._all:
            self._idle.put(zygote)

    @property
    def network_isolated(self) -> bool:
        return all(zygote.network_isolated for zygote in self._all)

    @property
    def files_locked(self) -> bool:
        return all(zygote.files_locked for zygote in self._all)

    def run(self, directory: str, limits: Limits) -> Ending:
        """Run one job on a free zygote (blocks until one is free); restart a zygote that died."""
        zygote = self._idle.get()
        try:
            return zygote.run(directory, limits)
        except (SandboxError, BrokenPipeError, OSError):
            zygote.close()
            self._all.remove(zygote)
            zygote = Zygote(zygote.preload, zygote.cells)
            self._all.append(zygote)
            return zygote.run(directory, limits)
        finally:
            self._idle.put(zygote)

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
