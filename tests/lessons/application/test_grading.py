"""Lesson 2's catalogue of realistic mistakes, graded in process and by ``dnnkit grade``.

The solution scores full marks, and each mistake fails only its own function, with its hint.
The hidden cases train on tiny data, so grading a submission takes a fraction of a second of
compute even though the notebook itself trains for thousands of iterations (those cells never run
at grading time).
"""

from __future__ import annotations

import pytest

from autograder.grading.inline import run_hidden_tests
from autograder.lessons.application.mistakes import BY_SLUG, MUTATIONS
from tests.helpers.in_process import mutated
from tests.helpers.submissions import failed, grade_catalogue

FUNCTIONS = ("two_layer_model", "L_layer_model")
# Hidden cases are drawn per submission: each mistake must earn its hint on every student's cases.
SECRET = b"lesson two's catalogue, its own secret"
IDENTITIES = ("", "alice")


def test_the_catalogue_has_at_least_ten_mistakes_covering_both_models():
    assert len(MUTATIONS) >= 10
    assert {m.function for m in MUTATIONS} == set(FUNCTIONS)
    assert sorted(BY_SLUG) == sorted(m.slug for m in MUTATIONS)


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: m.slug)
def test_hidden_tests_fail_the_mistake_with_its_hint(mutation, identity, capsys):
    wrong = mutated("application", mutation)
    with pytest.raises(AssertionError) as failure:
        run_hidden_tests("application", mutation.function, wrong, identity, SECRET)
    hints = [line for line in str(failure.value).splitlines() if "Hint: " in line]
    assert any(mutation.hint in line for line in hints), str(failure.value)
    assert "all hidden tests passed" not in capsys.readouterr().out


# ---------------------------------------------------------------- end to end, sandboxed


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The solved notebook and every mutated one, graded by ``dnnkit grade`` in one batch."""
    directory = tmp_path_factory.mktemp("application_mistakes")
    return grade_catalogue(directory, "application", MUTATIONS)


def test_dnnkit_grade_gives_the_solution_full_marks(graded):
    tests = graded["solved"]
    assert sorted(tests) == sorted(FUNCTIONS)
    assert failed(tests) == []
    points = [test.score for test in tests.values()]
    assert points == [test.max_score for test in tests.values()] == [2, 2]  # the test cells' points


@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: m.slug)
def test_dnnkit_grade_fails_only_the_mistaken_function_with_its_hint(graded, mutation):
    tests = graded[mutation.slug]
    assert failed(tests) == [mutation.function]
    assert tests[mutation.function].score == 0
    assert mutation.hint in tests[mutation.function].feedback, tests[mutation.function].feedback
