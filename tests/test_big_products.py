"""The padded, thread-choosing product used by lesson 2's helpers."""

from __future__ import annotations

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from support import big_products
from support.big_products import ThreadChooser, dot, rows_padded


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
    assert product.shape == (rows, 60) and product.flags.c_contiguous
    np.testing.assert_allclose(product, A @ B, rtol=1e-12, atol=1e-12)
    dZ = rng.standard_normal((rows, 60))
    np.testing.assert_allclose(dot(dZ, B.T), dZ @ B.T, rtol=1e-12, atol=1e-12)


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


@pytest.mark.parametrize("rows", [8, 20])
@pytest.mark.parametrize("samples", [209, 50])
def test_lesson_shapes_give_the_same_bits_on_one_or_two_threads(rows, samples):
    """Why the thread choice cannot change a printed digit of the lesson."""
    rng = np.random.default_rng(samples)
    X = np.asfortranarray(rng.integers(0, 256, (12288, samples)) / 255.0)
    W, dZ = rng.standard_normal((rows, 12288)), rng.standard_normal((rows, samples))
    results = []
    for threads in (1, 2):
        with threadpool_limits(limits=threads, user_api="blas"):
            if blas_thread_counts() != [threads] * len(blas_thread_counts()):
                pytest.skip(f"this BLAS cannot be set to {threads} threads")
            results.append((W @ X, dZ @ X.T))
    for one_thread, two_threads in zip(*results, strict=True):
        np.testing.assert_array_equal(one_thread, two_threads)


def run(chooser: ThreadChooser, seconds: dict[int, float], products: int) -> list[int]:
    """Let ``chooser`` pick for ``products`` products timed as ``seconds``; return its picks."""
    picks = []
    for _ in range(products):
        count = chooser.pick("shape")
        chooser.record("shape", count, seconds[count])
        picks.append(count)
    return picks


def test_chooser_times_every_count_then_keeps_the_faster():
    chooser = ThreadChooser((1, 2), window=3, explore_every=10)
    picks = run(chooser, {1: 5.0, 2: 3.0}, 30)
    assert picks[:6] == [1, 1, 1, 2, 2, 2]
    assert picks[6:].count(2) >= 20 and picks[6:].count(1) <= 3


def test_chooser_follows_a_change_of_load_both_ways():
    chooser = ThreadChooser((1, 2), window=3, explore_every=10)
    run(chooser, {1: 5.0, 2: 3.0}, 20)
    busy = run(chooser, {1: 5.0, 2: 15.0}, 40)  # the other core got busy: two threads collapse
    assert busy[3:10] == [1] * 7  # two slow products are enough to switch
    assert busy[-20:].count(1) >= 18
    quiet = run(chooser, {1: 5.0, 2: 3.0}, 60)  # and free again
    assert quiet[-20:].count(2) >= 18


def test_chooser_with_a_single_count_always_picks_it():
    assert set(run(ThreadChooser((1,)), {1: 1.0}, 10)) == {1}
