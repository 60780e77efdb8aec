"""The release step: Coursera-style placeholders, no drift, no leaks, loud failures."""

from __future__ import annotations

import filecmp
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder.authoring.placeholders import (
    PlaceholderError,
    placeholder_block,
    replace_solution_blocks,
)
from autograder.authoring.release import ReleaseError, release
from autograder.authoring.support_files import support_closure
from autograder.course.paths import CoursePaths
from tests.helpers.data import ROOT

ASSIGNMENTS = sorted(p.parent.name for p in (ROOT / "source").glob("*/*.ipynb"))
BEGIN, END = "### START CODE HERE ###", "### END CODE HERE ###"


# --- placeholders --------------------------------------------------------------------------


def test_assignments_become_named_placeholders():
    lines = ["    W1 = np.random.randn(n_h, n_x) * 0.01", "    Z, cache = f(A)", "    x += 1"]
    assert placeholder_block(lines) == ["    W1 = None", "    Z, cache = None", "    x = None"]


def test_subscript_targets_keep_their_keys():
    lines = ['        parameters["W" + str(l)] = np.zeros((3, 1))']
    assert placeholder_block(lines) == ['        parameters["W" + str(l)] = None']


def test_loop_and_branch_headers_stay_and_bodies_become_placeholders():
    block = [
        "    for l in range(1, L + 1):",
        "        # a comment inside the solution disappears",
        "        W = W - rate * dW",
        "    if a:",
        "        x = 1",
        "    elif b:",
        "        x = 2",
        "    else:",
        "        x = 3",
    ]
    assert placeholder_block(block) == [
        "    for l in range(1, L + 1):",
        "        W = None",
        "    if a:",
        "        x = None",
        "    elif b:",
        "        x = None",
        "    else:",
        "        x = None",
    ]


def test_multiline_statement_becomes_one_placeholder():
    block = ["    A, cache = forward(", "        A_prev, W, b", "    )"]
    assert placeholder_block(block) == ["    A, cache = None"]


def test_markers_and_hint_stay_and_code_around_them_is_kept():
    source = "\n".join(
        [
            "def f(x):",
            f"    {BEGIN} (≈ 1 line of code)",
            "    y = x * 2",
            f"    {END}",
            "    return y",
        ]
    )
    released, blocks = replace_solution_blocks(source)
    assert blocks == 1
    assert released.split("\n") == [
        "def f(x):",
        f"    {BEGIN} (≈ 1 line of code)",
        "    y = None",
        f"    {END}",
        "    return y",
    ]


@pytest.mark.parametrize(
    "block, message",
    [
        (["    caches.append(cache)"], "not an assignment"),
        (["    return x"], "not an assignment"),
        (["    y = (x"], "does not parse"),
        (["    "], "empty"),
    ],
)
def test_unconvertible_blocks_fail_with_a_reason(block, message):
    with pytest.raises(PlaceholderError, match=message):
        placeholder_block(block)


@pytest.mark.parametrize(
    "source, message",
    [
        (f"{BEGIN}\nx = 1\n", "without a matching"),
        (f"x = 1\n{END}\n", "without a"),
        (f"{BEGIN}\nx = 1\n{BEGIN}\ny = 2\n{END}\n", "before the previous block"),
    ],
)
def test_unbalanced_markers_fail(source, message):
    with pytest.raises(PlaceholderError, match=message):
        replace_solution_blocks(source)


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
    markdown, imports, graded, tests = notebook.cells
    assert BEGIN in markdown.source and END in markdown.source  # prose is left alone
    assert "y = None" in graded.source and "2 * x" not in graded.source
    assert f"{BEGIN} (≈ 1 line)" in graded.source and END in graded.source
    assert "double(3)" not in tests.source and "HIDDEN" not in tests.source
    assert "double(2) == 4" in tests.source
    copied = sorted(p.name for p in (built / "support").iterdir())
    assert copied == ["__init__.py", "dnn_utils.py", "idx.py"]  # idx: support exports read_idx
    assert "numpy" in (built / "requirements.txt").read_text()


def test_solution_cell_without_markers_fails_instead_of_being_blanked(mini_course: Path):
    path = mini_course / "source" / "mini" / "mini.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[2].source = "# GRADED FUNCTION: double\n\ndef double(x):\n    return 2 * x"
    nbformat.write(notebook, path)
    with pytest.raises(ReleaseError, match="has no `### START CODE HERE ###` block"):
        release(course=CoursePaths(mini_course))


def test_broken_config_fails_loudly(mini_course: Path):
    (mini_course / "nbgrader_config.py").write_text("c = get_config()\nraise ValueError('typo')\n")
    with pytest.raises(ReleaseError, match="nbgrader_config.py raised ValueError: typo"):
        release(course=CoursePaths(mini_course))


def test_cli_reports_failure_with_exit_code(tmp_path: Path):
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
    comparison = filecmp.dircmp(committed, fresh, ignore=["__pycache__", ".ipynb_checkpoints"])
    drift = []

    def walk(cmp: filecmp.dircmp, prefix: str) -> None:
        drift.extend(prefix + n for n in cmp.left_only + cmp.right_only + cmp.diff_files)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(comparison, "")
    assert not drift, f"release/{assignment} drifted from source/ in {drift}: run `dnnkit release`"


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
