"""The release step: nbgrader's pipeline with placeholders, no drift, no leaks, loud failures."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder.authoring.release import ReleaseError, release
from autograder.authoring.support_files import support_closure
from autograder.course.paths import CoursePaths
from tests.helpers.data import ROOT
from tests.helpers.trees import tree_differences

ASSIGNMENTS = sorted(p.parent.name for p in (ROOT / "source").glob("*/*.ipynb"))
BEGIN, END = "### START CODE HERE ###", "### END CODE HERE ###"


# --- a miniature course, to exercise the nbgrader pipeline end to end ---------------------


def solution_cell(source: str) -> nbformat.NotebookNode:
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {
        "solution": True,
        "grade": False,
        "locked": False,
        "grade_id": "double",
        "schema_version": 3,
    }
    return cell


def grading_cell(source: str) -> nbformat.NotebookNode:
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {
        "solution": False,
        "grade": True,
        "locked": True,
        "grade_id": "test_double",
        "points": 1,
        "schema_version": 3,
    }
    return cell


GRADED = "\n".join(
    [
        "# GRADED FUNCTION: double",
        "def double(x):",
        f"    {BEGIN} (≈ 1 line)",
        "    y = 2 * x",
        f"    {END}",
        "    return y",
    ]
)


@pytest.fixture
def mini_course(tmp_path: Path) -> Path:
    """A course root with the kit's config, its support package and one small assignment."""
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    shutil.copytree(ROOT / "support", tmp_path / "support", ignore=shutil.ignore_patterns("__py*"))
    notebook = new_notebook(
        cells=[
            new_markdown_cell(f"Write your code between `{BEGIN}` and `{END}`."),
            new_code_cell("from support.dnn_utils import relu"),
            solution_cell(GRADED),
            grading_cell(
                "assert double(2) == 4\n### BEGIN HIDDEN TESTS\nassert double(3) == 6\n"
                "### END HIDDEN TESTS"
            ),
        ]
    )
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "language": "python",
        "display_name": "Python 3",
    }
    (tmp_path / "source" / "mini").mkdir(parents=True)
    nbformat.write(notebook, tmp_path / "source" / "mini" / "mini.ipynb")
    return tmp_path


def test_mini_course_release_looks_like_coursera(mini_course: Path):
    (built,) = release(course=CoursePaths(mini_course))
    notebook = nbformat.read(built / "mini.ipynb", as_version=4)
    markdown, _imports, graded, tests = notebook.cells
    assert BEGIN in markdown.source
    assert END in markdown.source
    assert "y = None" in graded.source
    assert "2 * x" not in graded.source
    assert f"{BEGIN} (≈ 1 line)" in graded.source
    assert END in graded.source
    assert "double(3)" not in tests.source
    assert "HIDDEN" not in tests.source
    assert "double(2) == 4" in tests.source
    copied = sorted(p.name for p in (built / "support").iterdir())
    assert copied == ["__init__.py", "dnn_utils.py", "idx.py"]  # idx: support exports read_idx
    requirements = (built / "requirements.txt").read_text().splitlines()
    assert requirements[1:] == ["numpy>=1.24", "jupyterlab>=4", "ipywidgets>=8"]


def test_release_drops_the_last_run_s_metadata(mini_course: Path):
    """Widget state and timings of the solved notebook's run stay behind; the kernel spec is
    ipykernel's own, so JupyterLab opens the release without rewriting it."""
    path = mini_course / "source" / "mini" / "mini.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    for cell in notebook.cells:
        cell.metadata["execution"] = {"iopub.status.busy": "2024-01-01T00:00:00"}
        cell.metadata["ExecuteTime"] = {"end_time": "2024-01-01T00:00:01"}
    nbformat.write(notebook, path)
    (built,) = release(course=CoursePaths(mini_course))
    released = nbformat.read(built / "mini.ipynb", as_version=4)
    assert "widgets" not in released.metadata
    assert released.metadata.kernelspec.display_name == "Python 3 (ipykernel)"
    for cell in released.cells:
        assert not {"execution", "ExecuteTime"} & set(cell.metadata), cell.metadata
    assert released.cells[2].metadata.nbgrader.grade_id == "double"  # nbgrader's own stays


def test_an_import_the_student_extra_does_not_declare_fails_loudly(mini_course: Path):
    path = mini_course / "source" / "mini" / "mini.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[1].source += "\nimport nbformat"  # an instructor tool, not a student's
    nbformat.write(notebook, path)
    with pytest.raises(ReleaseError, match=r"needs \['nbformat'\]: add them to the student extra"):
        release(course=CoursePaths(mini_course))


def test_a_datasets_folder_beside_the_notebook_never_travels_into_the_release(
    mini_course: Path, tmp_path_factory: pytest.TempPathFactory
):
    lesson = mini_course / "source" / "mini"
    (lesson / "datasets" / "nested").mkdir(parents=True)
    (lesson / "datasets" / "x.h5").write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(64))
    (lesson / "datasets" / "nested" / "y.h5").write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(64))
    (lesson / "notes.md").write_text("other files beside the notebook are released")
    output = tmp_path_factory.mktemp("released")

    (built,) = release(course=CoursePaths(mini_course), output=output)

    assert built == output / "mini"
    assert (built / "mini.ipynb").is_file()
    assert (built / "notes.md").is_file()  # nbgrader copies the folder: only datasets/ is left out
    assert not (built / "datasets").exists()
    assert not [path.name for path in output.rglob("*.h5")]
    assert (lesson / "datasets" / "x.h5").is_file()  # the instructor's copy stays


def test_solution_cell_without_markers_fails_instead_of_being_blanked(mini_course: Path):
    path = mini_course / "source" / "mini" / "mini.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[2].source = "# GRADED FUNCTION: double\n\ndef double(x):\n    return 2 * x"
    nbformat.write(notebook, path)
    with pytest.raises(ReleaseError, match="has no `### START CODE HERE ###` block"):
        release(course=CoursePaths(mini_course))


def test_broken_config_fails_loudly(mini_course: Path):
    (mini_course / "nbgrader_config.py").write_text("c = get_config()\nraise ValueError('typo')\n")
    with pytest.raises(ReleaseError, match=r"nbgrader_config\.py raised ValueError: typo"):
        release(course=CoursePaths(mini_course))


def test_cli_reports_failure_with_exit_code():
    result = subprocess.run(
        [sys.executable, "-m", "autograder.cli", "release", "no_such_assignment"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 1
    assert "unknown assignment" in result.stderr


def test_support_closure_follows_imports_transitively():
    package = ROOT / "support"
    files = support_closure(package, "from support.step_by_step.checks import linear_forward_test")
    names = {str(path.relative_to(package)) for path in files}
    assert {
        "__init__.py",
        "step_by_step/__init__.py",  # the enclosing package runs first
        "step_by_step/checks.py",
        "checks.py",
        "testCases.py",
    } <= names
    assert "dnn_utils.py" not in names  # nothing in that chain imports it


# --- the kit's own releases ----------------------------------------------------------------


@pytest.fixture(scope="module")
def fresh_release(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("release")
    release(output=output)
    return output


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_committed_release_matches_a_fresh_build(fresh_release: Path, assignment: str):
    committed, fresh = ROOT / "release" / assignment, fresh_release / assignment
    assert committed.is_dir(), f"release/{assignment} is missing: run `dnnkit release`"
    drift = tree_differences(committed, fresh)
    assert not drift, f"release/{assignment} drifted from source/ in {drift}: run `dnnkit release`"


# What each lesson's notebook and support files import, read off them by hand, plus the
# environment: lesson 1 needs numpy alone (issue 11: not scikit-image nor scikit-learn).
REQUIREMENTS = {
    "step_by_step": ["numpy>=1.24", "jupyterlab>=4", "ipywidgets>=8"],
    "application": [
        "numpy>=1.24",
        "h5py>=3.8",
        "matplotlib>=3.7",
        "tqdm>=4.66",
        "pillow>=10",
        "scikit-image>=0.22",
        "threadpoolctl>=3.2",
        "jupyterlab>=4",
        "ipywidgets>=8",
    ],
    "digits": [
        "numpy>=1.24",
        "matplotlib>=3.7",
        "tqdm>=4.66",
        "scikit-learn>=1.3",
        "threadpoolctl>=3.2",
        "jupyterlab>=4",
        "ipywidgets>=8",
    ],
}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_each_release_requires_only_what_its_notebook_imports(assignment: str):
    lines = (ROOT / "release" / assignment / "requirements.txt").read_text().splitlines()
    assert lines[0].startswith("# Install with: pip install -r requirements.txt")
    assert lines[1:] == REQUIREMENTS[assignment]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_committed_release_carries_no_run_state(assignment: str):
    text = (ROOT / "release" / assignment / f"{assignment}.ipynb").read_text()
    notebook = nbformat.reads(text, as_version=4)
    assert "widgets" not in notebook.metadata
    assert "application/vnd.jupyter.widget" not in text
    assert not any("execution" in cell.metadata for cell in notebook.cells)


def solution_lines(notebook_path: Path) -> set[str]:
    """Every non-trivial line between the START/END markers of a solved notebook."""
    lines = set()
    for cell in nbformat.read(notebook_path, as_version=4).cells:
        inside = False
        for line in cell.source.split("\n"):
            if BEGIN in line:
                inside = True
            elif END in line:
                inside = False
            elif inside and len(line.strip()) > 12 and not line.strip().startswith("#"):
                lines.add(line.strip())
    return lines


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_solution_line_in_the_release(assignment: str):
    solutions = solution_lines(ROOT / "source" / assignment / f"{assignment}.ipynb")
    assert solutions, "the solved notebook should have solution lines"
    leaks = []
    for path in (ROOT / "release" / assignment).rglob("*"):
        if path.is_file() and path.suffix in {".py", ".ipynb", ".txt", ".md"}:
            text = path.read_text()
            leaks += [f"{path.name}: {line}" for line in solutions if line in text]
    assert not leaks, f"solution lines leaked into release/{assignment}: {leaks[:5]}"


def test_no_hidden_test_anywhere_in_release():
    for path in (ROOT / "release").rglob("*"):
        if path.is_file() and path.suffix in {".py", ".ipynb"}:
            text = path.read_text()
            assert "HIDDEN TESTS" not in text, path
            assert not re.search(r"\bautograder\b", text), f"{path} refers to the autograder"
