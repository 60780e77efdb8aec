"""Jobs, the grader's side: the job a sandboxed run gets, and reading what it sent back.

The job is a :class:`autograder.sandbox.protocol.Job` record; the child answers with
:class:`CellReport`, :class:`Outcome` and :class:`Rerun` records. The child may have run hostile
code, so everything it sent is decoded strictly, with the transport's bounds (plain data, never
pickle): anything malformed (a ``ProtocolError``) reads as "not sent", and every string that came
from it is cut short before it can reach feedback.
"""

from __future__ import annotations

import hashlib
import signal
from collections.abc import Sequence
from dataclasses import dataclass, field

from autograder.grading.cases import PreparedCase
from autograder.grading.schema import Outcome
from autograder.sandbox import protocol
from autograder.sandbox.channel import Frame
from autograder.sandbox.protocol import CellReport, Ending, Job, Limits, ProtocolError, Rerun

MAX_CHILD_TEXT = 500  # an error text from the child, before feedback caps it further


def job_message(
    function: str,
    imports: str,
    helpers: list[str],
    code: str,
    cases: Sequence[PreparedCase],
    own_helpers: dict[str, str],
) -> Frame:
    """The job as the child receives it: arguments only, never an expected value or kit code."""
    arguments = tuple(tuple(prepared.args) for prepared in cases)
    return Job(function, imports, tuple(helpers), code, arguments, own_helpers).to_frame()


@dataclass
class JobReport:
    """What a child sent back, decoded: did the cell run, and each case's outcome per stage."""

    cell_reported: bool = False
    cell_error: str | None = None
    outcomes: dict[tuple[str, int], Outcome] = field(default_factory=dict)
    rerun: Outcome | None = None
    # A digest of the bytes each outcome (and the rerun) came as: equal bytes, equal outcomes.
    digests: dict[tuple[str, int], bytes] = field(default_factory=dict)
    rerun_digest: bytes = b""

    def outcome(self, stage: str, index: int) -> Outcome | None:
        """One case's outcome in ``stage``, or None when the child never sent it."""
        return self.outcomes.get((stage, index))

    def sent(self, stage: str, index: int, reran: bool) -> bytes:
        """What identifies an outcome as sent: its digest, and the rerun's when it was used."""
        return self.digests[(stage, index)] + (self.rerun_digest if reran else b"")


def _digest(message: Frame) -> bytes:
    """A digest of a message's value as it was sent (lengths first: no two splits collide)."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(len(message.skeleton).to_bytes(8, "big") + message.skeleton)
    digest.update(message.raw)
    return digest.digest()


def _as_outcome(result: protocol.CaseResult) -> Outcome:
    if result.error is not None:
        return Outcome(error=result.error[:MAX_CHILD_TEXT])
    return Outcome(value=result.value, args_after=result.args_after)


def read_messages(messages: list[Frame]) -> JobReport:
    """Decode the child's messages; a malformed one counts as never sent."""
    report = JobReport()
    for message in messages:
        try:
            record = protocol.decode_frame(message, CellReport, protocol.Outcome, Rerun)
        except ProtocolError:
            continue
        if isinstance(record, CellReport) and not report.cell_reported:
            report.cell_reported = True
            error = record.error
            report.cell_error = error[:MAX_CHILD_TEXT] if error is not None else None
        elif isinstance(record, protocol.Outcome):
            key = (record.stage, record.index)
            if key not in report.outcomes:
                report.outcomes[key] = _as_outcome(record.result)
                report.digests[key] = _digest(message)
        elif isinstance(record, Rerun) and report.rerun is None:
            report.rerun = _as_outcome(record.result)
            report.rerun_digest = _digest(message)
    return report


def describe_ending(ending: Ending, limits: Limits) -> str:
    """Say in words why a sandboxed run stopped before writing all its results."""
    if ending.timed_out:
        return f"did not finish within {limits.wall_seconds:g} s (an infinite loop?)"
    code = ending.exit_code
    if code in (-signal.SIGXCPU, -signal.SIGPROF):
        return f"used more than {limits.cpu_seconds:g} s of CPU time (an infinite loop?)"
    if code == -signal.SIGXFSZ:
        megabytes = limits.output_bytes / 1e6
        return f"printed or wrote more than {megabytes:g} MB (a print inside a big loop?)"
    if code < 0:  # every signal in words: real-time ones have no name in signal.Signals
        number = -code
        name = next((known.name for known in signal.Signals if known.value == number), None)
        if name is not None:
            return f"crashed (signal {name})"
        low, high = getattr(signal, "SIGRTMIN", 1), getattr(signal, "SIGRTMAX", 0)
        if low <= number <= high:
            return f"crashed (real-time signal SIGRTMIN+{number - low}, number {number})"
        return f"crashed (unknown signal number {number})"
    return (
        f"stopped the grading process (exit code {code}): do not call os._exit or sys.exit, and "
        "leave the grader's files alone"
    )
