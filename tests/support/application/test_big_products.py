"""The padded, thread-choosing product used by lesson 2's helpers."""

from __future__ import annotations

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from support.application import big_products
from support.application.big_products import ThreadChooser, dot, rows_padded


def blas_thread_counts() -> list[int]:
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


def test_rows_are_padded_with_zeros_to_a_multiple_of_four():
    A = np.arange(14.0).reshape(7, 2)
    padded = rows_padded(A)
    assert padded.shape == (8, 2)
    np.testing.assert_array_equal(padded[:7], A)
    assert not padded[7].any()
    already = np.ones((20, 3))
    assert rows_padded(already) is already


@pytest.mark.parametrize("rows", [1, 5, 7, 20])
def test_big_products_equal_numpy_to_the_last_bits(rows):
    rng = np.random.default_rng(rows)
    A = rng.standard_normal((rows, 12288))
    B = np.asfortranarray(rng.random((12288, 60)))
    product = dot(A, B)
    assert product.shape == (rows, 60)
    assert product.flags.c_contiguous
    np.testing.assert_allclose(product, A @ B, rtol=1e-12, atol=1e-12)
    dZ = rng.standard_normal((rows, 60))
    np.testing.assert_allclose(dot(dZ, B.T), dZ @ B.T, rtol=1e-12, atol=1e-12)


def test_other_products_are_plain_numpy(monkeypatch):
    monkeypatch.setattr(big_products, "blas_threads", None)  # would fail if it were used
    vector, matrix = np.ones(12288), np.ones((12288, 300))
    np.testing.assert_array_equal(dot(vector, matrix), np.full(300, 12288.0))  # 1-D, as np.dot
    assert dot([[1.0, 2.0]], [[3.0], [4.0]]).tolist() == [[11.0]]  # lists, as np.dot
    integers = np.ones((7, 12288), dtype=np.int64)
    product = dot(integers, np.ones((12288, 40), dtype=np.int64))
    assert product.dtype == np.int64
    assert product.shape == (7, 40)
    assert (product == 12288).all()


def test_small_products_never_touch_the_blas(monkeypatch):
    def unavailable():
        raise AssertionError("a small product asked for the BLAS thread settings")

    monkeypatch.setattr(big_products, "blas_threads", unavailable)
    A, B = np.arange(6.0).reshape(2, 3), np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(dot(A, B), A @ B)


def test_big_products_leave_the_blas_thread_setting_as_found():
    with threadpool_limits(limits=2, user_api="blas"):
        before = blas_thread_counts()
        for _ in range(8):  # both thread counts get tried during the first products
            dot(np.ones((7, 12288)), np.ones((12288, 30)))
        assert blas_thread_counts() == before


@pytest.mark.parametrize("rows", [7, 20])
@pytest.mark.parametrize("samples", [209, 50, 150])  # course train, test; bundled train
def test_lesson_shapes_give_one_threads_bits_whatever_the_thread_choice(rows, samples, monkeypatch):
    """Why the thread choice cannot change a printed digit: dot() on all threads = one thread."""
    counts = big_products.blas_threads().counts
    if len(counts) == 1:
        pytest.skip("this BLAS runs on one thread only")
    rng = np.random.default_rng(samples)
    X = np.asfortranarray(rng.integers(0, 256, (12288, samples)) / 255.0)
    W, dZ = rng.standard_normal((rows, 12288)), rng.standard_normal((rows, samples))
    monkeypatch.setattr(big_products, "thread_chooser", lambda: ThreadChooser((1,)))
    one_thread = (dot(W, X), dot(dZ, X.T))
    # A chooser that moves to all threads after one timed product, as on a quiet machine.
    eager = ThreadChooser(counts, window=1, margin=float("inf"))
    monkeypatch.setattr(big_products, "thread_chooser", lambda: eager)
    for _ in range(5):  # untimed, one thread, then all threads (checked), and after the check
        for got, expected in zip((dot(W, X), dot(dZ, X.T)), one_thread, strict=True):
            np.testing.assert_array_equal(got, expected)


def test_a_shape_whose_bits_depend_on_the_threads_stays_on_one_thread():
    clock = FakeClock()
    chooser = ThreadChooser((1, 2), window=1, clock=clock)
    assert chooser.needs_check("shape", 2)
    assert not chooser.needs_check("shape", 1)
    chooser.checked("shape", same_bits=False)
    assert not chooser.needs_check("shape", 2)
    assert set(run(chooser, clock, {1: 0.005, 2: 0.001}, 50)) == {1}  # two threads are faster
    same_bits = ThreadChooser((1, 2), window=1, clock=clock)
    same_bits.checked("shape", same_bits=True)
    assert run(same_bits, clock, {1: 0.005, 2: 0.001}, 50)[-10:] == [2] * 10


class FakeClock:
    """A clock that advances by each product's time, as training would."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def run(chooser: ThreadChooser, clock: FakeClock, seconds: dict[int, float], products: int):
    """Let ``chooser`` pick for ``products`` products timed as ``seconds``; return its picks."""
    picks = []
    for _ in range(products):
        count = chooser.pick("shape")
        clock.now += seconds[count]
        chooser.record("shape", count, seconds[count])
        picks.append(count)
    return picks


def chooser_with_clock(**settings) -> tuple[ThreadChooser, FakeClock]:
    clock = FakeClock()
    return ThreadChooser((1, 2), window=3, clock=clock, **settings), clock


def test_chooser_times_one_thread_first_then_two_then_keeps_the_faster():
    chooser, clock = chooser_with_clock(settle_seconds=0.0)
    first_untimed = [1]
    assert run(chooser, clock, {1: 0.005, 2: 0.003}, 30) == first_untimed + [1, 1, 1] + [2] * 26
    chooser, clock = chooser_with_clock(settle_seconds=0.0, retry_seconds=1.0)
    picks = run(chooser, clock, {1: 0.003, 2: 0.005}, 300)
    assert picks[:7] == [1, 1, 1, 1, 2, 2, 2]
    assert picks[7:].count(1) >= 290


def test_chooser_keeps_one_thread_when_two_are_only_a_little_faster():
    chooser, clock = chooser_with_clock(settle_seconds=0.0, retry_seconds=1.0)
    picks = run(chooser, clock, {1: 0.005, 2: 0.0045}, 300)  # 0.9 of the time: not worth it
    assert picks[7:].count(1) >= 290


def test_chooser_leaves_two_threads_as_soon_as_they_slow_down():
    chooser, clock = chooser_with_clock(settle_seconds=0.0)
    run(chooser, clock, {1: 0.005, 2: 0.003}, 20)
    busy = run(chooser, clock, {1: 0.005, 2: 0.015}, 40)  # the other core got busy
    assert busy[:2] == [2, 2]
    assert busy[2:20] == [1] * 18


def test_chooser_retries_two_threads_now_and_then_and_returns_when_the_core_is_free():
    chooser, clock = chooser_with_clock(settle_seconds=0.0, retry_seconds=1.0)
    run(chooser, clock, {1: 0.005, 2: 0.003}, 20)
    busy = run(chooser, clock, {1: 0.005, 2: 0.015}, 1000)  # 5 s on one thread
    assert 3 <= busy.count(2) <= 8  # one retry a second
    quiet = run(chooser, clock, {1: 0.005, 2: 0.003}, 1000)
    assert quiet[-500:] == [2] * 500


def test_one_thread_timings_right_after_two_threads_are_not_kept():
    chooser, clock = chooser_with_clock(settle_seconds=0.25)
    chooser.record("shape", 1, 0.100)  # the first product of a shape: cold, never kept
    chooser.record("shape", 2, 0.003)
    chooser.record("shape", 1, 0.050)  # slowed by the spinning idle thread: dropped
    assert chooser.pick("shape") == 1  # still needs its one-thread timings
    clock.now += 0.3
    for _ in range(3):
        chooser.record("shape", 1, 0.005)
    chooser.record("shape", 2, 0.003)
    chooser.record("shape", 2, 0.003)
    assert chooser.pick("shape") == 2


def test_chooser_with_a_single_count_always_picks_it():
    clock = FakeClock()
    assert set(run(ThreadChooser((1,), clock=clock), clock, {1: 1.0}, 10)) == {1}
