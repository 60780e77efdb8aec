"""Frames on a stream socket: how the grader, a sandboxed child and the helper server talk.

A frame is a fixed 12-byte header (three big-endian lengths), a small JSON head saying what the
message is, and a value encoded by ``autograder.sandbox.transport`` (a JSON skeleton and the raw
bytes of its arrays). The reader checks every length against a cap *before* reading, so a hostile
writer can make the reader wait (bounded by a deadline) or fail, never allocate without bound.
"""

from __future__ import annotations

import json
import socket
import struct
import time
from dataclasses import dataclass
from typing import Any

from autograder.sandbox import transport

HEADER = struct.Struct(">III")
MAX_HEAD_BYTES = 4_096
JOIN_BYTES = 1_000_000  # a frame with at most this many array bytes is written at once


class ChannelError(ConnectionError):
    """The other side sent something that is not a well-formed frame within the limits."""


@dataclass(frozen=True)
class Frame:
    """One message: its head (what it is) and its value, still encoded."""

    head: dict
    skeleton: bytes = b""
    raw: bytes = b""

    @property
    def kind(self) -> str:
        return str(self.head.get("kind", ""))

    @property
    def size(self) -> int:
        return len(self.skeleton) + len(self.raw)

    def value(self) -> Any:
        """Decode the value (bounded by the transport's caps); None when the frame has none."""
        if not self.skeleton:
            return None
        return transport.decode(self.skeleton, self.raw)


def frame(head: dict, value: Any = None, *, has_value: bool = False) -> Frame:
    """Build a frame; ``value`` is encoded only when given (or ``has_value`` says None is meant)."""
    if value is None and not has_value:
        return Frame(head)
    skeleton, raw = transport.encode(value)
    return Frame(head, skeleton, raw)


def send(sock: socket.socket, message: Frame) -> None:
    """Write one frame (blocking), in one system call unless its arrays are large.

    One write per frame wakes the reader once: a frame written piece by piece costs a wake-up and
    a read per piece on the other side.
    """
    head = json.dumps(message.head).encode()
    header = HEADER.pack(len(head), len(message.skeleton), len(message.raw))
    if len(message.raw) <= JOIN_BYTES:
        sock.sendall(b"".join((header, head, message.skeleton, message.raw)))
    else:  # no copy of large arrays: the child's address space is capped
        sock.sendall(b"".join((header, head, message.skeleton)))
        sock.sendall(message.raw)


def _read_exactly(sock: socket.socket, count: int, deadline: float | None) -> bytearray | None:
    """``count`` bytes, or None on a clean end of stream before the first byte."""
    buffer = bytearray(count)
    view, done = memoryview(buffer), 0
    while done < count:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no complete message before the deadline")
            sock.settimeout(left)
        received = sock.recv_into(view[done:], count - done)
        if received == 0:
            if done == 0:
                return None
            raise ChannelError("the message stopped in the middle")
        done += received
    return buffer


def receive(
    sock: socket.socket,
    deadline: float | None = None,
    max_value_bytes: int = transport.MAX_DATA_BYTES,
) -> Frame | None:
    """Read one frame, or None when the other side closed the socket between frames.

    Raises ChannelError for a malformed or oversized frame and TimeoutError past ``deadline``
    (a ``time.monotonic()`` instant).
    """
    header = _read_exactly(sock, HEADER.size, deadline)
    if header is None:
        return None
    head_size, skeleton_size, raw_size = HEADER.unpack(header)
    if head_size > MAX_HEAD_BYTES or skeleton_size > transport.MAX_JSON_BYTES:
        raise ChannelError("message head or skeleton too large")
    if raw_size > max_value_bytes:
        raise ChannelError(f"message of {raw_size} bytes is over the limit of {max_value_bytes}")
    body = _read_exactly(sock, head_size + skeleton_size + raw_size, deadline)
    if body is None:
        raise ChannelError("the message stopped in the middle")
    view = memoryview(body)
    head_bytes = bytes(view[:head_size])
    skeleton = bytes(view[head_size : head_size + skeleton_size])
    raw = bytes(view[head_size + skeleton_size :]) if raw_size else b""
    try:
        head = json.loads(head_bytes) if head_bytes else {}
    except (ValueError, RecursionError) as error:
        raise ChannelError("message head is not JSON") from error
    if not isinstance(head, dict):
        raise ChannelError("message head is not an object")
    return Frame(head, skeleton, raw)
