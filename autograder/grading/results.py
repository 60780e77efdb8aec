"""The result model: what grading found, per graded function and per submission, as plain data.

Failures travel as data (which case, what was wrong, which hints apply) from the judge to the
reports, so nothing downstream has to parse text back. The text a student reads is written from
this model in one place, ``autograder.grading.feedback``; the JSON form is here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from autograder.grading.feedback import render_feedback

# How a function's points are earned, chosen once before grading and stored on every result:
# all of them when every case passes (the default), or split evenly over the cases that pass.
ALL_OR_NOTHING, PARTIAL_CREDIT = "all-or-nothing", "partial-credit"
SCORING_MODES = (ALL_OR_NOTHING, PARTIAL_CREDIT)


@dataclass(frozen=True)
class CaseFailure:
    """One hidden case that failed: what was wrong with the output, and hints for the mistake.

    A case can fail on hints alone (a second call gave another answer: a missing seed).
    """

    case: str
    problems: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()
    # Cases after this one that never ran because the child stopped here; they count as failed.
    unrun: int = 0


@dataclass(frozen=True)
class HelperNote:
    """A function that passed with the kit's helpers but fails with the student's own ones.

    It keeps its points (one mistake costs one function), but the student should know.
    """

    helpers: tuple[str, ...]  # the student's helpers the kit's versions stood in for
    broken: tuple[str, ...]  # the ones to blame: those that failed on their own, else all
    failure: CaseFailure  # the first case that fails with the student's own helpers


@dataclass
class FunctionResult:
    """The grade of one graded function: its cases' failures, or why it could not be graded."""

    name: str
    points: float
    cases: int
    failures: list[CaseFailure] = field(default_factory=list)
    # Why the function could not be graded at all (no cell, the cell crashed, the sandbox failed).
    not_graded: str | None = None
    notes: list[str] = field(default_factory=list)  # shown first, e.g. a duplicated cell
    helper_note: HelperNote | None = None  # shown last
    printed: bool = False  # the function printed while graded (what it printed is never shown)
    # Opt-in (``dnnkit grade --partial-credit``): points split evenly over the cases that pass.
    # Off, a function earns its points only when every case passes. Set when the result is made.
    partial_credit: bool = False

    @property
    def passed(self) -> bool:
        return self.not_graded is None and not self.failures

    @property
    def passed_cases(self) -> int:
        """Cases that ran and passed; a case that never ran (the child stopped first) did not."""
        if self.not_graded is not None:
            return 0
        failed = len(self.failures) + sum(failure.unrun for failure in self.failures)
        return max(self.cases - failed, 0)

    @property
    def score(self) -> float:
        if self.passed:
            return self.points
        if self.partial_credit and self.cases:
            return round(self.points * self.passed_cases / self.cases, 2)
        return 0.0

    @property
    def max_score(self) -> float:
        return self.points

    @property
    def feedback(self) -> str:
        """The feedback text the student reads (see ``autograder.grading.feedback``)."""
        return render_feedback(self)

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "score": self.score,
            "max_score": self.max_score,
            "status": "passed" if self.passed else "failed",
            "output": self.feedback,
        }


@dataclass
class SubmissionResult:
    """The grade of one submitted notebook."""

    submission: str
    tests: list[FunctionResult] = field(default_factory=list)
    # The sandbox's isolation in force (``SandboxPool.isolation``); "isolated": False means graded
    # without it (--insecure).
    isolation: dict = field(default_factory=dict)
    sha256: str | None = None  # of the bytes graded (None when the file could not be read)
    # Why the notebook could not be graded at all (a link, a pipe, a missing or malformed file).
    not_graded: str | None = None
    scoring: str = ALL_OR_NOTHING  # the mode every function of it was scored in

    @property
    def isolated(self) -> bool:
        return bool(self.isolation.get("isolated"))

    @property
    def score(self) -> float:
        return sum(test.score for test in self.tests)

    @property
    def max_score(self) -> float:
        return sum(test.max_score for test in self.tests)

    def to_json(self) -> dict:
        """Gradescope's results.json shape, plus the submission's path."""
        return {
            "submission": self.submission,
            "score": self.score,
            "max_score": self.max_score,
            "tests": [test.to_json() for test in self.tests],
            "isolation": self.isolation,
            "sha256": self.sha256,
            "not_graded": self.not_graded,
            "scoring": self.scoring,
        }
