"""The job protocol between the grader and a sandboxed child: file names, keys, seeds, limits.

A job is a directory. The grader writes :data:`JOB_FILE` (a :class:`JobSpec`) and one
``args_<i>`` value per case; the child writes :data:`CELL_FILE` (did the student's cell run?),
one outcome per case and stage (``case_<i>``: with the kit's helpers; ``own_<i>``: with the
student's own), :data:`RERUN_FILE` (case 0 again under another seed) and whatever it prints to
:data:`OUTPUT_FILE`. Values travel with ``autograder.sandbox.transport``. Between the grader and
a zygote, one JSON line per request (:meth:`Limits.request`) and per answer (:class:`Ending`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

JOB_FILE = "job.json"
CELL_FILE = "cell.json"
OUTPUT_FILE = "output.txt"
RERUN_FILE = "rerun_0"
# Stages of a job: every case with the kit's helpers, then again with the student's own.
KIT_HELPERS, OWN_HELPERS = "case", "own"
# Global seeds set before the first and the second call of a case: a function that forgot its own
# np.random.seed answers differently, so the grader can say so.
FIRST_SEED, SECOND_SEED = 2024, 7


def args_path(directory: Path, index: int) -> Path:
    """Where case ``index``'s arguments are stored."""
    return directory / f"args_{index}"


def outcome_path(directory: Path, stage: str, index: int) -> Path:
    """Where the child stores what the function did on case ``index`` in ``stage``."""
    return directory / f"{stage}_{index}"


@dataclass(frozen=True)
class JobSpec:
    """What one job asks of the child (stored as :data:`JOB_FILE`)."""

    function: str
    imports: str
    references: list[str]
    student: str
    cases: int
    own_helpers: dict[str, str] = field(default_factory=dict)

    def write(self, directory: Path) -> None:
        (directory / JOB_FILE).write_text(json.dumps(asdict(self)))

    @classmethod
    def read(cls, directory: Path) -> JobSpec:
        return cls(**json.loads((directory / JOB_FILE).read_text()))


@dataclass(frozen=True)
class Limits:
    """Resources one job may use."""

    cpu_seconds: float = 2.0
    wall_seconds: float = 4.0
    memory_mb: int = 768
    file_bytes: int = 8_000_000

    def request(self, directory: str) -> dict[str, Any]:
        """The zygote's request line for one job in ``directory``."""
        return {"dir": directory, **asdict(self)}


@dataclass(frozen=True)
class Ending:
    """How a sandboxed child ended (the zygote's answer line)."""

    exit_code: int
    timed_out: bool
    seconds: float
    cpu_seconds: float
