"""`dnnkit gradescope`: the package, unpacked in a temporary /autograder and run as Gradescope does.

The test lays the zip out as Gradescope does (``source/`` = the zip, ``run_autograder`` beside it,
``submission/`` = the student's files), stands the current virtual environment in for the one
``setup.sh`` would build (``venv`` -> ``.venv``) and runs ``run_autograder`` with
``GRADESCOPE_ROOT`` pointing there: every path the package uses must be under it.
"""

from __future__ import annotations

import json
import os
import subprocess
import zipfile
from pathlib import Path

import pytest

from autograder.cli import main
from autograder.course.paths import KIT
from tests.helpers.gradescope import VENV, unpack
from tests.helpers.submissions import solved_submission, with_cell, write

ASSIGNMENT = "step_by_step"


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (VENV / "pyvenv.cfg").exists():
        pytest.skip("the tests do not run in a virtual environment to stand in for setup.sh's")
    path = tmp_path_factory.mktemp("package") / "autograder.zip"
    assert main(["gradescope", ASSIGNMENT, "-o", str(path)]) == 0
    return path


def run_autograder(package: Path, root: Path, files: dict[str, dict | str]) -> tuple[dict, str]:
    unpack(package, root)
    (root / "submission").mkdir()
    for name, notebook in files.items():
        write(root / "submission", name, notebook)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DNNKIT_", "PYTHON"))}
    env["GRADESCOPE_ROOT"] = str(root)
    done = subprocess.run(
        [str(root / "run_autograder")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads((root / "results" / "results.json").read_text()), done.stdout


def test_the_package_holds_the_kit_the_scripts_and_pins_but_no_tests_or_releases(package):
    with zipfile.ZipFile(package) as archive:
        names = set(archive.namelist())
        modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in archive.infolist()}
        requirements = archive.read("requirements.txt").decode().splitlines()
    assert {"setup.sh", "run_autograder", "requirements.txt", "gradescope.json"} <= names
    assert f"kit/source/{ASSIGNMENT}/{ASSIGNMENT}.ipynb" in names
    assert "kit/autograder/gradescope/run.py" in names
    assert not [n for n in names if n.startswith(("kit/tests/", "kit/release/"))]
    assert not [n for n in names if "/source/" in n and ASSIGNMENT not in n]  # other lessons
    assert not [n for n in names if "__pycache__" in n]
    assert modes["run_autograder"] == modes["setup.sh"] == 0o755
    assert modes["kit/.dnnkit/course_secret"] == 0o600
    pins = [line for line in requirements if line and not line.startswith("#")]
    assert all("==" in pin for pin in pins)
    assert any(pin.startswith("numpy==") for pin in pins)
    assert not any(pin.startswith("jupyterlab==") for pin in pins)  # the editor
    for script in ("setup.sh", "run_autograder"):
        text = zipfile.ZipFile(package).read(script).decode()
        assert "${GRADESCOPE_ROOT:-/autograder}" in text
        assert "/autograder/" not in text.replace("${GRADESCOPE_ROOT:-/autograder}", "")
        checked = subprocess.run(["bash", "-n"], input=text, text=True, capture_output=True)
        assert checked.returncode == 0, checked.stderr


def test_run_autograder_grades_the_submission_into_one_results_object(package, tmp_path):
    wrong = with_cell(
        solved_submission(),
        "compute_cost",
        "# GRADED FUNCTION: compute_cost\ndef compute_cost(AL, Y):\n    return 0.5\n",
    )
    results, stdout = run_autograder(package, tmp_path, {ASSIGNMENT: wrong})
    assert isinstance(results, dict)
    assert {"score", "tests", "output", "visibility", "stdout_visibility"} <= set(results)
    assert results["stdout_visibility"] == "hidden"
    for test in results["tests"]:
        assert {"name", "score", "max_score", "output", "visibility", "status"} <= set(test)
    by_name = {test["name"]: test for test in results["tests"]}
    assert by_name["compute_cost"]["score"] == 0
    assert by_name["linear_forward"]["score"] == by_name["linear_forward"]["max_score"]
    assert results["score"] == sum(test["score"] for test in results["tests"]) == 15
    assert str(tmp_path / "source" / "kit") in stdout  # graded with the packaged kit


def test_a_submission_without_the_notebook_gets_a_message_and_zero(package, tmp_path):
    results, _ = run_autograder(package, tmp_path, {"a": "{}", "b": "{}"})
    assert results["score"] == 0
    assert results["tests"] == []
    assert f"{ASSIGNMENT}.ipynb" in results["output"]


def test_unknown_assignment_is_refused(tmp_path, capsys):
    assert main(["gradescope", "no_such_lesson", "-o", str(tmp_path / "a.zip")]) == 2
    assert "unknown assignment" in capsys.readouterr().err
    assert KIT.has_assignment(ASSIGNMENT)


def test_hidden_cases_are_drawn_for_the_submitter_gradescope_names(tmp_path, monkeypatch):
    from autograder.gradescope import run

    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "gradescope.json").write_text(json.dumps({"assignment": ASSIGNMENT}))
    (tmp_path / "submission").mkdir()
    write(tmp_path / "submission", ASSIGNMENT, "{}")
    metadata = {"users": [{"email": "b@uni.edu", "id": 2}, {"email": "a@uni.edu", "id": 1}]}
    (tmp_path / "submission_metadata.json").write_text(json.dumps(metadata))
    seen = []

    def fake_grade_paths(paths, assignment, *, identities, scoring):  # noqa: ARG001
        seen.append(identities)
        from autograder.grading.results import SubmissionResult

        return [SubmissionResult(str(paths[0]), [])]

    monkeypatch.setattr(run, "grade_paths", fake_grade_paths)
    monkeypatch.setenv("GRADESCOPE_ROOT", str(tmp_path))
    assert run.main() == 0
    (tmp_path / "submission_metadata.json").unlink()
    assert run.main() == 0
    assert seen == [["a@uni.edu+b@uni.edu"], [ASSIGNMENT]]
