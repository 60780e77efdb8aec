"""One assignment made ready to grade, once per batch rather than once per submission.

Loading hidden tests, the solved notebook's code and points, and computing every case's expected
output costs far more than grading one function; a batch of submissions shares it.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from autograder.course.notebooks import NotebookError
from autograder.grading.cases import PreparedCase, prepared_cases
from autograder.grading.reference import reference_sources
from autograder.grading.schema import GradedFunction, load_hidden_tests
from autograder.sandbox.protocol import Limits


def called_names(source: str) -> set[str]:
    """Names a cell calls (``f(...)``); the whole text's words if the cell does not parse."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set(re.findall(r"\w+", source))
    calls = (node.func for node in ast.walk(tree) if isinstance(node, ast.Call))
    return {func.id for func in calls if isinstance(func, ast.Name)}


def helpers_of(name: str, sources: dict[str, str], names: list[str]) -> list[str]:
    """The other graded functions ``name`` calls, directly or through each other, in order."""
    found: list[str] = []
    pending = [name]
    while pending:
        calls = called_names(sources.get(pending.pop(), ""))
        for other in names:
            if other != name and other not in found and other in calls:
                found.append(other)
                pending.append(other)
    return found


@dataclass
class Assignment:
    """What grading one assignment needs: hidden tests, the kit's code, points, prepared cases."""

    assignment_id: str
    specs: dict[str, GradedFunction]
    imports: str
    references: dict[str, str]
    points: dict[str, float]
    cases: dict[str, tuple[PreparedCase, ...]]
    # The kit's helpers each function may call from the sandbox: its callees in the reference,
    # transitively (run by the helper server, never in the child).
    kit_helpers: dict[str, list[str]]

    @classmethod
    def load(cls, assignment_id: str) -> Assignment:
        specs = load_hidden_tests(assignment_id)
        imports, references, points = reference_sources(assignment_id)
        missing = [name for name in specs if name not in references]
        if missing:
            raise NotebookError(f"the solved notebook of {assignment_id} lacks cells for {missing}")
        cases = {name: prepared_cases(assignment_id, name) for name in specs}
        names = list(specs)
        kit_helpers = {name: helpers_of(name, references, names) for name in names}
        return cls(assignment_id, specs, imports, references, points, cases, kit_helpers)

    @property
    def names(self) -> list[str]:
        """The graded functions, in the order of the hidden tests."""
        return list(self.specs)

    def limits(self, name: str) -> Limits:
        """The resources one sandboxed run of ``name`` may use."""
        spec = self.specs[name]
        return Limits(spec.cpu_seconds, spec.wall_seconds, spec.memory_mb)

    def points_of(self, name: str) -> float:
        """What ``name`` is worth (1 when the solved notebook does not say)."""
        return self.points.get(name, 1.0)
