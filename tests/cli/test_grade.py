"""`dnnkit grade`: output formats, exit codes, points from metadata, malformed notebooks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.course.notebooks import cell_source
from autograder.course.paths import KIT
from tests.helpers.samples import notebook_points
from tests.helpers.submissions import (
    failed,
    grade_all,
    graded_cell,
    solved_submission,
    with_cell,
    write,
)

RELEASE = KIT.root / "release" / "step_by_step" / "step_by_step.ipynb"


def _dnnkit(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "autograder.cli", "grade", *args],
        capture_output=True,
        text=True,
        cwd=KIT.root,
        timeout=300,
    )


@pytest.fixture(scope="module")
def json_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess, list]:
    directory = tmp_path_factory.mktemp("cli")
    solved = write(directory, "solved", solved_submission())
    broken = write(directory, "broken", "{ this is not json")
    paths = [str(solved), str(broken)]
    if RELEASE.exists():
        paths.append(str(RELEASE))
    run = _dnnkit(*paths, "--assignment", "step_by_step", "--json")
    return run, json.loads(run.stdout)


def test_json_output_is_one_gradescope_result_per_submission(json_run) -> None:
    run, results = json_run
    assert run.returncode == 3, "the broken notebook is not graded: exit code 3\n" + run.stderr
    assert "not graded: broken (step_by_step)" in run.stderr
    assert [Path(r["submission"]).stem for r in results][:2] == ["solved", "broken"]
    assert results[0]["not_graded"] is None
    assert "is not valid notebook JSON" in results[1]["not_graded"]
    points = notebook_points(KIT.solved_notebook("step_by_step"))
    for result in results:
        keys = {"submission", "student", "assignment", "score", "max_score", "tests"}
        assert set(result) == keys | {"isolation", "sha256", "not_graded", "scoring"}
        assert result["scoring"] == "all-or-nothing"
        assert result["max_score"] == sum(points.values())
        assert [t["name"] for t in result["tests"]] == list(points)
        for test in result["tests"]:
            assert set(test) == {"name", "score", "max_score", "status", "output"}
            assert test["max_score"] == points[test["name"]]
            assert test["status"] in ("passed", "failed")
            assert test["score"] == (test["max_score"] if test["status"] == "passed" else 0)
        assert result["score"] == sum(t["score"] for t in result["tests"])


def test_solved_scores_full_marks_and_bad_json_scores_zero_with_a_message(json_run) -> None:
    _, results = json_run
    solved, broken = results[0], results[1]
    assert solved["score"] == solved["max_score"]
    assert broken["score"] == 0
    assert all("not valid notebook JSON" in t["output"] for t in broken["tests"])


def test_untouched_release_scores_zero_and_points_at_the_placeholders(json_run) -> None:
    _, results = json_run
    if not RELEASE.exists():
        pytest.skip("release/step_by_step not built yet (run `dnnkit release`)")
    release = results[2]
    assert release["score"] == 0
    placeholder_hints = [t for t in release["tests"] if "placeholder" in t["output"]]
    assert len(placeholder_hints) >= 8


def test_default_output_is_a_table_and_exit_code_is_zero_even_at_score_zero(tmp_path) -> None:
    blank = solved_submission()
    for function in notebook_points(KIT.solved_notebook("step_by_step")):
        blank = with_cell(blank, function, f"# GRADED FUNCTION: {function}\n")
    run = _dnnkit(str(write(tmp_path, "step_by_step", blank)))
    assert run.returncode == 0, run.stderr
    assert "0 / 16" in run.stdout
    assert "linear_forward" in run.stdout
    assert "FAILED" in run.stdout


def test_a_file_that_is_no_notebook_exits_3_and_says_why(tmp_path) -> None:
    run = _dnnkit(str(write(tmp_path, "step_by_step", "[]")))
    assert run.returncode == 3, run.stderr
    assert "0 / 16" in run.stdout
    assert "has no list of cells" in run.stderr


def test_grading_that_cannot_run_exits_non_zero(tmp_path) -> None:
    submission = write(tmp_path, "anything", solved_submission())
    assert _dnnkit(str(submission), "--assignment", "no_such_lesson").returncode != 0
    unknown = _dnnkit(str(submission))
    assert unknown.returncode != 0
    assert "--assignment" in unknown.stderr


def _without(notebook: dict, function: str) -> dict:
    copy = json.loads(json.dumps(notebook))
    copy["cells"] = [c for c in copy["cells"] if c is not graded_cell(copy, function)]
    return copy


def _renamed(notebook: dict, function: str, header: str) -> dict:
    source = cell_source(graded_cell(notebook, function))
    return with_cell(notebook, function, source.replace(f"# GRADED FUNCTION: {function}", header))


def _as_markdown(notebook: dict, function: str) -> dict:
    copy = json.loads(json.dumps(notebook))
    cell = graded_cell(copy, function)
    cell["cell_type"] = "markdown"
    cell.pop("outputs", None)
    cell.pop("execution_count", None)
    return copy


def _duplicated(notebook: dict, function: str, last_source: str) -> dict:
    copy = json.loads(json.dumps(notebook))
    cell = graded_cell(copy, function)
    twin = json.loads(json.dumps(cell))
    twin["source"] = last_source
    copy["cells"].insert(copy["cells"].index(cell) + 1, twin)
    return copy


SOLVED = solved_submission()
MALFORMED = {
    "deleted": ("compute_cost", _without(SOLVED, "compute_cost"), "no code cell starts with"),
    "renamed": (
        "linear_forward",
        _renamed(SOLVED, "linear_forward", "# GRADED FUNCTION: linear_fwd"),
        "no code cell starts with",
    ),
    "markdown": ("linear_backward", _as_markdown(SOLVED, "linear_backward"), "markdown cell"),
    "syntax_error": (
        "L_model_forward",
        with_cell(
            SOLVED,
            "L_model_forward",
            "# GRADED FUNCTION: L_model_forward\ndef L_model_forward(X, parameters)\n    return\n",
        ),
        "SyntaxError",
    ),
    "duplicated_last_wrong": (
        "update_parameters",
        _duplicated(
            SOLVED,
            "update_parameters",
            "# GRADED FUNCTION: update_parameters\n"
            "def update_parameters(parameters, grads, learning_rate):\n    return parameters\n",
        ),
        "graded the last one",
    ),
    "no_function_defined": (
        "compute_cost",
        with_cell(SOLVED, "compute_cost", "# GRADED FUNCTION: compute_cost\nx = 1\n"),
        "does not define a function named compute_cost",
    ),
}


@pytest.fixture(scope="module")
def malformed(tmp_path_factory: pytest.TempPathFactory) -> dict:
    directory = tmp_path_factory.mktemp("malformed")
    paths = [write(directory, name, notebook) for name, (_, notebook, _) in MALFORMED.items()]
    return grade_all(paths)


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_notebook_gets_a_clear_message_for_that_function_only(malformed, case) -> None:
    function, _, message = MALFORMED[case]
    tests = malformed[case]
    assert failed(tests) == [function]
    assert message in tests[function].feedback


def test_duplicated_cell_with_the_right_answer_last_passes_with_a_note(tmp_path) -> None:
    source = cell_source(graded_cell(SOLVED, "linear_forward"))
    wrong_first = with_cell(SOLVED, "linear_forward", source.replace("+ b", "- b"))
    notebook = _duplicated(wrong_first, "linear_forward", source)
    tests = grade_all([write(tmp_path, "twice", notebook)])["twice"]
    assert failed(tests) == []
    assert "graded the last one" in tests["linear_forward"].feedback


def test_the_module_entry_point_is_the_same_command(tmp_path) -> None:
    submission = write(tmp_path, "step_by_step", solved_submission())
    run = subprocess.run(
        [sys.executable, "-m", "autograder.cli", "grade", str(submission), "--json"],
        capture_output=True,
        text=True,
        cwd=KIT.root,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    (result,) = json.loads(run.stdout)
    assert (
        result["score"]
        == result["max_score"]
        == sum(notebook_points(KIT.solved_notebook("step_by_step")).values())
    )
