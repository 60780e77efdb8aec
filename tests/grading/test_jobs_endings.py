"""Every way a sandboxed child can end is said in words, never raised as a grader failure.

A child can kill itself with any signal, real-time ones included (``os.kill(os.getpid(),
signal.SIGRTMIN + 3)``), which ``signal.Signals`` has no member for.
"""

from __future__ import annotations

import signal

import pytest

from autograder.grading.jobs import describe_ending
from autograder.sandbox.protocol import Ending, Limits

LIMITS = Limits(cpu_seconds=1.5, wall_seconds=3.0)


def ending(code: int, timed_out: bool = False) -> str:
    return describe_ending(Ending(code, timed_out, 0.1, 0.1), LIMITS)


def test_a_real_time_signal_is_named_from_sigrtmin() -> None:
    assert ending(-(signal.SIGRTMIN + 3)) == (
        f"crashed (real-time signal SIGRTMIN+3, number {signal.SIGRTMIN + 3})"
    )


@pytest.mark.parametrize("number", range(1, 200))
def test_every_signal_number_gets_a_sentence(number: int) -> None:
    text = ending(-number)
    assert text.startswith(("crashed (", "used more than", "printed or wrote"))


def test_an_unknown_signal_number_says_so() -> None:
    assert ending(-150) == "crashed (unknown signal number 150)"


def test_named_signals_keep_their_names() -> None:
    assert ending(-signal.SIGSEGV) == "crashed (signal SIGSEGV)"
    assert ending(-signal.SIGKILL) == "crashed (signal SIGKILL)"
    assert ending(-signal.SIGXCPU) == "used more than 1.5 s of CPU time (an infinite loop?)"


def test_timeouts_and_exit_codes_keep_their_sentences() -> None:
    assert ending(0, timed_out=True) == "did not finish within 3 s (an infinite loop?)"
    assert ending(3).startswith("stopped the grading process (exit code 3)")
