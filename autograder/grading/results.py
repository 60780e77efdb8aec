"""The result model: a grade per graded function and per submission, and their JSON form."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FunctionResult:
    """The grade of one graded function, with the feedback the student reads."""

    name: str
    score: float
    max_score: float
    feedback: str
    passed: bool = False

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
        }
