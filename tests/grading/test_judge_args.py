"""Whether a function changed its inputs is decided in the grader: the child sends the arguments
back as the call left them (``Outcome.args_after``) and the judge compares them with its own fresh
copy, exactly.

Nothing computed where the student's code ran (a fingerprint, a flag) is trusted any more; what
comes back is plain data, compared structure by structure, dtype by dtype, byte by byte.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from autograder.grading.cases import PreparedCase, run_in_process
from autograder.grading.judge import judge
from autograder.grading.schema import GradedFunction, HiddenCase, Outcome
from autograder.sandbox import transport

ARGS = (
    {"W1": np.array([[1.0, 2.0], [3.0, np.nan]]), "b1": np.zeros((2, 1))},
    [np.arange(3), (np.float64(0.5), "relu"), float("nan")],
    7,
    None,
)
CASE = HiddenCase("hidden: args", lambda: copy.deepcopy(ARGS))
SPEC = GradedFunction(outputs="out", cases=(CASE,))
CHANGED = "was changed in place"


def problems_for(after: tuple | None, spec: GradedFunction = SPEC) -> list[str]:
    """The judge's problems for a right output whose arguments came back as ``after``."""
    failure = judge(spec, CASE, CASE.args(), 1.0, Outcome(value=1.0, args_after=after), None)
    return [] if failure is None else list(failure.problems)


def changed_arguments(after: tuple | None, spec: GradedFunction = SPEC) -> list[int]:
    """The 1-based positions the judge says were changed."""
    return [int(problem.split()[1]) for problem in problems_for(after, spec) if CHANGED in problem]


def after(change) -> tuple:
    """A fresh copy of the arguments with ``change`` applied to it, as a child would send it."""
    args = list(copy.deepcopy(ARGS))
    change(args)
    return tuple(args)


def test_arguments_that_came_back_unchanged_pass_nan_included() -> None:
    assert problems_for(copy.deepcopy(ARGS)) == []


def test_arguments_that_travelled_through_the_transport_unchanged_pass() -> None:
    skeleton, raw = transport.encode({"args_after": list(copy.deepcopy(ARGS))})
    back = transport.decode(skeleton, raw)["args_after"]
    assert problems_for(tuple(back)) == []


def test_no_arguments_sent_back_means_nothing_to_check() -> None:
    assert problems_for(None) == []


def set_entry(args: list) -> None:
    args[0]["W1"][0, 1] = 2.0 + 1e-12


def cast_to_int64(args: list) -> None:
    args[0]["b1"] = args[0]["b1"].astype(np.int64)  # zeros: the very same bytes


def reshape(args: list) -> None:
    args[0]["b1"] = args[0]["b1"].reshape(1, 2)  # the very same bytes


def add_key(args: list) -> None:
    args[0]["W2"] = np.ones(1)


def rename_key(args: list) -> None:
    args[0]["b2"] = args[0].pop("b1")


def list_to_tuple(args: list) -> None:
    args[1] = tuple(args[1])


def append(args: list) -> None:
    args[1].append(1)


def scalar_to_array(args: list) -> None:
    args[1][1] = (np.array(0.5), "relu")


def nan_to_number(args: list) -> None:
    args[1][2] = 0.0


def change_string(args: list) -> None:
    args[1][1] = (np.float64(0.5), "sigmoid")


def int_to_float(args: list) -> None:
    args[2] = 7.0


def int_to_array(args: list) -> None:
    args[2] = np.array(7)


def none_to_zero(args: list) -> None:
    args[3] = 0


@pytest.mark.parametrize(
    ("change", "position"),
    [
        (set_entry, 1),
        (cast_to_int64, 1),
        (reshape, 1),
        (add_key, 1),
        (rename_key, 1),
        (list_to_tuple, 2),
        (append, 2),
        (scalar_to_array, 2),
        (change_string, 2),
        (nan_to_number, 2),
        (int_to_float, 3),
        (int_to_array, 3),
        (none_to_zero, 4),
    ],
)
def test_any_exact_difference_names_the_changed_argument(change, position: int) -> None:
    assert changed_arguments(after(change)) == [position]


def test_an_argument_the_function_may_change_is_not_reported() -> None:
    spec = GradedFunction(outputs="out", cases=(CASE,), modifies=frozenset({0}))
    assert changed_arguments(after(set_entry), spec) == []
    assert changed_arguments(after(append), spec) == [2]


def test_arguments_missing_from_what_came_back_count_as_changed() -> None:
    assert changed_arguments(copy.deepcopy(ARGS[:2])) == [3, 4]
    assert changed_arguments(()) == [1, 2, 3, 4]


def test_extra_items_sent_back_are_ignored() -> None:
    assert changed_arguments((*copy.deepcopy(ARGS), "extra")) == []


def test_a_huge_value_sent_back_in_place_of_an_argument_is_judged_at_once() -> None:
    # Comparison walks the grader's copy: what came back is never walked past the first mismatch.
    huge = {f"k{n}": [[0] * 10] * 10 for n in range(10_000)}
    assert changed_arguments((huge, huge, huge, huge)) == [1, 2, 3, 4]


def test_the_in_process_path_sends_the_arguments_as_the_call_left_them() -> None:
    prepared = PreparedCase(CASE, CASE.args(), None)

    def scales_its_input(parameters: dict, *_rest) -> float:
        parameters["W1"] *= 2
        return 1.0

    outcome = run_in_process(scales_its_input, prepared, rerun=False)
    assert outcome.args_after is not None
    np.testing.assert_array_equal(outcome.args_after[0]["W1"], ARGS[0]["W1"] * 2)
    assert changed_arguments(outcome.args_after) == [1]
    np.testing.assert_array_equal(prepared.args[0]["W1"], ARGS[0]["W1"])  # stored copy intact
