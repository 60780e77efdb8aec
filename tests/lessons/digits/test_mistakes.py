"""Lesson 3's catalogue of realistic mistakes: each is caught with its own hint, and costs only
its own function, both in process (the nbgrader path) and through ``dnnkit grade``'s sandbox."""

from __future__ import annotations

import pytest

from autograder.grading.inline import run_hidden_tests
from autograder.lessons.digits.mistakes import BY_SLUG, MUTATIONS
from tests.helpers.digits import NAMES
from tests.helpers.in_process import mutated
from tests.helpers.submissions import failed, grade_catalogue

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # nan from the mistakes

# Hidden cases are drawn per submission: each mistake must earn its hint on every student's cases.
SECRET = b"lesson three's catalogue, its own secret"
IDENTITIES = ("", "alice", "2024-bob.ipynb")


def test_the_catalogue_has_at_least_15_mistakes_covering_every_function():
    assert len(MUTATIONS) >= 15
    assert {m.function for m in MUTATIONS} == set(NAMES)
    assert sorted(BY_SLUG) == sorted(m.slug for m in MUTATIONS)


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: m.slug)
def test_hidden_tests_fail_the_mistake_with_its_hint(mutation, identity):
    wrong = mutated("digits", mutation)
    with pytest.raises(AssertionError) as failure:
        run_hidden_tests("digits", mutation.function, wrong, identity, SECRET)
    feedback = str(failure.value)
    hints = [line for line in feedback.splitlines() if "Hint: " in line]
    assert any(mutation.hint in line for line in hints), feedback


# ---------------------------------------------------------------- end to end, sandboxed


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The solved notebook and every mutated one, graded by ``dnnkit grade`` in one batch."""
    return grade_catalogue(tmp_path_factory.mktemp("digits_mistakes"), "digits", MUTATIONS)


def test_dnnkit_grade_passes_the_solved_notebook(graded):
    tests = graded["solved"]
    assert sorted(tests) == sorted(NAMES)
    assert failed(tests) == []
    assert all(test.score == test.max_score > 0 for test in tests.values())


@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: m.slug)
def test_dnnkit_grade_fails_only_the_mistaken_function_with_its_hint(graded, mutation):
    tests = graded[mutation.slug]
    assert failed(tests) == [mutation.function]
    result = tests[mutation.function]
    assert result.score == 0
    assert mutation.hint in result.feedback, result.feedback
