"""One assignment made ready to grade, once per batch rather than once per submission.

Loading hidden tests, the solved notebook's code and points, and computing every case's expected
output costs far more than grading one function; a batch of submissions shares it.
"""

from __future__ import annotations

import ast
import re
import time
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from autograder.course.notebooks import NotebookError, parse_python
from autograder.course.secret import course_secret
from autograder.grading.cases import PreparedCase, prepared_cases
from autograder.grading.reference import load_reference, reference_sources
from autograder.grading.schema import GradedFunction, load_hidden_tests
from autograder.sandbox.protocol import FIRST_SEED, Limits


@lru_cache(maxsize=4096)  # a submission asks for each of its cells' names many times over
def used_names(source: str) -> frozenset[str]:
    """Names a cell uses (called, or passed on as values, as in ``{"softmax": softmax}``); the
    whole text's words if the cell does not parse."""
    tree = parse_python(source)
    if tree is None:
        return frozenset(re.findall(r"\w+", source))
    return frozenset(node.id for node in ast.walk(tree) if isinstance(node, ast.Name))


def helpers_of(name: str, sources: dict[str, str], names: list[str]) -> list[str]:
    """The other graded functions ``name`` calls, directly or through each other, in order."""
    found: list[str] = []
    pending = [name]
    while pending:
        calls = used_names(sources.get(pending.pop(), ""))
        for other in names:
            if other != name and other not in found and other in calls:
                found.append(other)
                pending.append(other)
    return found


# CPU limit = floor + factor x the reference's own time on the same cases (the child also builds
# its namespace and runs case 0 twice); wall = factor x CPU + margin (helper calls, a busy machine).
# A function that calls the kit's helpers pays a round trip per call (encoding in the child, the
# helper server), about ten times what the reference pays for the same small call.
CPU_FLOOR, CPU_FACTOR, HELPER_CALLS_FACTOR = 0.15, 25.0, 10.0
WALL_FACTOR, WALL_MARGIN = 2.0, 0.1


def _reference_seconds(assignment_id: str, name: str, secret: bytes) -> float:
    """CPU time of the reference on ``name``'s cases, as the sandbox will run them."""
    reference = getattr(load_reference(assignment_id), name)
    cases = prepared_cases(assignment_id, name, "", secret)
    start = time.process_time()
    for prepared in cases:
        np.random.seed(FIRST_SEED)
        reference(*prepared.fresh_args())
    return time.process_time() - start


@dataclass
class Assignment:
    """What grading one assignment needs: hidden tests, the kit's code, points, prepared cases."""

    assignment_id: str
    specs: dict[str, GradedFunction]
    imports: str
    references: dict[str, str]
    points: dict[str, float]
    secret: bytes  # the course secret: hidden cases are drawn per submission from it
    # The kit's helpers each function may call from the sandbox: its callees in the reference,
    # transitively (run by the helper server, never in the child).
    kit_helpers: dict[str, list[str]]
    # CPU seconds the reference takes on each function's cases (its fixed draw), measured here.
    reference_seconds: dict[str, float]

    @classmethod
    def load(cls, assignment_id: str) -> Assignment:
        specs = load_hidden_tests(assignment_id)
        imports, references, points = reference_sources(assignment_id)
        missing = [name for name in specs if name not in references]
        if missing:
            raise NotebookError(f"the solved notebook of {assignment_id} lacks cells for {missing}")
        secret = course_secret()
        names = list(specs)
        kit_helpers = {name: helpers_of(name, references, names) for name in names}
        seconds = {name: _reference_seconds(assignment_id, name, secret) for name in names}
        return cls(assignment_id, specs, imports, references, points, secret, kit_helpers, seconds)

    def cases_for(self, name: str, identity: str) -> tuple[PreparedCase, ...]:
        """``name``'s cases for the submission ``identity`` (cached for a few submissions)."""
        return prepared_cases(self.assignment_id, name, identity, self.secret)

    @property
    def names(self) -> list[str]:
        """The graded functions, in the order of the hidden tests."""
        return list(self.specs)

    def limits(self, name: str) -> Limits:
        """The resources one sandboxed run of ``name`` may use: CPU calibrated on the reference.

        A correct solution may be many times slower than the reference (loops instead of
        vectorised numpy) and still passes; a looping one is stopped after a fraction of a second
        instead of the hidden test's generous ceiling (``cpu_seconds``, ``wall_seconds``).
        """
        spec = self.specs[name]
        seconds = self.reference_seconds[name]
        if self.kit_helpers[name]:
            seconds *= HELPER_CALLS_FACTOR
        cpu = min(spec.cpu_seconds, CPU_FLOOR + CPU_FACTOR * seconds)
        wall = min(spec.wall_seconds, WALL_FACTOR * cpu + WALL_MARGIN)
        return Limits(round(cpu, 3), round(wall, 3), spec.memory_mb)

    def points_of(self, name: str) -> float:
        """What ``name`` is worth (1 when the solved notebook does not say)."""
        return self.points.get(name, 1.0)
