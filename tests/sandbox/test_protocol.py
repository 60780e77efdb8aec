"""Every message is a typed record with one encoder and one strict decoder (issue 19)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from autograder.sandbox import transport
from autograder.sandbox.channel import Frame
from autograder.sandbox.protocol import (
    CaseResult,
    CellReport,
    ChildReady,
    Credit,
    CreditQuestion,
    Ending,
    HelperCall,
    HelperReply,
    Job,
    JobRequest,
    Limits,
    Outcome,
    ProtocolError,
    Refusal,
    RemoteError,
    Rerun,
    SessionReady,
    SessionStart,
    SessionStarted,
    SetupFailed,
    ZygoteHello,
    ZygoteSetup,
    decode_frame,
    decode_line,
)

LINES = [
    ZygoteSetup("import numpy as np", strict=True),
    ZygoteHello(("seccomp filter: missing",), None),
    ZygoteHello((), "/sys/fs/cgroup/dnnkit-1"),
    SessionStart(Limits(memory_mb=512), plots=True),
    SessionStarted(),
    SessionReady(("private root: no tmpfs",)),
    ChildReady(()),
    SetupFailed("user namespace: unshare refused"),
    Refusal("a job needs its socket (and a credit socket)"),
    JobRequest(Limits(cpu_seconds=2, wall_seconds=10), probe=True),
    Ending(0, False, 0.12, 0.05, True, None, 0.3, 0.0, ("seccomp filter: missing",)),
    Ending(-9, True, 4.0, 0.01, setup_failed="resource limits: refused"),
    CreditQuestion(),
    Credit(1.25),
]

FRAMES = [
    Job("f", "import numpy as np", ("helper",), "def f(x):\n    return x\n", ((1.0, "a"), ())),
    Job("g", "", (), "def g():\n    pass\n", ((),), {"helper": "def helper():\n    return 1\n"}),
    HelperCall("linear_forward", (1, [2, 3]), {"b": 0.5}, ("MT19937", 7)),
    HelperReply(value={"A": [1, 2]}),
    HelperReply(value=None, rng=("MT19937", 3)),
    HelperReply(error=RemoteError("ValueError", "shapes (2,3) and (4,1): not aligned")),
    CellReport(None),
    CellReport("running your cell failed: NameError"),
    Outcome("case", 3, CaseResult(value=[1.5, None], args_after=({"W": 1},))),
    Outcome("own", 0, CaseResult(error="f crashed: ZeroDivisionError: division by zero")),
    Rerun(CaseResult(value=2.0, args_after=())),
]


@pytest.mark.parametrize("record", LINES, ids=lambda record: type(record).__name__)
def test_every_control_line_round_trips(record: Any) -> None:
    line = record.to_line()
    assert line.endswith(b"\n")
    assert line.count(b"\n") == 1
    assert type(record).from_line(line) == record
    assert decode_line(line, type(record), Refusal) == record


@pytest.mark.parametrize("record", FRAMES, ids=lambda record: type(record).__name__)
def test_every_job_socket_frame_round_trips(record: Any) -> None:
    message = record.to_frame()
    assert type(record).from_frame(message) == record
    assert decode_frame(message, type(record)) == record


def test_arrays_round_trip_in_frames() -> None:
    """Numpy arrays compare elementwise, so the decoded record is checked by its encoding."""
    job = Job("f", "", (), "def f(x):\n    return x\n", ((np.arange(6.0).reshape(2, 3),),))
    again = Job.from_frame(job.to_frame())
    assert np.array_equal(again.cases[0][0], job.cases[0][0])
    assert again.to_frame() == job.to_frame()
    state = np.random.get_state()
    call = HelperCall.from_frame(HelperCall("h", (np.ones(3),), {}, state).to_frame())
    assert np.array_equal(call.rng[1], state[1])
    assert call.rng[0] == state[0]


def test_a_helper_call_names_its_helper_in_the_head_alone() -> None:
    message = HelperCall("relu", (np.ones(2),), {}, None).to_frame()
    assert HelperCall.name_of(Frame(message.head, b"[[[[", b"")) == "relu"


def test_an_error_crosses_as_type_and_message() -> None:
    """A message containing ': ' keeps its type: nothing splits a 'Type: message' string."""
    error = RemoteError("NameError", "'x: y' is not a helper of this function: really")
    message = HelperReply(error=error).to_frame()
    assert message.value() == {"error": {"type": error.type, "message": error.message}}
    assert HelperReply.from_frame(message).error == error


# ------------------------------------------------------------------------------ refusals


def _line(data: dict) -> bytes:
    return json.dumps(data).encode() + b"\n"


def _edited(record: Any, **changes: Any) -> bytes:
    return _line({**json.loads(record.to_line()), **changes})


@pytest.mark.parametrize(
    ("record", "line"),
    [
        (Credit, _line({"kind": "debit", "seconds": 1.0})),  # an unknown kind
        (Credit, _line({"kind": "credit"})),  # a missing field
        (Credit, _line({"kind": "credit", "seconds": "1"})),  # a wrong type
        (Credit, _line({"kind": "credit", "seconds": float("nan")})),  # not a finite number
        (Credit, _line({"kind": "credit", "seconds": 1.0, "more": 1})),  # an extra field
        (Credit, _line({"seconds": 1.0})),  # no kind at all
        (Credit, b"not json\n"),
        (Credit, b"[1, 2]\n"),
        (Credit, b""),
        (ZygoteSetup, _edited(ZygoteSetup("", True), strict=1)),  # not a boolean
        (ZygoteHello, _edited(ZygoteHello((), None), missing=[1])),
        (SessionStart, _edited(SessionStart(Limits()), limits={"cpu_seconds": 1})),
        (JobRequest, _edited(JobRequest(Limits()), limits={**vars(Limits()), "memory_mb": 1.5})),
        (Ending, _edited(Ending(0, False, 0.1, 0.1), exit_code=True)),
        (Ending, _edited(Ending(0, False, 0.1, 0.1), skipped="layer")),
    ],
)
def test_a_line_decoder_refuses_anything_but_its_record(record: Any, line: bytes) -> None:
    with pytest.raises(ProtocolError):
        record.from_line(line)


def test_decode_line_refuses_a_kind_not_expected_here() -> None:
    with pytest.raises(ProtocolError):
        decode_line(Credit(1.0).to_line(), SessionReady, SetupFailed)


def _frame(head: dict, value: Any) -> Frame:
    return Frame(head) if value is None else Frame(head, *transport.encode(value))


RESULT = {"value": 1.0, "args_after": []}


@pytest.mark.parametrize(
    ("record", "head", "value"),
    [
        (CellReport, {"kind": "celll"}, {"error": None}),  # an unknown kind
        (CellReport, {"kind": "cell"}, {}),  # a missing field
        (CellReport, {"kind": "cell"}, {"error": 3}),  # a wrong type
        (CellReport, {"kind": "cell"}, {"error": None, "extra": 1}),  # an extra field
        (CellReport, {"kind": "cell", "extra": 1}, {"error": None}),  # an extra head field
        (CellReport, {"kind": "cell"}, None),  # no value at all
        (Outcome, {"kind": "outcome", "stage": "case"}, RESULT),
        (Outcome, {"kind": "outcome", "stage": "case", "index": True}, RESULT),
        (Outcome, {"kind": "outcome", "stage": 1, "index": 0}, RESULT),
        (Outcome, {"kind": "outcome", "stage": "case", "index": 0}, {"value": 1.0}),
        (Outcome, {"kind": "outcome", "stage": "case", "index": 0}, {**RESULT, "args_after": 1}),
        (Outcome, {"kind": "outcome", "stage": "case", "index": 0}, {"error": 1}),
        (Rerun, {"kind": "rerun"}, {"error": "x", "value": 1}),
        (Rerun, {"kind": "rerun"}, [1, 2]),
        (HelperCall, {"kind": "call"}, {"args": [], "kwargs": {}, "rng": None}),
        (HelperCall, {"kind": "call", "name": 5}, {"args": [], "kwargs": {}, "rng": None}),
        (HelperCall, {"kind": "call", "name": "h"}, {"args": (), "kwargs": {}, "rng": None}),
        (HelperCall, {"kind": "call", "name": "h"}, {"args": [], "kwargs": {1: 2}, "rng": None}),
        (HelperCall, {"kind": "call", "name": "h"}, {"args": [], "kwargs": {}}),
        (HelperReply, {"kind": "reply"}, {"error": "NameError: x"}),  # the old string form
        (HelperReply, {"kind": "reply"}, {"error": {"type": "NameError"}}),
        (HelperReply, {"kind": "reply"}, {"value": 1, "rng": None}),
        (HelperReply, {"kind": "reply"}, {"value": 1, "extra": 2}),
        (Job, {"kind": "job"}, {"function": "f"}),
        (
            Job,
            {"kind": "job"},
            {
                "function": "f",
                "imports": "import numpy",  # text must come as a byte array
                "helpers": [],
                "student": np.zeros(1, np.uint8),
                "cases": [],
                "own_helpers": {},
            },
        ),
    ],
)
def test_a_frame_decoder_refuses_anything_but_its_record(
    record: Any, head: dict, value: Any
) -> None:
    with pytest.raises(ProtocolError):
        record.from_frame(_frame(head, value))


def test_a_value_the_transport_refuses_is_a_protocol_error() -> None:
    with pytest.raises(ProtocolError):
        CellReport.from_frame(Frame({"kind": "cell"}, b"[[[[", b""))


def test_decode_frame_refuses_a_kind_not_expected_here() -> None:
    call = HelperCall("h", (), {}, None).to_frame()
    with pytest.raises(ProtocolError):
        decode_frame(call, CellReport, Outcome, Rerun)


def test_protocol_errors_are_value_errors() -> None:
    """Callers that treated malformed data (ValueError) as the sender's failure still do."""
    assert issubclass(ProtocolError, ValueError)
