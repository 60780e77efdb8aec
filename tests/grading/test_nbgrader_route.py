"""nbgrader's own loop on a course built from the kit: release, autograde, feedback, export.

The course is made in a temporary folder the way an instructor makes one (``dnnkit release``
registers the assignment in the gradebook), then nbgrader's commands run as nbgrader users type
them. The kit's ``nbgrader_config.py`` must make ``autograde`` grade in the sandbox: the scores
are the kit's, the test cells hold the kit's feedback, and no cell runs in a kernel.
"""

from __future__ import annotations

import csv
import gc
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from traitlets.config import PyFileConfigLoader

from autograder.course.notebooks import points_per_function, read_notebook
from autograder.course.paths import KIT, NBGRADER_CONFIG
from autograder.devtools.nbgrader_course import autograde, nbgrader, scores
from autograder.grading.cases import prepared_cases
from autograder.grading.grader import GradingRun
from autograder.grading.nbgrader_autograde import WITHOUT_ISOLATION
from autograder.lessons.mutations import mutate
from autograder.lessons.step_by_step.mistakes import BY_SLUG
from tests.helpers.grading_runs import grade_shared
from tests.helpers.sandbox_modes import command_prefix
from tests.helpers.submissions import solved_submission, with_cell, write

ASSIGNMENT = "step_by_step"
MISTAKE = BY_SLUG["cost_no_one_over_m"]
LOOPING = (
    "# GRADED FUNCTION: linear_forward\n"
    "def linear_forward(A, W, b):\n    while True:\n        pass\n"
)


def escaping_cell(marker: Path) -> str:
    """A graded cell whose top level writes ``marker``: possible in a kernel, not in the sandbox."""
    return (
        "# GRADED FUNCTION: initialize_parameters\n"
        f"open({str(marker)!r}, 'w').write('student code ran on the grader')\n"
        "def initialize_parameters(n_x, n_h, n_y):\n    return None\n"
    )


@pytest.fixture(scope="module")
def course(tmp_path_factory, nbgrader_courses) -> dict:
    """A course with four submissions, autograded once; what the tests look at."""
    tmp = tmp_path_factory.mktemp("nbgrader_course")
    markers = {"top_level": tmp / "top_level_ran", "graded_cell": tmp / "graded_cell_ran"}
    solved = solved_submission()
    right = json.loads(json.dumps(solved))
    # A plain code cell at the end: a kernel would run it, the sandbox never sees it.
    right["cells"].append(
        {
            "cell_type": "code",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": f"open({str(markers['top_level'])!r}, 'w').write('ran')",
        }
    )
    notebooks = {
        "right": right,
        "wrong": mutate(solved, MISTAKE),
        "looping": with_cell(solved, "linear_forward", LOOPING),
        "escaping": with_cell(
            solved, "initialize_parameters", escaping_cell(markers["graded_cell"])
        ),
    }
    submissions = {name: write(tmp, name, notebook) for name, notebook in notebooks.items()}
    root = tmp / "course"
    root.mkdir()
    nbgrader_courses.make(root, ASSIGNMENT, submissions)
    started = time.perf_counter()
    done = autograde(root, ASSIGNMENT)
    seconds = time.perf_counter() - started
    assert done.returncode == 0, done.stderr[-3000:]
    return {"root": root, "submissions": submissions, "markers": markers, "seconds": seconds}


def points() -> dict[str, float]:
    return points_per_function(read_notebook(KIT.solved_notebook(ASSIGNMENT)))


def test_autograde_gives_the_kit_scores_one_function_at_a_time(course) -> None:
    total = sum(points().values())
    assert scores(course["root"], ASSIGNMENT) == {
        "right": total,
        "wrong": total - points()[MISTAKE.function],
        "looping": total - points()["linear_forward"],
        "escaping": total - points()["initialize_parameters"],
    }


def test_a_loop_costs_seconds_not_nbgrader_s_timeout(course) -> None:
    # Under a kernel the loop would hold the notebook until nbgrader's 30 s cell timeout (and
    # cascade); in the sandbox it costs its calibrated CPU limit. Generous bound for slow CI.
    assert course["seconds"] < 60


def test_no_student_code_runs_outside_the_sandbox(course) -> None:
    assert not course["markers"]["top_level"].exists(), "a plain cell ran: a kernel was started"
    assert not course["markers"]["graded_cell"].exists(), "a graded cell wrote to the grader's disk"


def autograded_cells(root: Path, student: str) -> dict[str, dict]:
    """The graded test cells of a student's autograded notebook, by function name."""
    path = root / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    cells = json.loads(path.read_text())["cells"]
    found = {}
    for cell in cells:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id", "")
        if grade_id.startswith("test_"):
            found[grade_id.removeprefix("test_")] = cell
    return found


def output_text(cell: dict) -> str:
    parts = []
    for output in cell["outputs"]:
        parts.append("".join(output.get("text", "")) + "\n".join(output.get("traceback", [])))
    return without_timings("\n".join(parts))


def without_timings(text: str) -> str:
    """CPU limits are calibrated on each run's own timing of the reference: compare the rest."""
    return re.sub(r"\d+\.\d+ s of CPU", "<limit> s of CPU", text)


def test_each_test_cell_holds_the_feedback_dnnkit_grade_gives_the_same_student(course) -> None:
    """Same student id, same hidden cases, same words: both routes share one grader."""
    root = course["root"]
    for student in ("wrong", "looping"):
        (result,) = grade_shared([course["submissions"][student]], ASSIGNMENT, [student])
        cells = autograded_cells(root, student)
        assert set(cells) == {test.name for test in result.tests}
        for test in result.tests:
            text = output_text(cells[test.name])
            assert without_timings(test.feedback) in text, (student, test.name, text)
            kinds = {output["output_type"] for output in cells[test.name]["outputs"]}
            assert kinds == ({"stream"} if test.passed else {"error"}), (test.name, kinds)
    wrong = output_text(autograded_cells(root, "wrong")[MISTAKE.function])
    assert MISTAKE.hint in wrong


@pytest.fixture(scope="module")
def feedback(course) -> Path:
    """The module's course after ``nbgrader generate_feedback``, run once; its root."""
    root = course["root"]
    done = nbgrader(root, "generate_feedback", ASSIGNMENT, "--force")
    assert done.returncode == 0, done.stderr[-2000:]
    return root


def test_generate_feedback_and_export_work_as_in_nbgrader(feedback) -> None:
    root = feedback
    html = (root / "feedback" / "wrong" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert MISTAKE.hint.split(";")[0] in html.replace("&#39;", "'")
    done = nbgrader(root, "export", "--to", str(root / "grades.csv"))
    assert done.returncode == 0, done.stderr[-2000:]
    with open(root / "grades.csv") as handle:
        exported = {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}
    assert exported == scores(root, ASSIGNMENT)


def test_release_feedback_puts_it_in_the_exchange(feedback, tmp_path) -> None:
    root, exchange = feedback, tmp_path / "exchange"
    exchange.mkdir()
    exchange.chmod(0o777)
    done = nbgrader(root, "release_feedback", ASSIGNMENT, f"--Exchange.root={exchange}")
    assert done.returncode == 0, done.stderr[-2000:]
    released = list((exchange / "dnnkit-course" / "feedback").glob("*.html"))
    assert len(released) == 4


def test_one_grading_run_serves_a_whole_autograde_in_process_and_closes(
    tmp_path, monkeypatch, nbgrader_courses
) -> None:
    """As formgrader runs it (NbGraderAPI in the server's process): one run, closed after."""
    solved = solved_submission()
    notebooks = {"a": solved, "b": mutate(solved, MISTAKE), "c": solved}
    submissions = {name: write(tmp_path, name, notebook) for name, notebook in notebooks.items()}
    root = tmp_path / "course"
    root.mkdir()
    nbgrader_courses.make(root, ASSIGNMENT, submissions)
    started, closed = [], []
    original_init, original_close = GradingRun.__init__, GradingRun.close

    def counting_init(self, *args, **kwargs) -> None:
        original_init(self, *args, **kwargs)
        started.append(self)

    def counting_close(self) -> None:
        closed.append(self)
        original_close(self)

    monkeypatch.setattr(GradingRun, "__init__", counting_init)
    monkeypatch.setattr(GradingRun, "close", counting_close)
    config = PyFileConfigLoader(NBGRADER_CONFIG, path=str(root)).load_config()
    api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
    result = api.autograde(ASSIGNMENT, "*")
    assert result["success"], result.get("log")
    gc.collect()
    assert len(started) == 1
    assert closed == started
    total = sum(points().values())
    wrong = total - points()[MISTAKE.function]
    assert scores(root, ASSIGNMENT) == {"a": total, "b": wrong, "c": total}


WITHOUT_NAMESPACES = """
import errno, os, sys
import pyseccomp
denied = pyseccomp.SyscallFilter(pyseccomp.ALLOW)
denied.add_rule(pyseccomp.ERRNO(errno.EPERM), "unshare")
denied.load()
nbgrader = os.path.join(os.path.dirname(sys.executable), "nbgrader")
os.execv(nbgrader, [nbgrader, "autograde", *sys.argv[1:]])
"""


@pytest.mark.parametrize("insecure", [False, True])
def test_autograde_refuses_without_isolation_unless_the_course_opts_out(
    tmp_path, insecure, nbgrader_courses
) -> None:
    """A machine without user namespaces, simulated as in tests/cli/test_grade_isolation.py."""
    pytest.importorskip("pyseccomp", reason="the simulation needs pyseccomp (a kit dependency)")
    root = tmp_path / "course"
    root.mkdir()
    settings = "c.SandboxedGrading.insecure = True" if insecure else ""
    submission = write(tmp_path, "a", solved_submission())
    nbgrader_courses.make(root, ASSIGNMENT, {"a": submission}, settings=settings)
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_NAMESPACES, ASSIGNMENT, "--force"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    cells = root / "autograded" / "a" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    if not insecure:
        assert done.returncode != 0
        assert "user namespace" in done.stderr
        assert "c.SandboxedGrading.insecure = True" in done.stderr
        assert not cells.exists()
        return
    assert done.returncode == 0, done.stderr[-2000:]
    assert scores(root, ASSIGNMENT) == {"a": sum(points().values())}
    for cell in autograded_cells(root, "a").values():
        assert output_text(cell).startswith(WITHOUT_ISOLATION)


def printed_forms(value: object) -> list[set[str]]:
    """How each float array of a hidden input would look if printed: its entries at 6
    significant digits (integer-like ones prove nothing and are left out)."""
    if isinstance(value, dict):
        return [forms for item in value.values() for forms in printed_forms(item)]
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        texts = {f"{entry:.6g}" for entry in value.flat[:50]}
        return [{text for text in texts if len(text.lstrip("-")) >= 7}]
    return []


def test_no_hidden_input_reaches_the_test_cells(course) -> None:
    """What the kit writes into the test cells (and nbgrader's feedback pages show) names cases
    and outputs, never an input. One number in common may be chance (a 6-digit output equal to
    some input entry); two entries of one input array are not."""
    root = course["root"]
    checked = 0
    for student in ("wrong", "looping"):
        cells = autograded_cells(root, student).values()
        written = "\n".join(output_text(cell) for cell in cells)
        for function in points():
            for prepared in prepared_cases(ASSIGNMENT, function, student):
                if not prepared.case.name.startswith("hidden"):
                    continue
                for forms in (f for arg in prepared.args for f in printed_forms(arg)):
                    leaked = sorted(form for form in forms if form in written)
                    assert len(leaked) < 2, (student, function, prepared.case.name, leaked[:3])
                    checked += len(forms)
    assert checked > 1000  # the check looked at real inputs


def test_an_ordinary_user_s_autograde_confines_student_code_too(tmp_path, nbgrader_courses) -> None:
    """The module's course runs nbgrader as root (CI); this one as a user without privileges."""
    prefix = command_prefix("user")
    marker = tmp_path / "graded_cell_ran"
    solved = solved_submission()
    escaping = with_cell(solved, "initialize_parameters", escaping_cell(marker))
    submissions = {"escaping": write(tmp_path, "escaping", escaping)}
    root = tmp_path / "course"
    root.mkdir()
    nbgrader_courses.make(root, ASSIGNMENT, submissions)
    nbgrader_command = str(Path(sys.executable).parent / "nbgrader")
    done = subprocess.run(
        [*prefix, nbgrader_command, "autograde", ASSIGNMENT, "--force"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert not marker.exists(), "a graded cell wrote to the grader's disk"
    total = sum(points().values())
    assert scores(root, ASSIGNMENT) == {"escaping": total - points()["initialize_parameters"]}
