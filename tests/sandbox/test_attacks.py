"""Hostile and broken student code loses only the points of the function it sits in.

Every attack runs twice: with the grader as root and as an ordinary user
(``tests/helpers/sandbox_modes.py``), through the command line a course uses. The classes follow
docs/SECURITY.md: code theft, channels between jobs, resource exhaustion, grader-side parsing,
feedback as a channel, and malformed files (the last two also in tests/course and tests/grading).
"""

from __future__ import annotations

import hashlib
import json
import re
import textwrap
from pathlib import Path

import pytest

from autograder.course.notebooks import cell_source
from autograder.course.paths import KIT
from tests.helpers.sandbox_modes import MODES, failed_functions, grade_json, run_python
from tests.helpers.submissions import graded_cell, solved_submission, with_cell, write


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
        "printed or wrote more than",
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
    # Each tries every way to the reference (the kit's loader, the solved notebook and the hidden
    # tests by path, kit code in the child's modules and memory) and returns the reference's answer
    # if one works; the error names why each failed.
    "reads_the_solution": (
        "linear_forward",
        _replace(
            SOLVED,
            "linear_forward",
            f"""
            import json
            def linear_forward(A, W, b):
                missed = []
                try:
                    from autograder.grading.reference import load_reference
                    return load_reference("step_by_step").linear_forward(A, W, b)
                except Exception as error:
                    missed.append(f"import {{type(error).__name__}}")
                try:
                    with open({str(PROTECTED[1])!r}) as handle:
                        cells = json.load(handle)["cells"]
                    for cell in cells:
                        source = "".join(cell["source"])
                        if source.startswith("# GRADED FUNCTION: linear_forward"):
                            namespace = {{"np": np}}
                            exec(source, namespace)
                            return namespace["linear_forward"](A, W, b)
                    missed.append("notebook read, no cell")
                except Exception as error:
                    missed.append(f"notebook {{type(error).__name__}}")
                try:
                    with open({str(PROTECTED[0])!r}) as handle:
                        missed.append(f"hidden tests read: {{len(handle.read())}} chars")
                except Exception as error:
                    missed.append(f"hidden tests {{type(error).__name__}}")
                raise RuntimeError("no reference: " + "; ".join(missed))
            """,
        ),
        "no reference: import ModuleNotFoundError; notebook FileNotFoundError; "
        "hidden tests FileNotFoundError",
    ),
    "calls_its_own_reference": (
        "linear_activation_forward",
        _replace(
            SOLVED,
            "linear_activation_forward",
            """
            # ATTACK: run any linear_activation_forward but this one
            import gc, sys, types
            SEARCHED = []  # what the first case found, for the other cases
            def linear_activation_forward(A_prev, W, b, activation):
                if not SEARCHED:
                    SEARCHED.append(search())
                found = SEARCHED[0]
                if isinstance(found, str):
                    raise RuntimeError(found)
                return found(A_prev, W, b, activation)
            def usable(thing, mine):
                if isinstance(thing, str) and "def linear_activation_forward(" in thing:
                    if "ATTACK:" in thing:
                        return None
                    namespace = dict(globals())
                    try:
                        exec(thing, namespace)
                    except Exception:
                        return None
                    thing = namespace["linear_activation_forward"]
                if isinstance(thing, types.FunctionType):
                    if thing.__name__ == "linear_activation_forward":
                        if thing.__code__.co_code != mine.__code__.co_code:  # not a copy
                            return thing
                return None
            def search():
                mine = globals()["linear_activation_forward"]
                try:
                    import autograder.grading.reference as reference
                    return reference.load_reference("step_by_step").linear_activation_forward
                except Exception as error:
                    imported = type(error).__name__
                places = [getattr(module, "__dict__", {}) for module in list(sys.modules.values())]
                gc.unfreeze()  # the zygote's objects too, not only the job's
                objects = gc.get_objects()
                places += [thing for thing in objects if type(thing) is dict]
                functions = [thing for thing in objects if type(thing) is types.FunctionType]
                places.append(dict(enumerate(functions)))
                for place in places:
                    for value in list(place.values()):
                        if isinstance(value, (str, types.FunctionType)):
                            function = usable(value, mine)
                            if function is not None:
                                return function
                return (
                    f"no reference among {len(sys.modules)} modules and {len(objects)} objects;"
                    f" autograder.grading: {imported}"
                )
            """,
        ),
        r"no reference among \d+ modules and \d+ objects; autograder.grading: ModuleNotFoundError",
    ),
    "searches_memory_for_kit_code": (
        "linear_activation_forward",
        _replace(
            SOLVED,
            "linear_activation_forward",
            """
            import gc, sys, types
            def linear_activation_forward(A_prev, W, b, activation):
                for thing in gc.get_objects():
                    candidates = [thing]
                    if isinstance(thing, types.FunctionType):
                        candidates = [thing.__code__]
                    for code in candidates:
                        if isinstance(code, types.CodeType) and code.co_filename.startswith(
                            ("<kit", "<reference")
                        ):
                            namespace = dict(globals())
                            exec(code, namespace)
                            if callable(namespace.get("linear_activation_forward")):
                                return namespace["linear_activation_forward"](
                                    A_prev, W, b, activation
                                )
                for name, module in list(sys.modules.items()):
                    if name.startswith(("autograder.grading", "autograder.lessons")):
                        raise RuntimeError(f"kit module loaded: {name}")
                return np.zeros((W.shape[0], A_prev.shape[1])), None
            """,
        ),
        "A has wrong values",
    ),
    "asks_the_helper_channel_for_its_own_reference": (
        "linear_activation_forward",
        _replace(
            SOLVED,
            "linear_activation_forward",
            """
            import socket
            from autograder.sandbox import channel
            def linear_activation_forward(A_prev, W, b, activation):
                sock = socket.socket(fileno=3)
                request = {"args": [A_prev, W, b, activation], "kwargs": {},
                           "rng": np.random.get_state()}
                head = {"kind": "call", "name": "linear_activation_forward"}
                channel.send(sock, channel.frame(head, request))
                answer = channel.receive(sock).value()
                sock.detach()
                if "error" in answer:
                    raise RuntimeError(answer["error"])
                return answer["value"]
            """,
        ),
        "is not a helper of this function",
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
    "fills_its_scratch_space": (
        "linear_backward",
        _replace(
            SOLVED,
            "linear_backward",
            """
            def linear_backward(dZ, cache):
                block = b"x" * 900_000
                for index in range(10_000):
                    with open(f"filler{index}", "wb") as handle:
                        handle.write(block)
            """,
        ),
        "OSError",
    ),
    "uses_up_inodes": (
        "linear_backward",
        _replace(
            SOLVED,
            "linear_backward",
            """
            import os
            def linear_backward(dZ, cache):
                for index in range(100_000):
                    os.mkdir(f"d{index}")
            """,
        ),
        "OSError",
    ),
    "starts_threads": (
        "linear_activation_backward",
        _replace(
            SOLVED,
            "linear_activation_backward",
            """
            import threading, time
            def linear_activation_backward(dA, cache, activation):
                for _ in range(1000):
                    threading.Thread(target=time.sleep, args=(60,), daemon=True).start()
            """,
        ),
        "linear_activation_backward raised",
    ),
    "opens_a_socket": (
        "compute_cost",
        _replace(
            SOLVED,
            "compute_cost",
            """
            import socket
            def compute_cost(AL, Y):
                socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                return 0.0
            """,
        ),
        "PermissionError",
    ),
    "sends_garbage_to_the_grader": (
        "linear_forward",
        _replace(
            SOLVED,
            "linear_forward",
            """
            import os, struct
            def linear_forward(A, W, b):
                os.write(3, struct.pack(">III", 100, 3_000_000, 2_000_000_000) + b"{" * 100)
                return W @ A + b, (A, W, b)
            """,
        ),
        "linear_forward|your function",
    ),
    "returns_a_bottomless_value": (
        "compute_cost",
        _replace(
            SOLVED,
            "compute_cost",
            """
            def compute_cost(AL, Y):
                value = []
                for _ in range(100_000):
                    value = [value]
                return value
            """,
        ),
        "compute_cost|cost",
    ),
    "asks_a_helper_for_terabytes": (
        "L_model_forward",
        _replace(
            SOLVED,
            "L_model_forward",
            """
            def L_model_forward(X, parameters):
                A = np.ones((1, 400_000))
                W = np.ones((400_000, 1))
                return linear_activation_forward(A, W, np.zeros((400_000, 1)), "relu")
            """,
        ),
        "MemoryError|did not finish",
    ),
}

# Tries a system call that no numpy code needs and that a sandbox escape or a relay between jobs
# would; the function answers right only if one of them worked.
FORBIDDEN_CALLS = """
import ctypes, errno, os, platform
NUMBERS = {
    "x86_64": {"unshare": 272, "keyctl": 250, "ptrace": 101, "bpf": 321, "perf_event_open": 298,
               "io_uring_setup": 425, "userfaultfd": 323, "mount": 165, "reboot": 169,
               "init_module": 175},
    "aarch64": {"unshare": 97, "keyctl": 219, "ptrace": 117, "bpf": 280, "perf_event_open": 241,
                "io_uring_setup": 425, "userfaultfd": 282, "mount": 40, "reboot": 142,
                "init_module": 105},
}[platform.machine()]
libc = ctypes.CDLL(None, use_errno=True)
def forbidden_call_worked():
    attempts = {
        "unshare": (0x10000000,),          # a new user namespace
        "keyctl": (0, -4, 0),              # KEYCTL_GET_KEYRING_ID of the user keyring
        "ptrace": (0, 0, 0, 0),            # PTRACE_TRACEME
        "bpf": (0, 0, 0),
        "perf_event_open": (0, 0, -1, -1, 0),
        "io_uring_setup": (1, 0),
        "userfaultfd": (0,),
        "mount": (b"none", b"/", b"tmpfs", 0, 0),
        "reboot": (0, 0, 0, 0),
        "init_module": (0, 0, b""),
    }
    worked = []
    for name, args in attempts.items():
        if libc.syscall(NUMBERS[name], *args) >= 0:
            worked.append(name)
    return worked
"""

ESCAPES = _replace(
    SOLVED,
    "linear_forward",
    FORBIDDEN_CALLS
    + """
def linear_forward(A, W, b):
    worked = forbidden_call_worked()
    Z = W @ A + b
    return (Z if worked else Z + 1), (A, W, b)
""",
)

# Three relays between submissions (a student to a classmate, or to a later run): SysV shared
# memory, the kernel keyring, and a file in /tmp or /dev/shm. One submission's
# ``initialize_parameters`` writes; three functions of the next submission answer right only if
# they find what it wrote.
RELAY_SETUP = """
import ctypes, os, platform
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
KEY = 0x44_4E_4E_4B
ADD_KEY, REQUEST_KEY = {"x86_64": (248, 249), "aarch64": (217, 218)}[platform.machine()]
PLACES = ["/tmp/dnnkit-relay", "/dev/shm/dnnkit-relay", "dnnkit-relay"]
"""
RELAY_CODE = {
    "initialize_parameters": """
def initialize_parameters(n_x, n_h, n_y):
    segment = libc.shmget(KEY, 4096, 0o1666)
    if segment >= 0:
        address = libc.shmat(segment, None, 0)
        if address not in (None, ctypes.c_void_p(-1).value):
            ctypes.memmove(address, b"relay", 5)
    libc.syscall(ADD_KEY, b"user", b"dnnkit-relay", b"relay", 5, -4)
    for place in PLACES:
        try:
            with open(place, "w") as handle:
                handle.write("relay")
        except OSError:
            pass
    np.random.seed(1)
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_y, n_h) * 0.01
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
""",
    "linear_forward": """
def linear_forward(A, W, b):
    segment = libc.shmget(KEY, 0, 0)
    found = False
    if segment >= 0:
        address = libc.shmat(segment, None, 0)
        mapped = address not in (None, ctypes.c_void_p(-1).value)
        found = mapped and ctypes.string_at(address, 5) == b"relay"
    Z = W @ A + b
    return (Z if found else Z + 1), (A, W, b)
""",
    "compute_cost": """
def compute_cost(AL, Y):
    found = libc.syscall(REQUEST_KEY, b"user", b"dnnkit-relay", None, 0) >= 0
    cost = -np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))
    return np.squeeze(cost if found else cost + 1)
""",
    "linear_backward": """
def linear_backward(dZ, cache):
    found = any(os.path.exists(place) for place in PLACES)
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = dZ @ A_prev.T / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = W.T @ dZ
    return (dA_prev, dW, db) if found else (dA_prev + 1, dW, db)
""",
}
RELAY_WRITER = _replace(
    SOLVED, "initialize_parameters", RELAY_SETUP + RELAY_CODE["initialize_parameters"]
)
RELAY_READER = SOLVED
for function in ("linear_forward", "compute_cost", "linear_backward"):
    RELAY_READER = _replace(RELAY_READER, function, RELAY_SETUP + RELAY_CODE[function])

KILLER = _replace(
    SOLVED,
    "compute_cost",
    """
    import os, signal, time
    def compute_cost(AL, Y):
        end = time.monotonic() + 1.5
        while time.monotonic() < end:
            try:
                os.kill(-1, signal.SIGKILL)  # every process this user may signal
            except OSError:
                pass
            time.sleep(0.002)
        return np.squeeze(-np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)))
    """,
)

FEEDBACK_FLOOD = _replace(
    SOLVED,
    "L_model_backward",
    """
    def L_model_backward(AL, Y, caches):
        raise ValueError("secret " * 500_000)
    """,
)
KEY_FLOOD = _replace(
    SOLVED,
    "update_parameters",
    """
    def update_parameters(parameters, grads, learning_rate):
        return {f"W{index}": index for index in range(100_000)}
    """,
)
PLOTS = _append(
    SOLVED,
    "compute_cost",
    """
import matplotlib.pyplot as plt
solved_compute_cost = compute_cost
def compute_cost(AL, Y):
    plt.plot(np.squeeze(AL))
    plt.title("predictions")
    plt.xlabel("example")
    plt.show()
    return solved_compute_cost(AL, Y)
""",
)


# Lists the network interfaces it can see, in its error message.
NETWORK_PROBE = _replace(
    SOLVED,
    "initialize_parameters",
    """
    import socket
    def initialize_parameters(n_x, n_h, n_y):
        names = sorted(name for _, name in socket.if_nameindex())
        raise RuntimeError(f"INTERFACES {names}")
    """,
)
# Wrong answers plus patched numpy/builtins and an input transformer in an ungraded cell: the
# exploits that fool plain nbgrader.
EXPLOIT = """\
import builtins
import numpy
numpy.allclose = lambda *args, **kwargs: True
builtins.abs = lambda value: 0
get_ipython().input_transformers_post.append(lambda lines: [])
"""


def _exploiting_release() -> dict:
    """The untouched release with :data:`EXPLOIT` in a cell of its own before the graded ones."""
    release = KIT.root / "release" / "step_by_step" / "step_by_step.ipynb"
    notebook = json.loads(release.read_text())
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None}
    notebook["cells"].insert(3, {**cell, "source": EXPLOIT})
    return notebook


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module", params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def graded(mode: str, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Every attack, the escapes, plotting, feedback floods, the network probe, the exploits that
    fool plain nbgrader and a correct submission: one batch per mode."""
    directory = tmp_path_factory.mktemp(f"attacks-{mode}")
    before = {path: _digest(path) for path in PROTECTED}
    notebooks = {name: notebook for name, (_, notebook, _) in ATTACKS.items()}
    notebooks |= {
        "escapes": ESCAPES,
        "plots": PLOTS,
        "feedback_flood": FEEDBACK_FLOOD,
        "key_flood": KEY_FLOOD,
        "network_probe": NETWORK_PROBE,
        "exploit": _exploiting_release(),
        "solved": SOLVED,
    }
    paths = [write(directory, name, notebook) for name, notebook in notebooks.items()]
    results = grade_json(mode, paths)
    assert {path: _digest(path) for path in PROTECTED} == before, "a submission changed kit files"
    return results


@pytest.mark.parametrize("attack", ATTACKS)
def test_attack_costs_only_its_own_function(graded: dict, attack: str) -> None:
    function, _, message = ATTACKS[attack]
    tests = graded[attack]
    assert failed_functions(tests) == [function]
    assert re.search(message, tests[function]["output"]), tests[function]["output"]


def test_every_result_states_full_isolation(graded: dict) -> None:
    for tests in graded.values():
        assert tests["isolation"]["isolated"] is True
        assert tests["isolation"]["missing"] == []


def test_no_forbidden_system_call_works(graded: dict) -> None:
    """Namespaces, keyrings, tracing, BPF, perf, io_uring, userfaultfd, mount, reboot, modules."""
    assert failed_functions(graded["escapes"]) == ["linear_forward"]


def test_graded_functions_may_plot(graded: dict) -> None:
    assert failed_functions(graded["plots"]) == []
    assert failed_functions(graded["solved"]) == []


def test_feedback_is_bounded_whatever_the_child_sends(graded: dict) -> None:
    flood = graded["feedback_flood"]["L_model_backward"]["output"]
    keys = graded["key_flood"]["update_parameters"]["output"]
    assert failed_functions(graded["feedback_flood"]) == ["L_model_backward"]
    assert failed_functions(graded["key_flood"]) == ["update_parameters"]
    assert len(flood) <= 2_500
    assert "ValueError" in flood
    assert len(keys) <= 2_500


@pytest.mark.parametrize("mode", MODES)
def test_nothing_relays_between_submissions(mode: str, tmp_path: Path) -> None:
    """Shared memory, the keyring and files one submission writes are gone for the next."""
    paths = [write(tmp_path, "writer", RELAY_WRITER), write(tmp_path, "reader", RELAY_READER)]
    graded = grade_json(mode, paths, "--workers", "1")
    assert failed_functions(graded["writer"]) == []
    assert failed_functions(graded["reader"]) == [
        "linear_forward",
        "compute_cost",
        "linear_backward",
    ]


@pytest.mark.parametrize("mode", MODES)
def test_a_submission_cannot_kill_a_classmates_jobs(mode: str, tmp_path: Path) -> None:
    paths = [write(tmp_path, "killer", KILLER)]
    paths += [write(tmp_path, f"classmate{index}", SOLVED) for index in range(3)]
    graded = grade_json(mode, paths, "--workers", "2")
    for index in range(3):
        assert failed_functions(graded[f"classmate{index}"]) == []


def test_the_exploits_that_fool_plain_nbgrader_score_zero_here(graded: dict) -> None:
    """Wrong answers plus patched numpy/builtins and an input transformer in an ungraded cell."""
    tests = graded["exploit"]
    assert sum(test["score"] for name, test in tests.items() if name != "isolation") == 0
    assert len(failed_functions(tests)) == 10


# Solution lines of the reference (in the solved notebook, not in the release): none may sit in a
# sandbox process's memory.
RELEASED_LINES = {
    line.strip()
    for cell in json.loads(
        (KIT.root / "release" / "step_by_step" / "step_by_step.ipynb").read_text()
    )["cells"]
    for line in cell_source(cell).splitlines()
}
REFERENCE_MARKERS = [
    line.strip()
    for function in ("L_model_backward", "L_model_forward", "linear_backward")
    for line in cell_source(graded_cell(SOLVED, function)).splitlines()
    if len(line.strip()) > 20 and line.strip() not in RELEASED_LINES
]


SCAN_ZYGOTE_MEMORY = """
import json, os, re, sys, time
from autograder.grading.grader import grade_paths
from autograder.sandbox.pool import SandboxPool
markers = [m.encode() for m in json.loads(sys.argv[1])]
paths = [__import__("pathlib").Path(p) for p in sys.argv[2:]]
grade_paths(paths, "step_by_step")  # a whole batch first: helpers called, every function graded
with SandboxPool(1, "import numpy as np") as pool:
    pool.require_isolation()
    pid = pool._all[0].process.pid
    found = []
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
        for line in maps:
            start, end = (int(x, 16) for x in line.split()[0].split("-"))
            if "r" not in line.split()[1] or end - start > 1 << 30:
                continue
            try:
                mem.seek(start)
                chunk = mem.read(end - start)
            except OSError:
                continue
            found += [m.decode() for m in markers if m in chunk]
print(json.dumps(found))
"""


@pytest.mark.parametrize("mode", MODES)
def test_no_reference_code_in_a_sandbox_process(mode: str, tmp_path: Path) -> None:
    """The zygote (every child's parent, and so every child's memory) never holds kit code."""
    assert REFERENCE_MARKERS, "the markers must come from the reference's code"
    path = write(tmp_path, "solved", SOLVED)
    finished = run_python(mode, "-c", SCAN_ZYGOTE_MEMORY, json.dumps(REFERENCE_MARKERS), str(path))
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert json.loads(finished.stdout.splitlines()[-1]) == []


CHILD_OUTLIVES_ZYGOTE = """
import os, signal, sys, threading, time
from autograder.sandbox import channel
from autograder.sandbox.pool import SandboxPool
from autograder.sandbox.protocol import Limits, text_array
job = channel.frame({"kind": "job"}, {
    "function": "f", "imports": text_array(""), "helpers": [], "own_helpers": {}, "cases": [[]],
    "student": text_array("def f():\\n    import time\\n    time.sleep(60)\\n"),
})
with SandboxPool(1) as pool:
    pool.require_isolation()
    zygote = pool._all[0].process.pid
    threading.Thread(target=pool.run, args=(job, Limits(60, 60)), daemon=True).start()
    time.sleep(1.0)
    def descendants(pid):
        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    status = open(f"/proc/{entry}/status").read()
                except OSError:
                    continue
                parent = int(status.split("PPid:")[1].split()[0])
                if parent == pid:
                    found += [int(entry), *descendants(int(entry))]
        return found
    children = descendants(zygote)
    os.kill(zygote, signal.SIGKILL)
    time.sleep(1.0)
    alive = [pid for pid in children if os.path.exists(f"/proc/{pid}")
             and "State:\\tZ" not in open(f"/proc/{pid}/status").read()]
    print(len(children), len(alive))
"""


@pytest.mark.parametrize("mode", MODES)
def test_children_die_with_their_zygote(mode: str) -> None:
    finished = run_python(mode, "-c", CHILD_OUTLIVES_ZYGOTE)
    assert finished.returncode == 0, finished.stderr[-2000:]
    children, alive = map(int, finished.stdout.split()[-2:])
    assert children >= 2  # the outer child and PID 1 of the job's namespaces
    assert alive == 0


def test_no_answer_leaks_from_the_network(graded: dict) -> None:
    """A child can open no socket at all, so it cannot even list network interfaces."""
    output = graded["network_probe"]["initialize_parameters"]["output"]
    assert "PermissionError" in output
    assert "INTERFACES" not in output
