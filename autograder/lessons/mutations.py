"""Realistic wrong submissions, made by editing a solved notebook the way students get it wrong.

A :class:`Mutation` rewrites one graded function with text replacements and names the hint the
grader must answer with. Each lesson's ``mistakes`` module lists its own; the tests grade every
one (it must fail only its own function, with that hint), and lesson 1's also feed the sample
submissions of ``dnnkit demo`` and the grading benchmark.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from autograder.course.markers import graded_name
from autograder.course.notebooks import cell_source


@dataclass(frozen=True)
class Mutation:
    """One typical mistake: text replacements in one graded cell, and the hint it must earn."""

    slug: str
    function: str
    replacements: tuple[tuple[str, str], ...]
    hint: str


def swap(first: str, second: str) -> tuple[tuple[str, str], ...]:
    """Replacements that exchange two pieces of text."""
    return ((first, "\0"), (second, first), ("\0", second))


def mutate(notebook: dict, mutation: Mutation) -> dict:
    """Apply one mutation to a copy of a notebook; every replacement must apply."""
    mutated = copy.deepcopy(notebook)
    for cell in mutated["cells"]:
        if cell.get("cell_type") == "code" and graded_name(cell_source(cell)) == mutation.function:
            source = cell_source(cell)
            for old, new in mutation.replacements:
                if old not in source:
                    raise ValueError(
                        f"{mutation.slug}: {old!r} not in the cell of {mutation.function}"
                    )
                source = source.replace(old, new)
            cell["source"] = source
            return mutated
    raise ValueError(f"{mutation.slug}: no graded cell for {mutation.function}")
