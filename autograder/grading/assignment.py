"""One assignment made ready to grade, once per batch rather than once per submission.

Loading hidden tests, the solved notebook's code and points, and computing every case's expected
output costs far more than grading one function; a batch of submissions shares it.
"""

from __future__ import annotations

import ast
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from autograder.course.notebooks import MAX_PARSED_CHARS, NotebookError, parse_python
from autograder.course.secret import course_secret
from autograder.grading.cases import GLOBAL_RANDOM_LOCK, PreparedCase, prepared_cases
from autograder.grading.reference import load_reference, reference_sources
from autograder.grading.schema import GradedFunction, load_hidden_tests
from autograder.sandbox.protocol import FIRST_SEED, Limits


@lru_cache(maxsize=4096)  # a submission asks for each of its cells' names many times over
def used_names(source: str) -> frozenset[str]:
    """Names a cell uses (called, or passed on as values, as in ``{"softmax": softmax}``); the
    whole text's words if the cell does not parse, or is too long to parse without stalling the
    grader (``MAX_PARSED_CHARS``)."""
    tree = parse_python(source) if len(source) <= MAX_PARSED_CHARS else None
    if tree is None:
        return _words(source)
    return frozenset(node.id for node in ast.walk(tree) if isinstance(node, ast.Name))


_WORD, _NOT_WORD = re.compile(r"\w+"), re.compile(r"\W")
WORDS_CHUNK = 65_536  # characters scanned per regex call: other threads get the GIL in between


def _words(source: str) -> frozenset[str]:
    """Every word of the text, scanned in chunks cut between words (one scan of 20 MB holds the
    GIL for seconds)."""
    words: set[str] = set()
    start = 0
    while start < len(source):
        cut = _NOT_WORD.search(source, min(len(source), start + WORDS_CHUNK))
        end = cut.start() if cut else len(source)
        words.update(_WORD.findall(source, start, end))
        start = end + 1
    return frozenset(words)


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
# its namespace and runs case 0 twice) + a share per call of the kit's helpers (a round trip:
# encoding in the child, the helper server); wall = factor x CPU + margin + a share per call
# (the grader relays each call; a busy machine). The hidden test's own limits stay the ceiling.
# The wall factor is the number of jobs per core (grade_paths runs three sandboxes per core): a
# compute-bound job sharing its core that way still reaches its CPU limit before its wall limit.
# Time spent waiting for the grader is not counted at all (autograder.sandbox.pool.Waits): it is
# credited up to the hidden test's wall_seconds or WAIT_CREDIT, the larger (a batch beside the
# heaviest notebooks the opener accepts starves grading threads of the GIL for seconds).
CPU_FLOOR, CPU_FACTOR, CPU_PER_CALL = 0.15, 25.0, 0.002
WAIT_CREDIT = 10.0
JOBS_PER_CORE = 3
WALL_FACTOR, WALL_MARGIN, WALL_PER_CALL = float(JOBS_PER_CORE), 0.1, 0.02
CALLS_FACTOR = 2  # case 0 runs twice, and a student's loop may call a helper more often


@dataclass(frozen=True)
class ReferenceRun:
    """What the reference costs on a function's cases: CPU seconds, calls of the kit's helpers."""

    seconds: float
    helper_calls: int


def _reference_run(
    assignment_id: str, name: str, helpers: list[str], secret: bytes
) -> ReferenceRun:
    """Run the reference on ``name``'s cases as the sandbox will, counting its helper calls."""
    reference = getattr(load_reference(assignment_id), name)
    cases = prepared_cases(assignment_id, name, "", secret)
    namespace = reference.__globals__  # where the reference looks its helpers up
    calls = [0]

    def counting(function: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any, **kwargs: Any) -> Any:
            calls[0] += 1
            return function(*args, **kwargs)

        return counted

    originals = {helper: namespace[helper] for helper in helpers if helper in namespace}
    with GLOBAL_RANDOM_LOCK:
        namespace.update({helper: counting(function) for helper, function in originals.items()})
        try:
            start = time.process_time()
            for prepared in cases:
                np.random.seed(FIRST_SEED)
                reference(*prepared.fresh_args())
            seconds = time.process_time() - start
        finally:
            namespace.update(originals)
    return ReferenceRun(seconds, calls[0])


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
    # What the reference costs on each function's cases (their fixed draw), measured here.
    reference_runs: dict[str, ReferenceRun]

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
        runs = {
            name: _reference_run(assignment_id, name, kit_helpers[name], secret) for name in names
        }
        return cls(assignment_id, specs, imports, references, points, secret, kit_helpers, runs)

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
        spec, run = self.specs[name], self.reference_runs[name]
        calls = CALLS_FACTOR * run.helper_calls
        cpu = min(spec.cpu_seconds, CPU_FLOOR + CPU_FACTOR * run.seconds + CPU_PER_CALL * calls)
        wall = min(spec.wall_seconds, WALL_FACTOR * cpu + WALL_MARGIN + WALL_PER_CALL * calls)
        return Limits(
            round(cpu, 3),
            round(wall, 3),
            spec.memory_mb,
            credit_seconds=max(spec.wall_seconds, WAIT_CREDIT),
        )

    def points_of(self, name: str) -> float:
        """What ``name`` is worth (1 when the solved notebook does not say)."""
        return self.points.get(name, 1.0)
