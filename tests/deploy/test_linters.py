"""deploy/ and .github/workflows/ pass real linters, and the workflows run the documented commands.

The linters come with the dev extra (pyproject.toml); a test skips, saying why, where one is
missing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from autograder.course.paths import KIT

ROOT = KIT.root
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
DOCUMENTED = (ROOT / "README.md", ROOT / "docs" / "INSTRUCTOR_LOOP.md")


def tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (pip install -e '.[dev]')")
    return found


def lint(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=ROOT)


def test_the_dockerfile_passes_hadolint():
    done = lint(tool("hadolint"), "deploy/Dockerfile")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_kubernetes_job_passes_kubernetes_validate_strictly():
    done = lint(tool("kubernetes-validate"), "--strict", "deploy/kubernetes/grade-job.yaml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "passed" in done.stdout


def test_the_workflows_pass_actionlint():
    assert WORKFLOWS
    done = lint(tool("actionlint"), *map(str, WORKFLOWS))
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_slurm_script_is_valid_bash():
    done = lint("bash", "-n", "deploy/slurm/grade-array.sh")
    assert done.returncode == 0, done.stderr


def run_lines(workflow: Path) -> list[str]:
    steps = [
        step
        for job in yaml.safe_load(workflow.read_text())["jobs"].values()
        for step in job["steps"]
    ]
    return [line.strip() for step in steps for line in step.get("run", "").splitlines()]


def documented_text() -> str:
    return "\n".join(path.read_text() for path in DOCUMENTED if path.exists())


def test_the_test_workflow_runs_the_readme_test_command_on_every_push():
    workflow = ROOT / ".github" / "workflows" / "test.yml"
    triggers = yaml.safe_load(workflow.read_text())[True]  # YAML 1.1 reads `on` as True
    assert "push" in triggers
    assert "make test" in run_lines(workflow)
    assert "make test" in (ROOT / "README.md").read_text()


def test_the_grading_workflow_calls_the_documented_commands_and_uploads_exports():
    workflow = ROOT / ".github" / "workflows" / "grade.yml"
    commands = [line for line in run_lines(workflow) if "dnnkit " in line]
    assert any(" grade submitted " in c and "--results results" in c for c in commands)
    assert {"csv", "canvas", "moodle", "feedback"} <= {
        re.search(r"--format (\w+)", c).group(1) for c in commands if "--format" in c
    }
    docs = documented_text()
    for command in commands:
        # the documented form: the same subcommand and options (the workflow quotes a variable)
        words = [w for w in command.replace('"$ASSIGNMENT"', "ASSIGNMENT").split() if w]
        subcommand = words[1]
        options = [w for w in words if w.startswith("-")]
        documented = [
            line
            for line in docs.splitlines()
            if f"dnnkit {subcommand}" in line and all(o in line for o in options)
        ]
        assert documented, f"not in README.md or docs/INSTRUCTOR_LOOP.md: {command}"
    text = workflow.read_text()
    uploads = [step for step in yaml.safe_load(text)["jobs"]["grade"]["steps"]]
    paths = {s["with"]["path"] for s in uploads if "upload-artifact" in s.get("uses", "")}
    assert paths == {"exports/", "feedback/"}


@pytest.mark.parametrize(
    ("path", "ignored"),
    [
        ("submitted/alice/step_by_step/step_by_step.ipynb", True),
        ("autograded/alice/step_by_step/step_by_step.ipynb", True),
        ("feedback/alice/step_by_step/step_by_step.html", True),
        ("gradebook.db", True),
        ("exports/canvas.csv", True),
        ("results/step_by_step/alice.json", True),
        ("autograder.zip", True),
        ("release/step_by_step/step_by_step.ipynb", False),
        ("source/step_by_step/step_by_step.ipynb", False),
        ("autograder/grading/exports.py", False),
        ("tests/grading/test_exports.py", False),
    ],
)
def test_gitignore_covers_the_course_folders_and_nothing_of_the_kit(path, ignored):
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    done = subprocess.run(
        [git, "check-ignore", "--no-index", "-q", path], cwd=ROOT, capture_output=True
    )
    assert done.returncode == (0 if ignored else 1), (path, done.stderr)
