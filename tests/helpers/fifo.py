"""Calling something that might block on a FIFO, without letting the test hang."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest


def without_blocking(fifo: Path, call: Callable[[], object]) -> object:
    """What ``call`` returns or raises; fail, instead of hanging, if it blocks on ``fifo``."""
    outcome: list = []

    def run() -> None:
        try:
            outcome.append(call())
        except Exception as error:
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=10)
    if thread.is_alive():  # open the writing end to release the reader, then fail
        with open(fifo, "wb"):
            pass
        thread.join(timeout=10)
        pytest.fail(f"blocked waiting for a writer on the FIFO {fifo.name}")
    return outcome[0]
