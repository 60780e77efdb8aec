"""Every message between grader, zygote, session, job child and helper server, as typed records.

Each message kind is one frozen dataclass with exactly one encoder and one decoder, so no side
builds or picks apart a dict of its own. Decoders are strict: an unknown kind, a missing or extra
field, or a wrong type raises :class:`ProtocolError` (a ValueError), which callers treat as data
never sent: a child's garbage is the child's failure, never the grader's crash. An error travels
as :class:`RemoteError` fields (type and message), never as a ``"Type: message"`` string.

Two kinds of wire:

* **Control lines** (``to_line``/``from_line``, one JSON object with a ``kind`` per line), between
  trusted processes: grader -> zygote :class:`ZygoteSetup`, zygote -> grader
  :class:`ZygoteHello`; per submission :class:`SessionStart` (with the session's socket), answered
  by :class:`SessionStarted`; the session's first line :class:`SessionReady` (or
  :class:`SetupFailed`); per job :class:`JobRequest` (with the job's socket and a credit socket),
  answered by :class:`Ending` (or :class:`Refusal`). On the credit socket, which the child never
  holds, the session asks :class:`CreditQuestion` once a job reaches its wall-clock limit and the
  grader answers :class:`Credit` (the running total of what the job waited for it). A job child
  reports its setup to the session on a pipe (:class:`ChildReady` or :class:`SetupFailed`).
* **The job's socket** (``to_frame``/``from_frame``): frames of ``autograder.sandbox.channel``, a
  small JSON head and a value as plain arrays and JSON (``autograder.sandbox.transport``).
  grader -> child: one :class:`Job`, then one :class:`HelperReply` per helper call; child ->
  grader: :class:`CellReport` (did the student's cell run?), one :class:`Outcome` per case and
  stage, :class:`Rerun` (case 0 again under another seed) and :class:`HelperCall` when the
  student's function calls one of the kit's helpers (run by the grader, never in the child).

Records never read sockets: the bounded readers (``channel``, ``transport`` and the line readers
of ``pool``/``zygote``, capped in length) hand them bytes or frames already bounded.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from typing import Any, ClassVar, TypeVar

import numpy as np

from autograder.sandbox import transport
from autograder.sandbox.channel import Frame, frame

# Stages of a job: every case with the kit's helpers, then again with the student's own.
KIT_HELPERS, OWN_HELPERS = "case", "own"
# Global seeds set before the first and the second call of a case: a function that forgot its own
# np.random.seed answers differently, so the grader can say so.
FIRST_SEED, SECOND_SEED = 2024, 7


class ProtocolError(ValueError):
    """A message is not one of the expected records (kind, fields or types)."""


def text_array(text: str) -> np.ndarray:
    """Source code as bytes in an array: the transport caps strings (they come from children),
    not arrays, and a job's cells may be long."""
    return np.frombuffer(text.encode("utf-8", "replace"), dtype=np.uint8)


# ------------------------------------------------------------------------------ field checks

Check = Callable[[Any, str], Any]


def _str(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise ProtocolError(f"{name}: expected a string, got {type(value).__name__}")
    return value


def _bool(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise ProtocolError(f"{name}: expected a boolean, got {type(value).__name__}")
    return value


def _int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProtocolError(f"{name}: expected an integer, got {type(value).__name__}")
    return value


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ProtocolError(f"{name}: expected a finite number, got {value!r:.40}")
    return value


def _optional(check: Check) -> Check:
    def optional(value: Any, name: str) -> Any:
        return None if value is None else check(value, name)

    return optional


def _strings(value: Any, name: str) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        raise ProtocolError(f"{name}: expected a list, got {type(value).__name__}")
    return tuple(_str(item, name) for item in value)


def _text(value: Any, name: str) -> str:
    """The inverse of :func:`text_array`."""
    if not isinstance(value, np.ndarray) or value.dtype != np.uint8 or value.ndim != 1:
        raise ProtocolError(f"{name}: expected text as a byte array")
    return bytes(value).decode("utf-8", "replace")


def _keys(data: Any, name: str, required: set[str], optional: frozenset[str] = frozenset()) -> dict:
    """``data`` as a dict with every required key, no unknown one."""
    if not isinstance(data, dict):
        raise ProtocolError(f"{name}: expected an object, got {type(data).__name__}")
    keys = set(data)
    if missing := required - keys:
        raise ProtocolError(f"{name}: missing {sorted(missing)}")
    if extra := keys - required - optional:
        raise ProtocolError(f"{name}: unknown {sorted(str(key) for key in extra)[:5]}")
    return data


# ------------------------------------------------------------------------------ control lines

Line = TypeVar("Line", bound="_LineRecord")


class _LineRecord:
    """A record sent as one JSON line: ``{"kind": KIND, field: value, ...}``, every field present.

    ``CHECKS`` gives, per field, the check that turns its JSON back into the field's value.
    """

    KIND: ClassVar[str]
    CHECKS: ClassVar[dict[str, Check]]

    def to_line(self) -> bytes:
        """The record's only encoding on a control wire."""
        return json.dumps({"kind": self.KIND, **asdict(self)}).encode() + b"\n"

    @classmethod
    def from_line(cls: type[Line], line: bytes) -> Line:
        """The record's only decoding; ProtocolError unless ``line`` is exactly this record."""
        data = _json_line(line)
        if data.get("kind") != cls.KIND:
            raise ProtocolError(f"expected a {cls.KIND!r} line, got {data.get('kind')!s:.40}")
        _keys(data, cls.KIND, {"kind", *cls.CHECKS})
        return cls(**{key: check(data[key], key) for key, check in cls.CHECKS.items()})


def _json_line(line: bytes) -> dict:
    try:
        data = json.loads(line)
    except (ValueError, RecursionError) as error:
        raise ProtocolError("a control line that is not JSON") from error
    if not isinstance(data, dict):
        raise ProtocolError("a control line that is not an object")
    return data


def decode_line(line: bytes, *records: type[Line]) -> Line:
    """One line as whichever of ``records`` its kind names (ProtocolError for any other)."""
    kind = _json_line(line).get("kind")
    for record in records:
        if kind == record.KIND:
            return record.from_line(line)
    raise ProtocolError(f"unexpected line kind {kind!s:.40}")


@dataclass(frozen=True)
class Limits:
    """Resources one job may use.

    ``scratch_bytes``/``scratch_inodes`` size the child's private tmpfs (its only writable place);
    ``output_bytes`` caps what it may print. ``credit_seconds`` caps the time the grader may add to
    ``wall_seconds`` for its own delays (the job frame, replies to helper calls, the grader's
    stalls): a job must not pay for them, and a sleeping loop still stops within
    ``wall_seconds + credit_seconds``.
    """

    cpu_seconds: float = 2.0
    wall_seconds: float = 4.0
    memory_mb: int = 768
    output_bytes: int = 1_000_000
    scratch_bytes: int = 16_000_000
    scratch_inodes: int = 64
    credit_seconds: float = 2.0


def _limits(value: Any, name: str) -> Limits:
    checks = {field.name: _int if field.type == "int" else _number for field in fields(Limits)}
    data = _keys(value, name, set(checks))
    return Limits(**{key: check(data[key], f"{name}.{key}") for key, check in checks.items()})


@dataclass(frozen=True)
class ZygoteSetup(_LineRecord):
    """grader -> zygote, first: modules to import up front; whether a missing layer refuses."""

    KIND: ClassVar[str] = "setup"
    CHECKS: ClassVar[dict[str, Check]] = {"preload": _str, "strict": _bool}
    preload: str
    strict: bool


@dataclass(frozen=True)
class ZygoteHello(_LineRecord):
    """zygote -> grader, once ready: the layers its probe could not set up, its memory cgroup."""

    KIND: ClassVar[str] = "hello"
    CHECKS: ClassVar[dict[str, Check]] = {"missing": _strings, "cgroup": _optional(_str)}
    missing: tuple[str, ...]
    cgroup: str | None


@dataclass(frozen=True)
class SessionStart(_LineRecord):
    """grader -> zygote: start one submission's confined world (its socket travels beside)."""

    KIND: ClassVar[str] = "start"
    CHECKS: ClassVar[dict[str, Check]] = {"limits": _limits, "plots": _bool}
    limits: Limits
    plots: bool = False


@dataclass(frozen=True)
class SessionStarted(_LineRecord):
    """zygote -> grader: the submission's outer child is forked."""

    KIND: ClassVar[str] = "started"
    CHECKS: ClassVar[dict[str, Check]] = {}


@dataclass(frozen=True)
class SessionReady(_LineRecord):
    """session -> grader, first: confined and ready; the layers skipped (only with --insecure)."""

    KIND: ClassVar[str] = "ready"
    CHECKS: ClassVar[dict[str, Check]] = {"skipped": _strings}
    skipped: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChildReady(_LineRecord):
    """job child -> session (report pipe): confined; the layers skipped (only with --insecure)."""

    KIND: ClassVar[str] = "child_ready"
    CHECKS: ClassVar[dict[str, Check]] = {"skipped": _strings}
    skipped: tuple[str, ...] = ()


@dataclass(frozen=True)
class SetupFailed(_LineRecord):
    """A confinement step that failed, in strict mode (outer child, session or job child)."""

    KIND: ClassVar[str] = "setup_failed"
    CHECKS: ClassVar[dict[str, Check]] = {"reason": _str}
    reason: str


@dataclass(frozen=True)
class Refusal(_LineRecord):
    """zygote or session -> grader: a request it cannot serve (no socket came with it)."""

    KIND: ClassVar[str] = "refusal"
    CHECKS: ClassVar[dict[str, Check]] = {"reason": _str}
    reason: str


@dataclass(frozen=True)
class JobRequest(_LineRecord):
    """grader -> session: run one job under ``limits`` (the job's and the credit socket beside);
    ``probe``: an empty job that only tests the layers."""

    KIND: ClassVar[str] = "job"
    CHECKS: ClassVar[dict[str, Check]] = {"limits": _limits, "probe": _bool}
    limits: Limits
    probe: bool = False


@dataclass(frozen=True)
class Ending(_LineRecord):
    """session -> grader: how a job's child ended."""

    KIND: ClassVar[str] = "ending"
    CHECKS: ClassVar[dict[str, Check]] = {
        "exit_code": _int,
        "timed_out": _bool,
        "seconds": _number,
        "cpu_seconds": _number,
        "printed": _bool,
        "setup_failed": _optional(_str),
        "credit_seconds": _number,
        "waited_seconds": _number,
        "skipped": _strings,
    }
    exit_code: int
    timed_out: bool
    seconds: float
    cpu_seconds: float
    printed: bool = False
    setup_failed: str | None = None  # a confinement step that failed (only with --insecure)
    credit_seconds: float = 0.0  # the grader's delays the session added to the wall-clock limit
    waited_seconds: float = 0.0  # the grader's delays it measured for this job (set by the grader)
    skipped: tuple[str, ...] = ()  # layers the job's child skipped (only with --insecure)


@dataclass(frozen=True)
class CreditQuestion(_LineRecord):
    """session -> grader (credit socket): the job reached its limit; how long did it wait?"""

    KIND: ClassVar[str] = "deadline"
    CHECKS: ClassVar[dict[str, Check]] = {}


@dataclass(frozen=True)
class Credit(_LineRecord):
    """grader -> session (credit socket): the running total the job waited for the grader."""

    KIND: ClassVar[str] = "credit"
    CHECKS: ClassVar[dict[str, Check]] = {"seconds": _number}
    seconds: float


# ------------------------------------------------------------------------------ job socket


def _head(message: Frame, kind: str, fields: dict[str, Check]) -> dict:
    """A frame's head checked to be ``kind`` with exactly ``fields``, each converted."""
    head = _keys(message.head, f"{kind} head", {"kind", *fields})
    if head["kind"] != kind:
        raise ProtocolError(f"expected a {kind!r} frame, got {head['kind']!s:.40}")
    return {key: check(head[key], key) for key, check in fields.items()}


def _value(message: Frame) -> Any:
    """A frame's value, decoded with the transport's bounds."""
    try:
        return message.value()
    except transport.TransportError as error:
        raise ProtocolError(f"a value the transport refused: {error}") from error


@dataclass(frozen=True)
class RemoteError:
    """An exception raised on the other side of a wire: its type's name and its message."""

    type: str
    message: str


def _remote_error(value: Any, name: str) -> RemoteError:
    data = _keys(value, name, {"type", "message"})
    return RemoteError(_str(data["type"], "type"), _str(data["message"], "message"))


@dataclass(frozen=True)
class Job:
    """grader -> child: the job. Arguments only, never an expected value or the kit's code."""

    KIND: ClassVar[str] = "job"
    function: str
    imports: str
    helpers: tuple[str, ...]  # the kit's helpers it may call (stand-ins in the child)
    student: str  # the student's cell
    cases: tuple[tuple[Any, ...], ...]  # every case's arguments
    own_helpers: dict[str, str] = field(default_factory=dict)  # the student's helper cells

    def to_frame(self) -> Frame:
        """The job's only encoding (source travels as byte arrays: no string cap applies)."""
        return frame(
            {"kind": self.KIND},
            {
                "function": self.function,
                "imports": text_array(self.imports),
                "helpers": list(self.helpers),
                "student": text_array(self.student),
                "cases": [list(args) for args in self.cases],  # encoding copies, changes nothing
                "own_helpers": {name: text_array(cell) for name, cell in self.own_helpers.items()},
            },
        )

    @classmethod
    def from_frame(cls, message: Frame) -> Job:
        """The job's only decoding."""
        _head(message, cls.KIND, {})
        names = {"function", "imports", "helpers", "student", "cases", "own_helpers"}
        value = _keys(_value(message), "job", names)
        cases, own = value["cases"], value["own_helpers"]
        if not isinstance(cases, list) or not all(isinstance(args, list) for args in cases):
            raise ProtocolError("cases: expected a list of argument lists")
        if not isinstance(own, dict):
            raise ProtocolError("own_helpers: expected an object")
        return cls(
            function=_str(value["function"], "function"),
            imports=_text(value["imports"], "imports"),
            helpers=_strings(value["helpers"], "helpers"),
            student=_text(value["student"], "student"),
            cases=tuple(tuple(args) for args in cases),
            own_helpers={_str(key, "own_helpers"): _text(cell, key) for key, cell in own.items()},
        )


@dataclass(frozen=True)
class HelperCall:
    """child -> grader (-> helper server): a call of one of the kit's helpers, with the global
    random state, so a helper that draws numbers behaves as if it had run in the child."""

    KIND: ClassVar[str] = "call"
    name: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    rng: Any  # np.random.get_state()

    def to_frame(self) -> Frame:
        """The call's only encoding (the helper's name in the head, arguments in the value)."""
        value = {"args": list(self.args), "kwargs": self.kwargs, "rng": self.rng}
        return frame({"kind": self.KIND, "name": self.name}, value)

    @classmethod
    def name_of(cls, message: Frame) -> str:
        """The called helper's name, from the head alone: the grader checks the allow-list and
        the arguments' size (``helper_bounds``, on the encoded skeleton) before anything decodes
        the value."""
        return _head(message, cls.KIND, {"name": _str})["name"]

    @classmethod
    def from_frame(cls, message: Frame) -> HelperCall:
        """The call's only decoding (in the helper server)."""
        name = cls.name_of(message)
        value = _keys(_value(message), "call", {"args", "kwargs", "rng"})
        if not isinstance(value["args"], list):
            raise ProtocolError("args: expected a list")
        kwargs = value["kwargs"]
        if not isinstance(kwargs, dict) or not all(isinstance(key, str) for key in kwargs):
            raise ProtocolError("kwargs: expected an object with string keys")
        return cls(name, tuple(value["args"]), kwargs, value["rng"])


@dataclass(frozen=True)
class HelperReply:
    """grader -> child: what the kit's helper returned (and the random state, when it drew
    numbers), or the error it raised, which the child's stand-in raises again."""

    KIND: ClassVar[str] = "reply"
    value: Any = None
    rng: Any = None  # None: the helper drew no numbers, the child keeps its own state
    error: RemoteError | None = None

    def to_frame(self) -> Frame:
        """The reply's only encoding."""
        if self.error is not None:
            body: dict[str, Any] = {"error": asdict(self.error)}
        else:
            body = {"value": self.value} | ({} if self.rng is None else {"rng": self.rng})
        return frame({"kind": self.KIND}, body)

    @classmethod
    def from_frame(cls, message: Frame) -> HelperReply:
        """The reply's only decoding."""
        _head(message, cls.KIND, {})
        value = _value(message)
        if isinstance(value, dict) and "error" in value:
            _keys(value, "reply", {"error"})
            return cls(error=_remote_error(value["error"], "error"))
        value = _keys(value, "reply", {"value"}, frozenset({"rng"}))
        if "rng" in value and value["rng"] is None:
            raise ProtocolError("rng: expected a random state")
        return cls(value["value"], value.get("rng"))


@dataclass(frozen=True)
class CellReport:
    """child -> grader: did the student's cell run and define the function (None: it did)."""

    KIND: ClassVar[str] = "cell"
    error: str | None = None

    def to_frame(self) -> Frame:
        """The report's only encoding."""
        return frame({"kind": self.KIND}, {"error": self.error})

    @classmethod
    def from_frame(cls, message: Frame) -> CellReport:
        """The report's only decoding."""
        _head(message, cls.KIND, {})
        value = _keys(_value(message), "cell", {"error"})
        return cls(_optional(_str)(value["error"], "error"))


@dataclass(frozen=True)
class CaseResult:
    """One call of the student's function: what it returned and left in its arguments, or the
    crash described in words (the value of an :class:`Outcome` or a :class:`Rerun`)."""

    value: Any = None
    args_after: tuple[Any, ...] | None = None
    error: str | None = None

    def _encoded(self) -> dict[str, Any]:
        if self.error is not None:
            return {"error": self.error}
        return {"value": self.value, "args_after": list(self.args_after or ())}

    @classmethod
    def _decoded(cls, value: Any) -> CaseResult:
        if isinstance(value, dict) and "error" in value:
            return cls(error=_str(_keys(value, "result", {"error"})["error"], "error"))
        value = _keys(value, "result", {"value", "args_after"})
        if not isinstance(value["args_after"], list):
            raise ProtocolError("args_after: expected a list")
        return cls(value["value"], tuple(value["args_after"]))


@dataclass(frozen=True)
class Outcome:
    """child -> grader: one case's result in a stage (:data:`KIT_HELPERS`, :data:`OWN_HELPERS`)."""

    KIND: ClassVar[str] = "outcome"
    stage: str
    index: int
    result: CaseResult

    def to_frame(self) -> Frame:
        """The outcome's only encoding (may raise: a value that cannot travel as plain data)."""
        head = {"kind": self.KIND, "stage": self.stage, "index": self.index}
        return frame(head, self.result._encoded())

    @classmethod
    def from_frame(cls, message: Frame) -> Outcome:
        """The outcome's only decoding."""
        head = _head(message, cls.KIND, {"stage": _str, "index": _int})
        return cls(head["stage"], head["index"], CaseResult._decoded(_value(message)))


@dataclass(frozen=True)
class Rerun:
    """child -> grader: case 0 called again under :data:`SECOND_SEED`."""

    KIND: ClassVar[str] = "rerun"
    result: CaseResult

    def to_frame(self) -> Frame:
        """The rerun's only encoding (may raise, as :meth:`Outcome.to_frame`)."""
        return frame({"kind": self.KIND}, self.result._encoded())

    @classmethod
    def from_frame(cls, message: Frame) -> Rerun:
        """The rerun's only decoding."""
        _head(message, cls.KIND, {})
        return cls(CaseResult._decoded(_value(message)))


FrameRecord = Job | HelperCall | HelperReply | CellReport | Outcome | Rerun


def decode_frame(message: Frame, *records: type[FrameRecord]) -> FrameRecord:
    """One frame as whichever of ``records`` its kind names (ProtocolError for any other)."""
    for record in records:
        if message.head.get("kind") == record.KIND:
            return record.from_frame(message)
    raise ProtocolError(f"unexpected frame kind {message.head.get('kind')!s:.40}")
