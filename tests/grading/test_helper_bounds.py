"""A job cannot make the trusted helper server do unbounded work (issue 17, item 6).

The red team's request: ``linear_forward``'s product of a 17000 x 1 and a 1 x 17000 array, an
outer product of 2.3 GB, which a helper server computed. The grader refuses arguments larger than
the job's cases allow, the server limits each call's memory and CPU time, and a breach costs only
the calling job.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from autograder.grading.assignment import Assignment
from autograder.grading.grader import Grader, GradingRun
from autograder.grading.helper_bounds import CallBounds
from autograder.grading.kit_helpers import HelperServers
from autograder.grading.reference import load_reference
from autograder.sandbox import channel
from autograder.sandbox.protocol import HelperCall, HelperReply
from tests.helpers.submissions import failed, solved_submission, with_cell, write

OUTER = 17_000
OUTER_PRODUCT_BYTES = OUTER * OUTER * 8  # one float64 result of the red team's request


def _request(name: str, *args: object) -> channel.Frame:
    """A helper call as the child's stand-in sends it."""
    return HelperCall(name, args, {}, np.random.get_state()).to_frame()


def _outer_product_request() -> channel.Frame:
    row, column = np.ones((1, OUTER)), np.ones((OUTER, 1))
    return _request("linear_activation_forward", row, column, np.zeros((OUTER, 1)), "relu")


def _peak_bytes(pid: int) -> int:
    """The largest resident memory the process ever had (VmHWM)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


def _helper_server_pids() -> list[int]:
    """The helper servers this test process started."""
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes()
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if parent == os.getpid() and b"autograder.grading.kit_helpers" in command:
            pids.append(int(entry.name))
    return pids


def _server_pid(servers: HelperServers) -> int:
    """The process of the fixture's one server (others of this test process may be alive)."""
    (server,) = servers._all
    return server.process.pid


def _relu_forward(A: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.maximum(0, W @ A + b)


@pytest.fixture(scope="module")
def servers() -> Iterator[HelperServers]:
    with HelperServers("step_by_step", 1) as started:
        yield started


def test_an_outer_product_request_is_refused_before_the_server_works(
    servers: HelperServers,
) -> None:
    assignment = Assignment.load("step_by_step")
    reached = []

    class Spy:
        def call(self, request: channel.Frame, deadline: float) -> channel.Frame:
            reached.append(request.head["name"])
            return servers.call(request, deadline)

    grader = Grader(assignment, pool=None, helpers=Spy())
    name = "L_model_forward"
    cases = assignment.cases_for(name, "a student")
    serve = grader._helper_service(assignment.kit_helpers[name], assignment.limits(name), cases)
    pid = _server_pid(servers)
    peak = _peak_bytes(pid)

    started = time.monotonic()
    reply = HelperReply.from_frame(serve(_outer_product_request()))
    assert time.monotonic() - started < 0.1
    assert reply.error.type == "MemoryError"
    assert reached == []
    assert _peak_bytes(pid) - peak < 10 * 1024**2

    # A call of the size the job's cases have still gets the kit's answer.
    A, W, b = cases[0].args[0], cases[0].args[1]["W1"], cases[0].args[1]["b1"]
    reply = HelperReply.from_frame(serve(_request("linear_activation_forward", A, W, b, "relu")))
    value, _ = reply.value
    assert np.allclose(value, _relu_forward(A, W, b))
    assert reached == ["linear_activation_forward"]


def test_the_server_limits_the_memory_of_a_call_that_gets_through(servers: HelperServers) -> None:
    """Were the grader's check to let one through, the outer product costs a MemoryError."""
    pid = _server_pid(servers)
    started = time.monotonic()
    reply = HelperReply.from_frame(servers.call(_outer_product_request(), time.monotonic() + 60))
    assert time.monotonic() - started < 2
    assert reply.error.type == "MemoryError"
    assert _peak_bytes(pid) < OUTER_PRODUCT_BYTES / 2
    assert _server_pid(servers) == pid  # no restart was needed


def test_a_call_that_computes_for_long_is_stopped_and_the_server_restarted(
    servers: HelperServers,
) -> None:
    """An integer product of 2800 x 2800 matrices (numpy has no BLAS for integers): tens of
    seconds of one core, arguments within the channel's 64 MB."""
    pid = _server_pid(servers)
    A = np.ones((2800, 2800), dtype=np.int32)
    request = _request("linear_forward", A, A, A[:, :1])
    started = time.monotonic()
    reply = servers.call(request, time.monotonic() + 120)
    assert time.monotonic() - started < 8
    assert HelperReply.from_frame(reply).error is not None
    assert _server_pid(servers) != pid

    A, W, b = np.ones((2, 3)), np.full((4, 2), 2.0), np.ones((4, 1))
    reply = servers.call(_request("linear_forward", A, W, b), time.monotonic() + 60)
    value, _ = HelperReply.from_frame(reply).value
    assert np.array_equal(value, W @ A + b)


def test_a_layer_size_beyond_the_cases_is_refused() -> None:
    """Sizes come as integers too: ``initialize_parameters(layer_dims)`` in lesson 3."""
    assignment = Assignment.load("digits")
    cases = assignment.cases_for("neural_network_model", "a student")
    bounds = CallBounds.of_cases(prepared.args for prepared in cases)
    assert bounds.breach(_request("initialize_parameters", [10**6, 10**6])) is not None
    assert bounds.breach(_request("initialize_parameters", list(cases[0].args[2]))) is None


def test_an_unreadable_call_is_refused() -> None:
    bounds = CallBounds.of_cases([(np.ones((3, 4)),)])
    skeleton = b'{"value": {"__dict__": [["args", [{"__array__": "a9"}]]]}, "arrays": {}}'
    assert bounds.breach(channel.Frame({"kind": HelperCall.KIND}, skeleton)) is not None
    assert bounds.breach(channel.Frame({"kind": HelperCall.KIND}, b"[[[[")) is not None


@pytest.mark.parametrize("assignment_id", ["step_by_step", "digits"])  # lesson 2 calls none
def test_every_call_the_reference_makes_on_its_cases_is_within_bounds(
    assignment_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rule must never refuse a correct function: record the calls the solved notebook's
    functions make to the kit's helpers on every hidden case, and check each."""
    assignment = Assignment.load(assignment_id)
    reference = load_reference(assignment_id)
    calls: list[channel.Frame] = []
    depth = [0]

    def recording(name: str, function: object) -> object:
        def recorded(*args: object, **kwargs: object) -> object:
            if depth[0] == 0:  # only the graded function's own calls cross the channel
                call = HelperCall(name, args, kwargs, np.random.get_state())
                calls.append(call.to_frame())
            depth[0] += 1
            try:
                return function(*args, **kwargs)
            finally:
                depth[0] -= 1

        return recorded

    for name in assignment.names:
        helpers = assignment.kit_helpers[name]
        if not helpers:
            continue
        namespace = getattr(reference, name).__globals__  # the solved notebook's cells
        with monkeypatch.context() as patch:
            for helper in helpers:
                patch.setitem(namespace, helper, recording(helper, namespace[helper]))
            cases = assignment.cases_for(name, "a student")
            bounds = CallBounds.of_cases(prepared.args for prepared in cases)
            calls.clear()
            for prepared in cases:
                getattr(reference, name)(*prepared.fresh_args())
            assert calls, name
            assert [bounds.breach(call) for call in calls] == [None] * len(calls), name


def test_hostile_helper_arguments_cost_only_their_function(tmp_path: Path) -> None:
    """Through the sandbox: the function that asks for the outer product gets a MemoryError, its
    other functions and a classmate's submission keep full marks, no server grows."""
    hostile = with_cell(
        solved_submission(),
        "L_model_forward",
        "# GRADED FUNCTION: L_model_forward\n"
        "def L_model_forward(X, parameters):\n"
        f"    row, column = np.ones((1, {OUTER})), np.ones(({OUTER}, 1))\n"
        f"    return linear_activation_forward(row, column, np.zeros(({OUTER}, 1)), 'relu')\n",
    )
    paths = [write(tmp_path, "hostile", hostile), write(tmp_path, "classmate", solved_submission())]
    others = set(_helper_server_pids())  # this module's fixture
    with GradingRun("step_by_step", workers=2) as run:
        started = time.monotonic()
        results = run.grader.grade(paths)
        elapsed = time.monotonic() - started
        peaks = [_peak_bytes(pid) for pid in set(_helper_server_pids()) - others]
    tests = {Path(r.submission).stem: {t.name: t for t in r.tests} for r in results}
    assert failed(tests["hostile"]) == ["L_model_forward"]
    assert "MemoryError" in tests["hostile"]["L_model_forward"].feedback
    assert failed(tests["classmate"]) == []
    assert len(peaks) == 2
    assert max(peaks) < OUTER_PRODUCT_BYTES / 2
    assert elapsed < 30
