"""A catalogue mistake as the nbgrader path meets it: the mutated cell run in this process.

Like a notebook kernel, the cell's source is registered in ``linecache`` under a ``<cell ...>``
name, so an error quotes the student's line (the crash hints match on it), as it does in Jupyter.
"""

from __future__ import annotations

import linecache
from collections.abc import Callable

from autograder.course.markers import graded_name
from autograder.course.notebooks import as_submission, cell_source, read_notebook
from autograder.course.paths import KIT
from autograder.grading.reference import load_reference, reference_sources
from autograder.lessons.mutations import Mutation, mutate


def mutated(assignment: str, mutation: Mutation) -> Callable:
    """The mutated graded function, beside the solved notebook's imports and other functions."""
    namespace: dict = {}
    exec(reference_sources(assignment)[0], namespace)
    namespace.update(vars(load_reference(assignment)))
    notebook = mutate(as_submission(read_notebook(KIT.solved_notebook(assignment))), mutation)
    (source,) = [
        cell_source(cell)
        for cell in notebook["cells"]
        if cell.get("cell_type") == "code" and graded_name(cell_source(cell)) == mutation.function
    ]
    filename = f"<cell {assignment}/{mutation.slug}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    exec(compile(source, filename, "exec"), namespace)
    return namespace[mutation.function]
