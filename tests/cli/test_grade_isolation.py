"""`dnnkit grade` refuses when it cannot isolate student code, and `--insecure` says so everywhere.

A machine without the kernel features the sandbox needs is simulated honestly: the grader runs
under a seccomp filter that denies ``unshare`` (as Docker's default profile does), so the zygote's
probe really fails to make a user namespace.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from autograder.grading.reports import NOT_ISOLATED
from tests.helpers.sandbox_modes import MODES, run_python
from tests.helpers.submissions import solved_submission, write

WITHOUT_NAMESPACES = """
import errno, os, sys
import pyseccomp
denied = pyseccomp.SyscallFilter(pyseccomp.ALLOW)
denied.add_rule(pyseccomp.ERRNO(errno.EPERM), "unshare")
denied.load()
os.execv(sys.executable, [sys.executable, "-m", "autograder.cli", "grade", *sys.argv[1:]])
"""


def _grade_without_namespaces(mode: str, path: Path, *options: str):
    pytest.importorskip("pyseccomp", reason="the simulation needs pyseccomp (a kit dependency)")
    argv = ["--assignment", "step_by_step", "--no-progress", *options, str(path)]
    return run_python(mode, "-c", WITHOUT_NAMESPACES, *argv)


@pytest.mark.parametrize("mode", MODES)
def test_grading_refuses_without_isolation_and_says_how_to_enable_it(mode, tmp_path) -> None:
    finished = _grade_without_namespaces(mode, write(tmp_path, "solved", solved_submission()))
    assert finished.returncode == 2
    assert "user namespace" in finished.stderr
    assert "to enable" in finished.stderr
    assert "--insecure" in finished.stderr
    assert finished.stdout.strip() == ""  # no grade was printed


@pytest.mark.parametrize("mode", MODES)
def test_insecure_grades_and_marks_every_result(mode, tmp_path) -> None:
    path = write(tmp_path, "solved", solved_submission())
    finished = _grade_without_namespaces(mode, path, "--insecure", "--json")
    assert finished.returncode == 0, finished.stderr[-2000:]
    [result] = json.loads(finished.stdout)
    assert result["score"] == result["max_score"]
    assert result["isolation"]["isolated"] is False
    assert any("user namespace" in problem for problem in result["isolation"]["missing"])

    table = _grade_without_namespaces(mode, path, "--insecure")
    assert table.returncode == 0, table.stderr[-2000:]
    assert NOT_ISOLATED in table.stdout


@pytest.mark.parametrize("mode", MODES)
def test_an_isolated_run_states_its_layers(mode, tmp_path) -> None:
    path = write(tmp_path, "solved", solved_submission())
    finished = run_python(
        mode, "-m", "autograder.cli", "grade", "--json", "--assignment", "step_by_step", str(path)
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    [result] = json.loads(finished.stdout)
    assert result["isolation"]["isolated"] is True
    assert any("seccomp" in layer for layer in result["isolation"]["layers"])
    assert NOT_ISOLATED not in finished.stdout
