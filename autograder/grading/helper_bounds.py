"""How large a call of the kit's helpers may be, decided from the job's own cases before any work.

A graded function calls the kit's helpers (``kit_helpers``) on values built from its case's
arguments: the case's arrays, intermediates such as ``Z = W @ A``, caches and parameter
dictionaries of every layer. Their dimensions are sizes the case holds: its arrays' dimensions and
its integers (``layer_dims``). The grader built the job's cases, so it bounds each call by them,
with no table per function (measured with the solved notebooks on lessons 1 and 3's cases: no
call holds a dimension over S, nor more than 2.5 N elements):

- every array dimension and every integer of the call is at most ``HEADROOM`` times the largest
  size S of the job's cases (and at least ``MIN_DIMENSION``);
- the call's arrays hold at most ``HEADROOM`` times (the elements N of the job's largest case
  plus S x S, the most an intermediate or a parameter has) elements in all (at least
  ``MIN_ELEMENTS``).

The floors keep clumsy but honest code passing (a flattened, stacked or transposed array) and cost
little: with every dimension at most D and E elements in all, a product the helper forms has at
most D x D elements and costs at most D x E multiplications (at the floors, 8 MB and 10^9). What is
left, an outer product of two long vectors in a lesson with large inputs, or work past a second,
meets the helper server's per-call memory and CPU limits.

Only the call's skeleton is read (``autograder.sandbox.transport``: the shapes of its array table
and the integers of its JSON), so checking copies no array.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograder.sandbox.channel import Frame

HEADROOM = 4
MIN_DIMENSION = 1_024
MIN_ELEMENTS = 1 << 20  # 8 MB of float64
UNREADABLE = "the call could not be read"


def _is_int(value: Any) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _case_sizes(args: Any) -> tuple[int, int]:
    """The largest size (array dimension or integer) among ``args``, and their arrays' elements."""
    largest, elements, stack = 0, 0, [args]
    while stack:
        value = stack.pop()
        if isinstance(value, np.ndarray):
            largest = max(largest, *value.shape, 0)
            elements += value.size
        elif _is_int(value):
            largest = max(largest, abs(int(value)))
        elif isinstance(value, list | tuple):
            stack.extend(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
    return largest, elements


@dataclass(frozen=True)
class CallBounds:
    """The largest dimension (or integer) and the most array elements one helper call may hold."""

    dimension: int
    elements: int

    @classmethod
    def of_cases(cls, cases: Iterable[tuple]) -> CallBounds:
        """The bounds for a job whose cases have these arguments."""
        sizes = [_case_sizes(args) for args in cases]
        largest = max((size for size, _ in sizes), default=0)
        most = max((elements for _, elements in sizes), default=0)
        return cls(
            max(MIN_DIMENSION, HEADROOM * largest),
            max(MIN_ELEMENTS, HEADROOM * (most + largest * largest)),
        )

    def breach(self, request: Frame) -> str | None:
        """Why a call's arguments are over the bounds (or unreadable), None when they are within.

        The random state travelling with the call does not count: it is not an argument, and the
        server accepts only a valid one.
        """
        try:
            stored = json.loads(request.skeleton.decode())
            table = stored["arrays"]
            stack = [value for key, value in stored["value"]["__dict__"] if key != "rng"]
            elements = 0
            while stack:
                node = stack.pop()
                if isinstance(node, list):
                    stack.extend(node)
                elif isinstance(node, dict) and "__array__" in node:
                    shape = table[node["__array__"]][1]
                    if any(n > self.dimension for n in shape):
                        return f"an array of shape {tuple(shape)}, over {self.dimension} on an axis"
                    elements += math.prod(shape)
                elif isinstance(node, dict):
                    stack.extend(node.values())
                elif _is_int(node) and abs(node) > self.dimension:
                    return f"the number {node}, over {self.dimension}"
        except (ValueError, TypeError, KeyError, IndexError, RecursionError):
            return UNREADABLE
        if elements > self.elements:
            return f"arrays of {elements} numbers in all, over {self.elements}"
        return None
