"""`dnnkit release` from the shell: the gradebook it registers in, or none."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from nbgrader.api import Gradebook

ASSIGNMENT = "step_by_step"


def dnnkit_release(*args: str) -> subprocess.CompletedProcess:
    # The bare interpreter path, as a shell without the environment activated runs it: the
    # gradebook's creation must still find alembic.
    env = {"PATH": "/usr/bin:/bin", "HOME": str(Path.home())}
    command = [sys.executable, "-m", "autograder.cli", "release", ASSIGNMENT, *args]
    return subprocess.run(command, capture_output=True, text=True, env=env)


def test_release_registers_the_assignment_in_the_gradebook_named(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'course.db'}"
    done = dnnkit_release("--output", str(tmp_path / "release"), "--db", url)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"registered in the gradebook {url}" in done.stdout
    with Gradebook(url) as gradebook:
        (assignment,) = gradebook.assignments
        assert assignment.name == ASSIGNMENT
        assert [notebook.name for notebook in assignment.notebooks] == [ASSIGNMENT]
    assert (tmp_path / "release" / ASSIGNMENT / "requirements.txt").is_file()


def test_no_db_builds_the_files_only(tmp_path) -> None:
    done = dnnkit_release("--output", str(tmp_path / "release"), "--no-db")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "gradebook" not in done.stdout
    assert list(tmp_path.iterdir()) == [tmp_path / "release"]
