"""The helper server's answers: the global random state travels only when a helper drew numbers."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from autograder.grading.kit_helpers import Answerer, same_state
from autograder.sandbox.protocol import HelperCall, HelperReply


def _draws(n: int) -> np.ndarray:
    return np.random.rand(n)


def _doubles(x: float) -> float:
    return 2 * x


KIT = SimpleNamespace(draws=_draws, doubles=_doubles)


def _call(answerer: Answerer, name: str, args: list, state: tuple) -> HelperReply:
    request = HelperCall(name, tuple(args), {}, state).to_frame()
    return HelperReply.from_frame(answerer.answer(request))


def test_a_helper_that_draws_sends_the_state_back_and_one_that_does_not_keeps_it() -> None:
    answerer = Answerer(KIT)
    np.random.seed(1)
    state = np.random.get_state()
    expected = np.random.rand(3)
    drew = _call(answerer, "draws", [3], state)
    assert np.array_equal(drew.value, expected)
    assert same_state(drew.rng, np.random.get_state())
    assert _call(answerer, "doubles", [2.0], drew.rng).rng is None


def test_the_same_state_twice_draws_the_same_numbers() -> None:
    """The server's own state moved on after the first call: the second one must set it again."""
    answerer = Answerer(KIT)
    np.random.seed(7)
    state = np.random.get_state()
    first = _call(answerer, "draws", [4], state).value
    second = _call(answerer, "draws", [4], state).value
    assert np.array_equal(first, second)


def test_a_malformed_state_is_refused_and_forgotten() -> None:
    answerer = Answerer(KIT)
    reply = _call(answerer, "draws", [1], ("MT19937", np.zeros(3, np.uint32), 0, 0, 0.0))
    assert reply.error is not None
    assert answerer.state is None
    assert not same_state(("MT19937",), np.random.get_state())
