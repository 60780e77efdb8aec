"""The job protocol between the grader and a sandboxed child: messages, seeds, limits, endings.

A job is a conversation over one Unix socket, made for that job and handed to the child:

* grader -> child: one :data:`JOB` message (the student's cell, the imports, the names of the
  kit's helpers it may call, every case's arguments), then one :data:`REPLY` per helper call;
* child -> grader: :data:`CELL` (did the student's cell run?), one :data:`OUTCOME` per case and
  stage, :data:`RERUN` (case 0 again under another seed) and :data:`CALL` when the student's
  function calls one of the kit's helpers (run by the grader, never in the child).

Every message is one frame of ``autograder.sandbox.channel``: a small JSON head saying what it is
and a value as plain arrays and JSON (``autograder.sandbox.transport``). Between the grader and a
zygote (a ``start`` line per submission) and a submission's session (a line per job, with the
job's socket), JSON lines carry :meth:`Limits.request` and the answer (:class:`Ending`). Beside
the job's socket travels a credit socket, between the session and the grader only: once a job
reaches its wall-clock limit the session asks (``{"deadline": true}``) and the grader answers
with the running total of what the job waited for it (``{"credit": seconds}``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

# Message kinds.
JOB, REPLY, CELL, OUTCOME, RERUN, CALL = "job", "reply", "cell", "outcome", "rerun", "call"
# Stages of a job: every case with the kit's helpers, then again with the student's own.
KIT_HELPERS, OWN_HELPERS = "case", "own"
# Global seeds set before the first and the second call of a case: a function that forgot its own
# np.random.seed answers differently, so the grader can say so.
FIRST_SEED, SECOND_SEED = 2024, 7


def text_array(text: str) -> np.ndarray:
    """Source code as bytes in an array: the transport caps strings (they come from children),
    not arrays, and a job's cells may be long."""
    return np.frombuffer(text.encode("utf-8", "replace"), dtype=np.uint8)


def array_text(array: np.ndarray) -> str:
    """The inverse of :func:`text_array` (in the child)."""
    return bytes(np.asarray(array, dtype=np.uint8)).decode("utf-8", "replace")


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

    def request(self) -> dict[str, Any]:
        """The zygote's request line for one job (the socket travels beside it)."""
        return asdict(self)


@dataclass(frozen=True)
class Ending:
    """How a sandboxed child ended (the zygote's answer line)."""

    exit_code: int
    timed_out: bool
    seconds: float
    cpu_seconds: float
    printed: bool = False
    setup_failed: str | None = None  # a confinement step that failed (only with --insecure)
    credit_seconds: float = 0.0  # the grader's delays the session added to the wall-clock limit
    waited_seconds: float = 0.0  # the grader's delays it measured for this job (set by the grader)
