"""Realistic wrong implementations: each is caught with its own hint and costs only its function.

Hidden cases are drawn per submission: the in-process runs check every mistake against the cases
of several identities (the hint must not depend on one student's draw); ``dnnkit grade`` grades
each mutated notebook under its own identity.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from autograder.grading.inline import run_hidden_tests
from autograder.lessons.step_by_step.mistakes import MUTATIONS
from tests.helpers.in_process import mutated
from tests.helpers.submissions import failed, grade_catalogue

SECRET = b"lesson one's catalogue, a secret of its own"
IDENTITIES = ("", "alice", "2024-bob.ipynb")


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: m.slug)
def test_every_identitys_hidden_cases_catch_the_mistake_with_its_hint(mutation, identity) -> None:
    wrong = mutated("step_by_step", mutation)
    with np.errstate(all="ignore"), pytest.raises(AssertionError) as failure:
        run_hidden_tests("step_by_step", mutation.function, wrong, identity, SECRET)
    assert mutation.hint in str(failure.value)


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The solved notebook and every mutated one, graded by ``dnnkit grade`` in one batch."""
    return grade_catalogue(tmp_path_factory.mktemp("wrong"), "step_by_step", MUTATIONS)


def test_there_are_at_least_35_realistic_mistakes_covering_every_function(graded: dict) -> None:
    assert len(MUTATIONS) >= 35
    assert {m.function for m in MUTATIONS} == set(graded["solved"])


def test_the_solved_notebook_passes_everything(graded: dict) -> None:
    assert failed(graded["solved"]) == []


@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: m.slug)
def test_mistake_fails_only_its_own_function_with_the_right_hint(graded: dict, mutation) -> None:
    tests = graded[mutation.slug]
    assert failed(tests) == [mutation.function]
    feedback = tests[mutation.function].feedback
    assert mutation.hint in feedback
    assert tests[mutation.function].score == 0


@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: m.slug)
def test_feedback_never_prints_a_hidden_expected_value_in_full(graded: dict, mutation) -> None:
    """Full expected arrays appear only under documented cases; hidden cases show a few entries."""
    feedback = graded[mutation.slug][mutation.function].feedback
    for block in re.split(r"\n(?=\[)", feedback):
        if block.startswith("[hidden"):
            # an array's first entry after the bracket; "[... cut]" marks a shortened feedback
            assert not re.search(r"expected \[[\[\s\d-]", block), block


def test_a_function_saved_by_the_kits_helpers_is_told_which_own_helper_breaks_it(graded) -> None:
    """No cascade, but no silence either: the feedback names the student's broken helper."""
    tests = graded["forward_no_bias"]
    for caller in ("linear_activation_forward", "L_model_forward"):
        assert tests[caller].passed
        assert "With your own linear_forward this function would fail" in tests[caller].feedback
    assert "With your own" not in graded["solved"]["L_model_forward"].feedback
