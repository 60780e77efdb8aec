"""The grader's environment never reaches student code, whatever route grades it.

The grader runs with a planted course secret (``DNNKIT_COURSE_SECRET``) and planted credentials
(a CI token, a cloud key) in its environment. A submission's graded function reads every
environment it can reach (``os.environ``, the C library's ``environ``, ``/proc/*/environ``) and
raises a compact report: the names of the variables it saw, and which of them hold one of the
planted values (it is given only their SHA-256 digests, so its source, which the outputs repeat,
never holds a planted value). A planted ``LANGUAGE`` (on the allow-list) must reach the child, which
proves the report works. Every route a course grades by is checked once: ``dnnkit grade`` as root
and as an ordinary user, a ``--shard`` run writing ``--results``, ``nbgrader autograde`` through the
kit's configuration, and Gradescope's ``run_autograder``. No planted name or value may appear in
anything a route writes: stdout, stderr, JSON, result files, the autograded notebook, the
gradebook, results.json.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.cli import main
from autograder.devtools.nbgrader_course import BIN
from autograder.grading.kit_helpers import HelperServer
from autograder.sandbox.pool import INHERITED_VARIABLES, SINGLE_THREADED, Zygote
from tests.helpers.data import ROOT
from tests.helpers.gradescope import VENV, unpack
from tests.helpers.sandbox_modes import MODES, command_prefix, failed_functions
from tests.helpers.submissions import solved_submission, with_cell, write

ASSIGNMENT = "step_by_step"
DUMPER = "initialize_parameters"  # the graded function that reports its environment
STUDENT = "dumps_its_environment"

# What the grader holds and student code must never see: names and values.
PLANTED = {
    "DNNKIT_COURSE_SECRET": secrets.token_hex(32),
    "CI_JOB_TOKEN": "glcbt-" + secrets.token_hex(20),
    "AWS_SECRET_ACCESS_KEY": secrets.token_urlsafe(30),
}
# On the allow-list: must reach the child (the report's positive control).
ALLOWED = {"LANGUAGE": f"en:dnnkit{secrets.token_hex(8)}"}
SANDBOX_NAMES = sorted(set(INHERITED_VARIABLES) | set(SINGLE_THREADED))


def _digests(values: list[str]) -> dict[int, list[str]]:
    """Length in bytes -> SHA-256 digests of the values of that length."""
    by_length: dict[int, list[str]] = {}
    for value in values:
        encoded = value.encode()
        by_length.setdefault(len(encoded), []).append(hashlib.sha256(encoded).hexdigest())
    return by_length


# The graded function: what environment it reaches, reported within the first 160 characters of
# its error message (all that feedback shows of it): ``matches`` names every variable whose value
# CONTAINS a planted (or the allowed) value, ``inside`` is a bit mask of the allow-list's names it
# saw, ``outside`` lists every other name.
DUMP_CELL = f"""# GRADED FUNCTION: {DUMPER}
import ctypes, hashlib, os

WANTED = {_digests([*PLANTED.values(), *ALLOWED.values()])!r}
ALLOWED_NAMES = {SANDBOX_NAMES!r}

def environments():
    entries = [f"{{name}}={{value}}".encode() for name, value in os.environ.items()]
    try:
        table = ctypes.POINTER(ctypes.c_char_p).in_dll(ctypes.CDLL(None), "environ")
        index = 0
        while table[index] is not None:
            entries.append(table[index])
            index += 1
    except Exception:
        pass
    try:
        places = ["self", *(entry for entry in os.listdir("/proc") if entry.isdigit())]
    except OSError:
        places = ["self"]
    for place in places:
        try:
            with open(f"/proc/{{place}}/environ", "rb") as handle:
                entries += handle.read().split(b"\\0")
        except OSError:
            pass
    return [entry for entry in entries if entry]

def {DUMPER}(n_x, n_h, n_y):
    entries = environments()
    names = sorted({{entry.split(b"=", 1)[0].decode(errors="replace") for entry in entries}})
    matches = set()
    for entry in entries:
        name, _, value = entry.partition(b"=")
        for length, digests in WANTED.items():
            for start in range(len(value) - length + 1):
                if hashlib.sha256(value[start : start + length]).hexdigest() in digests:
                    matches.add(name.decode(errors="replace"))
    inside = sum(1 << index for index, name in enumerate(ALLOWED_NAMES) if name in names)
    outside = [name for name in names if name not in ALLOWED_NAMES]
    raise RuntimeError(
        f"ENVDUMP matches={{','.join(sorted(matches))}} count={{len(names)}} inside={{inside}} "
        f"outside={{','.join(outside)}} ENDDUMP"
    )
"""
DUMPING = with_cell(solved_submission(ASSIGNMENT), DUMPER, DUMP_CELL)


def grader_environment(*, python_path: bool = True) -> dict[str, str]:
    """The test's environment with the planted variables, as a course's grader would run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DNNKIT_", "PYTHON"))}
    env |= {**PLANTED, **ALLOWED, "LANG": "C.UTF-8", "HOME": os.environ.get("HOME", "/root")}
    if python_path:
        env["PYTHONPATH"] = str(ROOT)
    return env


def run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    return done


def dnnkit_grade(mode: str, *args: str) -> subprocess.CompletedProcess:
    argv = ["-m", "autograder.cli", "grade", "--no-progress", "--assignment", ASSIGNMENT, *args]
    return run([*command_prefix(mode), sys.executable, *argv], ROOT, grader_environment())


def report(text: str) -> dict:
    """The dumping function's report, read from feedback text."""
    found = re.search(r"ENVDUMP matches=(\S*) count=(\d+) inside=(\d+) outside=(\S*)", text)
    assert found, f"no environment report in the feedback: {text[:1500]}"
    matches, count, inside, outside = found.groups()
    return {
        "matches": sorted(filter(None, matches.split(","))),
        "count": int(count),
        "names": [name for i, name in enumerate(SANDBOX_NAMES) if int(inside) >> i & 1],
        "outside": list(filter(None, outside.split(","))),
        "complete": re.search(r"outside=\S* ENDDUMP", text) is not None,
    }


def assert_child_saw_only_the_allow_list(text: str) -> None:
    seen = report(text)
    assert seen["matches"] == sorted(ALLOWED), f"planted values reached the child: {seen}"
    assert seen["outside"] == [], f"names off the allow-list reached the child: {seen}"
    assert seen["complete"], f"the report was cut: {text[:1500]}"
    assert len(seen["names"]) == seen["count"]
    assert {"HOME", "LANG", "LANGUAGE", "OPENBLAS_NUM_THREADS"} <= set(seen["names"]), seen


def assert_nothing_planted_in(outputs: dict[str, str | bytes]) -> None:
    """No planted name or value in any of the outputs (name of the output -> its content)."""
    assert outputs
    for where, content in outputs.items():
        data = content.encode() if isinstance(content, str) else content
        for name, value in PLANTED.items():
            assert name.encode() not in data, f"{name} appears in {where}"
            assert value.encode() not in data, f"the value of {name} appears in {where}"


def files_under(folder: Path) -> dict[str, bytes]:
    return {str(path): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


# ---- dnnkit grade, as root and as an ordinary user ------------------------------------------


@pytest.fixture(scope="module", params=MODES)
def graded_cli(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict:
    mode = request.param
    path = write(tmp_path_factory.mktemp(f"environment-{mode}"), STUDENT, DUMPING)
    done = dnnkit_grade(mode, "--json", str(path))
    return {"stdout": done.stdout, "stderr": done.stderr}


def test_dnnkit_grade_keeps_the_environment_from_student_code(graded_cli: dict) -> None:
    (result,) = json.loads(graded_cli["stdout"])
    tests = {test["name"]: test for test in result["tests"]}
    assert failed_functions(tests) == [DUMPER]
    assert_child_saw_only_the_allow_list(tests[DUMPER]["output"])
    assert_nothing_planted_in(graded_cli)


# ---- dnnkit grade --shard 0/1 --results DIR ---------------------------------------------------


@pytest.fixture(scope="module")
def graded_shard(tmp_path_factory: pytest.TempPathFactory) -> dict:
    course = tmp_path_factory.mktemp("environment-shard")
    folder = course / "submitted" / STUDENT / ASSIGNMENT
    folder.mkdir(parents=True)
    write(folder, ASSIGNMENT, DUMPING)
    results = course / "results"
    done = dnnkit_grade(
        "root" if os.geteuid() == 0 else "user",
        "--shard",
        "0/1",
        "--results",
        str(results),
        str(course / "submitted"),
    )
    return {"stdout": done.stdout, "stderr": done.stderr, **files_under(results)}


def test_a_shard_keeps_the_environment_from_student_code(graded_shard: dict) -> None:
    records = [json.loads(v) for k, v in graded_shard.items() if k.endswith(".json")]
    (record,) = records
    text = json.dumps(record)
    assert "ENVDUMP" in text
    assert_child_saw_only_the_allow_list(text.replace("\\n", "\n"))
    assert_nothing_planted_in(graded_shard)


# ---- nbgrader autograde through the kit's configuration ---------------------------------------


@pytest.fixture(scope="module")
def autograded(tmp_path_factory: pytest.TempPathFactory, nbgrader_courses) -> dict:
    tmp = tmp_path_factory.mktemp("environment-nbgrader")
    root = tmp / "course"
    root.mkdir()
    nbgrader_courses.make(root, ASSIGNMENT, {STUDENT: write(tmp, STUDENT, DUMPING)})
    env = grader_environment()
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    done = run([str(BIN / "nbgrader"), "autograde", ASSIGNMENT, "--force"], root, env)
    return {"root": root, "stdout": done.stdout, "stderr": done.stderr}


def test_nbgrader_autograde_keeps_the_environment_from_student_code(autograded: dict) -> None:
    root = autograded["root"]
    notebook = root / "autograded" / STUDENT / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    cells = json.loads(notebook.read_text())["cells"]
    (cell,) = [
        c for c in cells if c["metadata"].get("nbgrader", {}).get("grade_id") == f"test_{DUMPER}"
    ]
    text = "\n".join(
        "".join(output.get("text", "")) + "\n".join(output.get("traceback", []))
        for output in cell["outputs"]
    )
    assert_child_saw_only_the_allow_list(text)
    everything = files_under(root)  # the autograded notebook, the gradebook, nbgrader's logs
    assert_nothing_planted_in({"stdout": autograded["stdout"], "stderr": autograded["stderr"]})
    assert_nothing_planted_in(everything)


# ---- Gradescope's run_autograder --------------------------------------------------------------


@pytest.fixture(scope="module")
def gradescope_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    if not (VENV / "pyvenv.cfg").exists():
        pytest.skip("the tests do not run in a virtual environment to stand in for setup.sh's")
    package = tmp_path_factory.mktemp("environment-package") / "autograder.zip"
    assert main(["gradescope", ASSIGNMENT, "-o", str(package)]) == 0
    root = tmp_path_factory.mktemp("environment-gradescope")
    unpack(package, root)
    (root / "submission").mkdir()
    write(root / "submission", ASSIGNMENT, DUMPING)
    env = grader_environment(python_path=False) | {"GRADESCOPE_ROOT": str(root)}
    done = run([str(root / "run_autograder")], root, env)
    return {"stdout": done.stdout, "stderr": done.stderr, **files_under(root / "results")}


def test_gradescope_keeps_the_environment_from_student_code(gradescope_run: dict) -> None:
    results = json.loads(next(v for k, v in gradescope_run.items() if k.endswith("results.json")))
    tests = {test["name"]: test for test in results["tests"]}
    assert [name for name, test in tests.items() if test["score"] < test["max_score"]] == [DUMPER]
    assert_child_saw_only_the_allow_list(tests[DUMPER]["output"])
    assert_nothing_planted_in(gradescope_run)


# ---- the processes themselves: zygotes and helper servers -------------------------------------


def test_zygotes_and_helper_servers_start_from_the_allow_list(monkeypatch) -> None:
    """Read each process's environment from /proc: the planted variables are not there."""
    for name, value in {**PLANTED, **ALLOWED}.items():
        monkeypatch.setenv(name, value)
    zygote, server = Zygote(), HelperServer(ASSIGNMENT)
    try:
        for process in (zygote.process, server.process):
            raw = Path(f"/proc/{process.pid}/environ").read_bytes()
            environment = dict(entry.split(b"=", 1) for entry in raw.split(b"\0") if entry)
            names = {name.decode() for name in environment}
            assert names <= set(SANDBOX_NAMES), sorted(names - set(SANDBOX_NAMES))
            assert environment[b"LANGUAGE"] == ALLOWED["LANGUAGE"].encode()
            assert_nothing_planted_in({f"/proc/{process.pid}/environ": raw})
    finally:
        zygote.close()
        server.close()
