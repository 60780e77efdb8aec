"""Frames on the job's socket: what a hostile child can send the grader, and what it gets."""

from __future__ import annotations

import json
import socket
import struct
import threading
import time

import numpy as np
import pytest

from autograder.sandbox import channel
from autograder.sandbox.channel import ChannelError


@pytest.fixture
def pair() -> tuple[socket.socket, socket.socket]:
    ours, theirs = socket.socketpair()
    yield ours, theirs
    ours.close()
    theirs.close()


def test_a_value_crosses_intact(pair) -> None:
    ours, theirs = pair
    value = {"W1": np.arange(6.0).reshape(2, 3), "costs": [np.float64(0.5)], "name": "x"}
    channel.send(theirs, channel.frame({"kind": "outcome", "index": 2}, value))
    received = channel.receive(ours, time.monotonic() + 5)
    assert received.kind == "outcome"
    assert received.head["index"] == 2
    got = received.value()
    np.testing.assert_array_equal(got["W1"], value["W1"])
    assert got["costs"][0] == 0.5
    assert got["name"] == "x"


def test_an_announced_giant_is_refused_before_anything_is_read(pair) -> None:
    ours, theirs = pair
    theirs.sendall(struct.pack(">III", 10, 100, 2_000_000_000))
    with pytest.raises(ChannelError, match="over the limit"):
        channel.receive(ours, time.monotonic() + 5, max_value_bytes=1_000_000)


def test_a_head_of_brackets_is_a_channel_error_not_a_crash(pair) -> None:
    ours, theirs = pair
    head = b"[" * 4_000
    theirs.sendall(struct.pack(">III", len(head), 0, 0) + head)
    with pytest.raises(ChannelError):
        channel.receive(ours, time.monotonic() + 5)


def test_a_frame_cut_short_is_an_error_and_a_clean_end_is_none(pair) -> None:
    ours, theirs = pair
    theirs.sendall(struct.pack(">III", 2, 0, 0) + b"{")
    theirs.shutdown(socket.SHUT_WR)
    with pytest.raises(ChannelError, match="middle"):
        channel.receive(ours, time.monotonic() + 5)
    other, peer = socket.socketpair()
    peer.close()
    assert channel.receive(other, time.monotonic() + 5) is None
    other.close()


def test_a_silent_sender_meets_the_deadline(pair) -> None:
    ours, theirs = pair
    theirs.sendall(struct.pack(">III", 2, 0, 0))  # promises a head, never sends it
    start = time.monotonic()
    with pytest.raises(TimeoutError):
        channel.receive(ours, start + 0.3)
    assert time.monotonic() - start < 3


def test_a_slow_but_honest_sender_is_read_whole(pair) -> None:
    ours, theirs = pair
    message = channel.frame({"kind": "cell"}, {"error": None})
    head = json.dumps(message.head).encode()
    data = struct.pack(">III", len(head), len(message.skeleton), len(message.raw))

    def dribble() -> None:
        for byte in data + head + message.skeleton + message.raw:
            theirs.send(bytes([byte]))
            time.sleep(0.001)

    thread = threading.Thread(target=dribble)
    thread.start()
    received = channel.receive(ours, time.monotonic() + 10)
    thread.join()
    assert received.kind == "cell"
    assert received.value() == {"error": None}
