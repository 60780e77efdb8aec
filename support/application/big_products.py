"""Matrix products of a few rows by a huge matrix, kept fast whether or not the other core is free.

Lesson 2 multiplies 7 or 20 rows of weights (or of gradients) by the 12288 x m training set,
twice per iteration, 5000 iterations per notebook run: these products are nearly all of its
time. Two measures make them faster:

- **Rows padded to a multiple of four.** OpenBLAS works on the short side in blocks of four and
  eight rows; a leftover row or two falls to a slow edge kernel. Padding 7 rows with one row of
  zeros made both of the two-layer model's products about 1.35x faster on one thread here.
- **Threads chosen by measurement.** Two BLAS threads halve a product when both cores are free,
  but they wait for each other by spinning: when the other core is busy (another program, or a
  virtual machine's neighbours), the same product was seen to take three times as long as on one
  thread. :func:`dot` times each big product and keeps to the thread count that has been faster
  lately (:class:`ThreadChooser`), since the load changes while a model trains.

Neither measure changes a printed digit of the lesson. Padded products differ from unpadded ones in
the last bit only. Whether two threads give the same bits as one depends on the BLAS kernels (on
AVX-512 kernels a 20 x 12288 by 12288 x 209 product differs in its last column), so the first
multi-threaded product of each shape is checked against one thread, and a shape whose bits differ
stays on one thread for good: a run's numbers never depend on the machine's load. Small products
(and anything but two float64 matrices) go straight to :func:`numpy.dot` and never touch the BLAS
settings, so the tiny cases used for grading run anywhere.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from statistics import median

import numpy as np

# From this many multiply-adds on, a product is big enough for padding and threading to matter.
BIG_PRODUCT = 2_000_000
ROW_BLOCK = 4


class ThreadChooser:
    """Per product shape, one BLAS thread or all of them, whichever has been faster lately.

    One thread is timed first, ``window`` products, then all threads (the very first product of
    a shape is not timed: it pays for cold caches). All threads are kept only when clearly faster,
    by the factor ``margin``: their idle threads keep spinning for a moment after each product,
    which costs the rest of the program time that the product's own timing does not show. The
    count in use is timed on every product, so a slowdown shows at once. While on one thread, all
    threads get another try every ``retry_seconds``, to notice that the other core is free again;
    one-thread timings taken within ``settle_seconds`` of a multi-threaded product are not kept,
    since the spinning idle threads slow them down when no core is free for them.
    """

    def __init__(
        self,
        counts: Sequence[int],
        window: int = 5,
        margin: float = 0.85,
        retry_seconds: float = 3.0,
        settle_seconds: float = 0.25,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.single, self.most = min(counts), max(counts)
        self.window = window
        self.margin = margin
        self.retry_seconds = retry_seconds
        self.settle_seconds = settle_seconds
        self.clock = clock
        self._seconds: dict[tuple[Hashable, int], deque[float]] = {}
        self._last_multi_threaded = -float("inf")
        self._seen: set[Hashable] = set()
        self._checked: dict[Hashable, bool] = {}

    def needs_check(self, key: Hashable, count: int) -> bool:
        """Whether a product of shape ``key`` on ``count`` threads must be compared with one."""
        return count != self.single and key not in self._checked

    def checked(self, key: Hashable, same_bits: bool) -> None:
        """Record whether all threads gave the same bits as one; if not, keep to one thread."""
        self._checked[key] = same_bits

    def pick(self, key: Hashable) -> int:
        """The thread count to use for the next product of shape ``key``."""
        single, most = self._timings(key, self.single), self._timings(key, self.most)
        if self.most == self.single or not self._checked.get(key, True):
            return self.single
        if len(single) < self.window:
            return self.single
        if len(most) < self.window or median(most) < self.margin * median(single):
            return self.most
        if self.clock() - self._last_multi_threaded >= self.retry_seconds:
            return self.most
        return self.single

    def record(self, key: Hashable, count: int, seconds: float) -> None:
        """Remember that a product of shape ``key`` took ``seconds`` on ``count`` threads."""
        if key not in self._seen:
            self._seen.add(key)
            return
        now = self.clock()
        if count > 1:
            self._last_multi_threaded = now
        elif now - self._last_multi_threaded < self.settle_seconds:
            return
        self._timings(key, count).append(seconds)

    def _timings(self, key: Hashable, count: int) -> deque[float]:
        return self._seconds.setdefault((key, count), deque(maxlen=self.window))


class BlasThreads:
    """numpy's BLAS thread count, set directly (threadpoolctl finds the libraries once)."""

    def __init__(self) -> None:
        from threadpoolctl import ThreadpoolController

        self._libraries = ThreadpoolController().select(user_api="blas").lib_controllers
        most = max((library.num_threads for library in self._libraries), default=1)
        self.counts = (1, most) if most > 1 else (1,)

    @contextmanager
    def limited_to(self, count: int) -> Iterator[None]:
        """Run the block on ``count`` threads, then restore each library's own setting."""
        before = [library.num_threads for library in self._libraries]
        for library in self._libraries:
            library.set_num_threads(count)
        try:
            yield
        finally:
            for library, threads in zip(self._libraries, before, strict=True):
                library.set_num_threads(threads)


@lru_cache(maxsize=1)
def blas_threads() -> BlasThreads:
    """The process's BLAS thread control, found on the first big product."""
    return BlasThreads()


@lru_cache(maxsize=1)
def thread_chooser() -> ThreadChooser:
    """The process's thread choices, shared by every big product."""
    return ThreadChooser(blas_threads().counts)


def rows_padded(A: np.ndarray) -> np.ndarray:
    """``A`` with rows of zeros appended up to a multiple of four rows (``A`` itself if none)."""
    missing = -A.shape[0] % ROW_BLOCK
    if not missing:
        return A
    padded = np.zeros((A.shape[0] + missing, A.shape[1]), dtype=A.dtype)
    padded[: A.shape[0]] = A
    return padded


def is_big_float_product(A: np.ndarray, B: np.ndarray) -> bool:
    """Whether ``A @ B`` is a float64 matrix product big enough to pad and time."""
    return (
        isinstance(A, np.ndarray)
        and isinstance(B, np.ndarray)
        and A.ndim == B.ndim == 2
        and A.dtype == B.dtype == np.float64
        and A.shape[0] * A.shape[1] * B.shape[1] >= BIG_PRODUCT
    )


def dot(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """``np.dot(A, B)``; a big float64 product is padded and timed (see the module notes)."""
    if not is_big_float_product(A, B):
        return np.dot(A, B)
    rows = A.shape[0]
    A = rows_padded(A)
    key = (A.shape, B.shape, B.flags.f_contiguous)
    chooser = thread_chooser()
    count = chooser.pick(key)
    with blas_threads().limited_to(count):
        start = time.perf_counter()
        product = np.dot(A, B)
        chooser.record(key, count, time.perf_counter() - start)
    if chooser.needs_check(key, count):
        with blas_threads().limited_to(chooser.single):
            one_thread = np.dot(A, B)
        chooser.checked(key, np.array_equal(product, one_thread))
        product = one_thread
    return product[:rows]
