"""Run the grader as root and as an ordinary user, the two ways a course runs it.

"root" is the test process itself when it runs as root (CI). "user" is a process without any
capability on the machine: the test process when it is not root, or, under root, the same command
started by ``unshare --user --map-user=1000 --map-group=1000`` (uid 1000 in a user namespace of
its own: it cannot setuid, chroot, mount or create cgroups on the machine, as an ordinary
account cannot). Both run ``python -m autograder.cli grade --json`` in a subprocess, so what is
checked is what a course gets from the command line.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.data import ROOT

MODES = ("root", "user")
AS_ORDINARY_USER = ["unshare", "--user", "--map-user=1000", "--map-group=1000"]


def command_prefix(mode: str) -> list[str]:
    """What to put before a command to run it in ``mode``; skips when this machine cannot."""
    is_root = os.geteuid() == 0
    if mode == "root":
        if not is_root:
            pytest.skip("the root mode needs the tests to run as root (CI does)")
        return []
    if not is_root:
        return []
    if shutil.which("unshare") is None:
        pytest.skip("needs util-linux's unshare to run the grader as an ordinary user")
    if subprocess.run([*AS_ORDINARY_USER, "true"], capture_output=True).returncode != 0:
        pytest.skip("this OS does not allow user namespaces, so no ordinary user can be made")
    return AS_ORDINARY_USER


def run_python(mode: str, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """``python ARGS`` from the repository root, in ``mode``."""
    return subprocess.run(
        [*command_prefix(mode), sys.executable, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def grade_cli(mode: str, paths: list[Path], *options: str) -> subprocess.CompletedProcess:
    """``dnnkit grade --json OPTIONS PATHS`` in ``mode``."""
    argv = ["-m", "autograder.cli", "grade", "--json", "--no-progress", *options]
    if "--assignment" not in options:
        argv += ["--assignment", "step_by_step"]
    return run_python(mode, *argv, *map(str, paths))


def grade_json(mode: str, paths: list[Path], *options: str) -> dict[str, dict[str, dict]]:
    """Grade in ``mode``; map submission stem -> function name -> its JSON result (plus the
    submission's isolation under the key ``"isolation"``)."""
    finished = grade_cli(mode, paths, *options)
    assert finished.returncode == 0, finished.stderr[-3000:]
    graded = {}
    for result in json.loads(finished.stdout):
        tests = {test["name"]: test for test in result["tests"]}
        graded[Path(result["submission"]).stem] = {**tests, "isolation": result["isolation"]}
    return graded


def failed_functions(tests: dict[str, dict]) -> list[str]:
    """Names of the functions that did not get full marks."""
    return [
        name
        for name, test in tests.items()
        if name != "isolation" and test["score"] < test["max_score"]
    ]
