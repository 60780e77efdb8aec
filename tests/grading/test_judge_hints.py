"""The judge's hints are right: the rerun hint only when two runs really differ in value, and
mistake recipes still recognised when the output's key names are shifted or differently cased."""

from __future__ import annotations

import numpy as np

from autograder.grading.judge import judge
from autograder.grading.schema import GradedFunction, HiddenCase, Mistake, Outcome

SEED_HINT = "np.random.seed"
CASE = HiddenCase("hidden: a case", lambda: (np.array([[1.0, -2.0]]),))
PAIR = GradedFunction(outputs=("parameters", "costs"), cases=(CASE,))
EXPECTED = ({"W1": np.array([[0.5, 0.25]])}, [0.7, 0.6])


def hints(spec: GradedFunction, got: object, rerun: object, expected: object = EXPECTED) -> list:
    """The hints the judge gives for ``got`` when the rerun of case 0 returned ``rerun``."""
    outcome = Outcome(value=got, reran=rerun is not None, rerun_value=rerun)
    failure = judge(spec, CASE, CASE.args(), expected, outcome, None)
    return [] if failure is None else list(failure.hints)


def test_a_wrong_structure_returned_the_same_way_twice_gets_no_seed_hint() -> None:
    only_parameters = {"W1": np.array([[0.5, 0.25]])}
    assert not any(SEED_HINT in h for h in hints(PAIR, only_parameters, dict(only_parameters)))


def test_a_tuple_of_the_wrong_length_returned_the_same_way_twice_gets_no_seed_hint() -> None:
    three = ({"W1": np.array([[0.5, 0.25]])}, [0.7, 0.6], [1.0])
    same = ({"W1": np.array([[0.5, 0.25]])}, [0.7, 0.6], [1.0])
    assert not any(SEED_HINT in h for h in hints(PAIR, three, same))


def test_the_same_nan_twice_is_not_a_difference() -> None:
    nan = ({"W1": np.array([[np.nan, 0.25]])}, [float("nan"), 0.6])
    same = ({"W1": np.array([[np.nan, 0.25]])}, [float("nan"), 0.6])
    assert not any(SEED_HINT in h for h in hints(PAIR, nan, same))


def test_two_runs_that_differ_in_value_get_the_seed_hint() -> None:
    first = ({"W1": np.array([[0.5, 0.25]])}, [0.7, 0.6])
    second = ({"W1": np.array([[0.51, 0.25]])}, [0.7, 0.6])
    assert any(SEED_HINT in h for h in hints(PAIR, first, second))
    # the same for a wrong structure whose values differ between the two runs
    assert any(SEED_HINT in h for h in hints(PAIR, {"W1": 1.0}, {"W1": 2.0}))


# ------------------------------------------------------------------ recipes under shifted keys

X = np.array([[1.0, -2.0]])
GRADS = GradedFunction(
    outputs="grads",
    cases=(CASE,),
    mistakes=(Mistake("check its sign", output=lambda _ref, x: {"dA0": -x, "dW1": -2 * x}),),
)
RIGHT = {"dA0": X, "dW1": 2 * X}


def test_a_recipe_is_recognised_on_top_of_keys_shifted_by_one() -> None:
    shifted_and_negated = {"dA1": -X, "dW1": -2 * X}
    assert "check its sign" in hints(GRADS, shifted_and_negated, None, RIGHT)


def test_a_recipe_is_recognised_on_top_of_differently_cased_keys() -> None:
    cased_and_negated = {"da0": -X, "DW1": -2 * X}
    assert "check its sign" in hints(GRADS, cased_and_negated, None, RIGHT)
