"""Helpers for the grading tests: build submissions from the solved notebook and grade them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

from autograder.course.markers import graded_name
from autograder.course.notebooks import as_submission, cell_source, read_notebook
from autograder.course.paths import KIT
from autograder.grading.reference import load_reference, reference_sources
from autograder.grading.results import FunctionResult, SubmissionResult
from autograder.lessons.mutations import Mutation, mutate
from tests.helpers.grading_runs import grade_shared

ASSIGNMENT = "step_by_step"


def solved_submission(assignment: str = ASSIGNMENT) -> dict:
    """The solved notebook as a student would submit it (hidden test blocks removed)."""
    return as_submission(read_notebook(KIT.solved_notebook(assignment)))


def graded_cell(notebook: dict, function: str) -> dict:
    """The code cell of one graded function."""
    for cell in notebook["cells"]:
        if cell.get("cell_type") == "code" and graded_name(cell_source(cell)) == function:
            return cell
    raise KeyError(function)


def with_cell(notebook: dict, function: str, source: str) -> dict:
    """A copy of a notebook whose graded cell for ``function`` holds ``source`` instead."""
    copy = json.loads(json.dumps(notebook))
    graded_cell(copy, function)["source"] = source
    return copy


def write(directory: Path, name: str, notebook: dict | str) -> Path:
    """Write a notebook (or raw text) as ``<name>.ipynb``."""
    path = directory / f"{name}.ipynb"
    path.write_text(notebook if isinstance(notebook, str) else json.dumps(notebook))
    return path


def grade_all(
    paths: list[Path], assignment: str = ASSIGNMENT
) -> dict[str, dict[str, FunctionResult]]:
    """Grade submissions in one batch (with the session's grading run of ``assignment``); map
    submission stem -> function name -> result."""
    results: list[SubmissionResult] = grade_shared(paths, assignment)
    return {
        Path(result.submission).stem: {test.name: test for test in result.tests}
        for result in results
    }


def failed(tests: dict) -> list[str]:
    """Names of the functions that did not pass."""
    return [name for name, test in tests.items() if not test.passed]


def grade_catalogue(
    directory: Path, assignment: str, mutations: Iterable[Mutation]
) -> dict[str, dict[str, FunctionResult]]:
    """The solved notebook ("solved") and each mutation of it (by slug), graded in one batch."""
    solved = solved_submission(assignment)
    paths = [write(directory, "solved", solved)]
    paths += [write(directory, m.slug, mutate(solved, m)) for m in mutations]
    return grade_all(paths, assignment)


def reference_namespace(assignment: str) -> dict:
    """The solved notebook's imports and graded functions, as a student's cell would see them."""
    namespace: dict = {}
    exec(reference_sources(assignment)[0], namespace)
    namespace.update(vars(load_reference(assignment)))
    return namespace


def mutated_function(assignment: str, mutation: Mutation) -> Callable:
    """The mutated graded cell, run beside the solved notebook's imports and other functions."""
    namespace = reference_namespace(assignment)
    notebook = mutate(solved_submission(assignment), mutation)
    exec(cell_source(graded_cell(notebook, mutation.function)), namespace)
    return namespace[mutation.function]
