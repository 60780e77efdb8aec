"""Hostile and broken student code loses only the points of the function it sits in."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from autograder.course.notebooks import cell_source
from autograder.course.paths import KIT
from autograder.sandbox.pool import SandboxPool
from tests.helpers.submissions import (
    failed,
    grade_all,
    graded_cell,
    solved_submission,
    with_cell,
    write,
)


def _append(notebook: dict, function: str, code: str) -> dict:
    """Add code at the end of a graded cell (after the function definition)."""
    return with_cell(notebook, function, cell_source(graded_cell(notebook, function)) + "\n" + code)


def _replace(notebook: dict, function: str, code: str) -> dict:
    return with_cell(notebook, function, f"# GRADED FUNCTION: {function}\n" + textwrap.dedent(code))


SOLVED = solved_submission()
PROTECTED = [
    KIT.root / "autograder" / "lessons" / "step_by_step" / "hidden_tests.py",
    KIT.solved_notebook("step_by_step"),
]

ATTACKS: dict[str, tuple[str, dict, str]] = {
    "top_level_busy_loop": (
        "linear_forward",
        _append(SOLVED, "linear_forward", "while True:\n    pass\n"),
        "of CPU time|did not finish within",  # which limit comes first depends on the load
    ),
    "sleeping_loop": (
        "compute_cost",
        _append(SOLVED, "compute_cost", "import time\nwhile True:\n    time.sleep(0.5)\n"),
        "did not finish within",
    ),
    "memory_bomb": (
        "linear_backward",
        _replace(
            SOLVED,
            "linear_backward",
            """
            def linear_backward(dZ, cache):
                return np.ones((100_000, 100_000)) @ np.ones((100_000, 1))
            """,
        ),
        "MemoryError",
    ),
    "output_flood": (
        "L_model_forward",
        _replace(
            SOLVED,
            "L_model_forward",
            """
            def L_model_forward(X, parameters):
                while True:
                    print("x" * 100_000)
            """,
        ),
        "printed or wrote more than the grader allows",
    ),
    "os_exit": (
        "update_parameters",
        _replace(
            SOLVED,
            "update_parameters",
            """
            import os
            def update_parameters(parameters, grads, learning_rate):
                os._exit(0)
            """,
        ),
        "stopped the grading process",
    ),
    "sys_exit": (
        "initialize_parameters",
        _replace(
            SOLVED,
            "initialize_parameters",
            """
            import sys
            def initialize_parameters(n_x, n_h, n_y):
                sys.exit(0)
            """,
        ),
        "tried to end the process",
    ),
    "monkeypatched_numpy_and_builtins": (
        "linear_activation_forward",
        _replace(
            SOLVED,
            "linear_activation_forward",
            """
            import builtins
            np.allclose = lambda *args, **kwargs: True
            np.isclose = lambda a, b, *args, **kwargs: np.ones(np.shape(a), dtype=bool)
            np.array_equal = lambda *args, **kwargs: True
            builtins.abs = lambda value: 0
            def linear_activation_forward(A_prev, W, b, activation):
                return np.zeros((W.shape[0], A_prev.shape[1])), None
            """,
        ),
        "A has wrong values",
    ),
    "ipython_transformer_in_graded_cell": (
        "compute_cost",
        _append(
            SOLVED, "compute_cost", "get_ipython().input_transformers_post.append(lambda l: [])"
        ),
        "NameError",
    ),
    "walks_frames_and_heap_for_answers": (
        "linear_forward",
        _replace(
            SOLVED,
            "linear_forward",
            """
            import gc, sys
            def linear_forward(A, W, b):
                shape = (W.shape[0], A.shape[1])
                frame = sys._getframe()
                while frame is not None:
                    for value in frame.f_locals.values():
                        if isinstance(value, np.ndarray) and value.shape == shape:
                            return value, (A, W, b)
                    frame = frame.f_back
                for value in gc.get_objects():
                    if isinstance(value, np.ndarray) and value.shape == shape:
                        return value, (A, W, b)
                return np.zeros(shape), (A, W, b)
            """,
        ),
        "Z has wrong values",
    ),
    "fork_bomb": (
        "linear_activation_backward",
        _replace(
            SOLVED,
            "linear_activation_backward",
            """
            import os
            def linear_activation_backward(dA, cache, activation):
                while True:
                    os.fork()
            """,
        ),
        "linear_activation_backward raised",
    ),
    "writes_files": (
        "L_model_backward",
        _replace(
            SOLVED,
            "L_model_backward",
            f"""
            def L_model_backward(AL, Y, caches):
                for target in {[str(p) for p in PROTECTED]!r} + ["case_1.json", "case_1.bin"]:
                    with open(target, "w") as handle:
                        handle.write("{{}}")
                return {{}}
            """,
        ),
        "L_model_backward",
    ),
    "reads_the_solution": (
        "linear_forward",
        _replace(
            SOLVED,
            "linear_forward",
            f"""
            def linear_forward(A, W, b):
                try:
                    from autograder.course.notebooks import load_reference
                    return load_reference("step_by_step").linear_forward(A, W, b)
                except Exception:
                    pass
                with open({str(PROTECTED[1])!r}) as handle:
                    handle.read()
                return None
            """,
        ),
        "FileNotFoundError",
    ),
    "calls_its_own_reference": (
        "linear_activation_forward",
        _replace(
            SOLVED,
            "linear_activation_forward",
            """
            import autograder.sandbox.child
            def linear_activation_forward(A_prev, W, b, activation):
                namespace = dict(globals())  # numpy, the helpers, the other functions
                exec(autograder.sandbox.child.REFERENCES["linear_activation_forward"], namespace)
                return namespace["linear_activation_forward"](A_prev, W, b, activation)
            """,
        ),
        "KeyError",
    ),
    "plants_traps_for_the_grader": (
        "compute_cost",
        _replace(
            SOLVED,
            "compute_cost",
            """
            import os
            def compute_cost(AL, Y):
                for name in ("output.txt", "cell.json", "case_1.json", "case_1.bin"):
                    if os.path.lexists(name):
                        os.remove(name)
                if not os.path.lexists("output.txt"):
                    os.mkfifo("output.txt")
                    os.symlink("/dev/zero", "case_1.json")
                    os.symlink("/dev/zero", "case_1.bin")
                return np.squeeze(-np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)))
            """,
        ),
        "leave the grader's files alone",
    ),
    "kills_its_parent": (
        "initialize_parameters_deep",
        _replace(
            SOLVED,
            "initialize_parameters_deep",
            """
            import os, signal
            def initialize_parameters_deep(layer_dims):
                os.kill(os.getppid(), signal.SIGKILL)
                return {}
            """,
        ),
        "initialize_parameters_deep",
    ),
}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    directory = tmp_path_factory.mktemp("attacks")
    before = {path: _digest(path) for path in PROTECTED}
    paths = [write(directory, name, notebook) for name, (_, notebook, _) in ATTACKS.items()]
    results = grade_all(paths)
    assert {path: _digest(path) for path in PROTECTED} == before, "a submission changed kit files"
    return results


@pytest.mark.parametrize("attack", ATTACKS)
def test_attack_costs_only_its_own_function(graded: dict, attack: str) -> None:
    if attack == "reads_the_solution":
        with SandboxPool(1) as pool:
            if not pool.files_locked:
                pytest.skip("this OS lets neither root nor a user namespace chroot the children")
    function, _, message = ATTACKS[attack]
    tests = graded[attack]
    assert failed(tests) == [function]
    assert re.search(message, tests[function].feedback)


def test_no_answer_leaks_from_the_network() -> None:
    """Children get an empty network namespace where the OS allows it (root, or user namespaces)."""
    with SandboxPool(1) as pool:
        if not pool.network_isolated:
            pytest.skip("this OS does not let the grader take the network away")
    # The probe only lists the network interfaces it can see: it sends no traffic anywhere.
    probe = _replace(
        SOLVED,
        "initialize_parameters",
        """
        import socket
        def initialize_parameters(n_x, n_h, n_y):
            names = sorted(name for _, name in socket.if_nameindex())
            raise RuntimeError(f"INTERFACES {names}")
        """,
    )
    directory = Path(os.environ.get("TMPDIR", "/tmp"))
    tests = grade_all([write(directory, "dnnkit_network_probe", probe)])["dnnkit_network_probe"]
    assert "INTERFACES ['lo']" in tests["initialize_parameters"].feedback


EXPLOIT = """\
import builtins
import numpy
numpy.allclose = lambda *args, **kwargs: True
builtins.abs = lambda value: 0
get_ipython().input_transformers_post.append(lambda lines: [])
"""


def test_the_exploits_that_fool_plain_nbgrader_score_zero_here(tmp_path) -> None:
    """Wrong answers plus patched numpy/builtins and an input transformer in an ungraded cell."""
    release = KIT.root / "release" / "step_by_step" / "step_by_step.ipynb"
    if not release.exists():
        pytest.skip("release/step_by_step not built yet (run `dnnkit release`)")
    notebook = json.loads(release.read_text())
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None}
    notebook["cells"].insert(3, {**cell, "source": EXPLOIT})
    tests = grade_all([write(tmp_path, "exploit", notebook)])["exploit"]
    assert sum(test.score for test in tests.values()) == 0
    assert len(failed(tests)) == 10


def test_an_unprivileged_grader_locks_its_children_away_from_the_kit(tmp_path, monkeypatch):
    """Without root, the zygote's own user namespace still lets children chroot."""
    if shutil.which("unshare") is None:
        pytest.skip("needs util-linux's unshare to run the grader as an ordinary user")
    as_user = ["unshare", "--user", "--map-user=1000", "--map-group=1000"]
    if subprocess.run([*as_user, "true"], capture_output=True).returncode != 0:
        pytest.skip("this OS does not allow user namespaces")
    wrapper = tmp_path / "python-as-user"
    wrapper.write_text(f'#!/bin/sh\nexec {" ".join(as_user)} {sys.executable} "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(wrapper))  # the zygote starts through it

    with SandboxPool(1) as pool:
        assert pool.files_locked
        assert pool.network_isolated
    _, reads_the_solution, message = ATTACKS["reads_the_solution"]
    paths = [write(tmp_path, "reads", reads_the_solution), write(tmp_path, "solved", SOLVED)]
    results = grade_all(paths)
    assert failed(results["reads"]) == ["linear_forward"]
    assert re.search(message, results["reads"]["linear_forward"].feedback)
    assert failed(results["solved"]) == []
