"""Hints that are right, on the lessons' real hidden tests (issue 11, item 2).

A squeezed ``db`` gets the keepdims hint and no generic one; two mistakes at once, one of them
shifted key names, get both hints; the loop that feeds dAL to every hidden layer and a model that
returns only its parameters get their own hints, and never the random-seed hint.
"""

from __future__ import annotations

import linecache
from collections.abc import Callable

import numpy as np
import pytest

from autograder.grading.inline import run_hidden_tests
from autograder.lessons.application.mistakes import BY_SLUG as APPLICATION
from autograder.lessons.digits.mistakes import BY_SLUG as DIGITS
from autograder.lessons.step_by_step.mistakes import BY_SLUG as STEP_BY_STEP
from tests.helpers.in_process import mutated

SECRET = b"hints that are right"
# support/compare.py's words for a failed `assert db.shape == b.shape`, the one keepdims hint
KEEPDIMS = "db must keep the column shape of b, (n, 1)"
SEED = "np.random.seed"


def feedback(assignment: str, name: str, function: Callable) -> str:
    """The hidden tests' feedback on ``function`` (it must fail)."""
    with np.errstate(all="ignore"), pytest.raises(AssertionError) as failure:
        run_hidden_tests(assignment, name, function, "alice", SECRET)
    return str(failure.value)


def hint_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("Hint: ")]


def cases(text: str) -> int:
    return sum(line.startswith("  - [") for line in text.splitlines())


def cell(source: str, name: str) -> Callable:
    """A function defined by a notebook cell: errors quote its lines, as in Jupyter."""
    filename = f"<cell {name}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    namespace: dict = {"np": np}
    exec(compile(source, filename, "exec"), namespace)
    return namespace[name]


# linear_backward written without keepdims and without the shape asserts
ONE_D_DB = """
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    return np.dot(W.T, dZ), np.dot(dZ, A_prev.T) / m, np.sum(dZ, axis=1) / m
"""
# np.squeeze on db, then the notebook's own shape assert
SQUEEZED_ASSERTED = """
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    db = np.squeeze(np.sum(dZ, axis=1, keepdims=True)) / m
    assert db.shape == b.shape
    return np.dot(W.T, dZ), np.dot(dZ, A_prev.T) / m, db
"""


@pytest.mark.parametrize("source", [ONE_D_DB, SQUEEZED_ASSERTED], ids=["1-D", "squeezed"])
def test_a_squeezed_db_gets_the_keepdims_hint_once_per_case_and_no_generic_hint(source) -> None:
    text = feedback("step_by_step", "linear_backward", cell(source, "linear_backward"))
    hints = hint_lines(text)
    assert sum(KEEPDIMS in hint for hint in hints) == cases(text) == 3, text
    assert len(hints) == cases(text), text  # nothing else follows the specific hint
    assert "transposed" not in text


@pytest.mark.parametrize(
    ("assignment", "slug"),
    [("step_by_step", "backward_db_squeezed"), ("digits", "backward_db_keepdims_lost")],
)
def test_a_lost_keepdims_in_the_catalogue_gets_only_the_keepdims_hint(assignment, slug) -> None:
    mutation = (STEP_BY_STEP | DIGITS)[slug]
    text = feedback(assignment, mutation.function, mutated(assignment, mutation))
    hints = hint_lines(text)
    assert hints, text
    assert all(KEEPDIMS in hint for hint in hints), text
    assert "transposed" not in text


@pytest.mark.parametrize(
    ("assignment", "slug", "also"),
    [
        ("step_by_step", "model_backward_dA_keys_shifted_and_dAL_sign", "SPEC erratum 1"),
        ("digits", "backward_dA_keys_shifted_and_dZ_sign", 'goes under "dA" + str(l - 1)'),
    ],
)
def test_a_mistake_on_top_of_shifted_keys_gets_both_hints(assignment, slug, also) -> None:
    mutation = (STEP_BY_STEP | DIGITS)[slug]
    hints = hint_lines(feedback(assignment, mutation.function, mutated(assignment, mutation)))
    assert any(mutation.hint in hint for hint in hints), hints
    assert any(also in hint for hint in hints), hints


def test_the_loop_feeding_dAL_to_every_hidden_layer_gets_its_own_hint() -> None:
    mutation = STEP_BY_STEP["model_backward_dAL_to_every_layer"]
    text = feedback("step_by_step", mutation.function, mutated("step_by_step", mutation))
    assert any("not dAL" in hint for hint in hint_lines(text)), text
    assert SEED not in text


@pytest.mark.parametrize(
    ("assignment", "slug", "convention"),
    [
        ("application", "two_layer_returns_parameters_only", "(parameters, costs)"),
        ("application", "deep_returns_parameters_only", "(parameters, costs)"),
        ("digits", "model_returns_parameters_only", "(parameters, costs, accuracies)"),
    ],
)
def test_a_model_returning_only_parameters_is_told_the_convention(
    assignment, slug, convention
) -> None:
    mutation = (APPLICATION | DIGITS)[slug]
    text = feedback(assignment, mutation.function, mutated(assignment, mutation))
    hints = hint_lines(text)
    assert any(f"return the tuple {convention}" in hint for hint in hints), text
    if assignment == "application":  # the original course's models returned parameters only
        assert any("older versions of the course" in hint for hint in hints), text
    assert SEED not in text  # the same dictionary twice is no sign of a missing seed
