"""Time lesson 2's training: the kit's helpers against a plain vectorised implementation.

Both sides train the two-layer model (12288, 7, 1) and the L-layer model [12288, 20, 7, 5, 1]
for 2500 iterations with the same maths. The kit side runs the solved notebook's
``two_layer_model`` and ``L_layer_model`` on ``support.application.utils``; the plain side is the
straightforward version written below (numpy's default BLAS threading, the unused input gradient
computed). The script prints each time, the ratio, and whether the printed cost lines agree.

Each comparison runs on a quiet machine and again while a spinning process keeps one core busy
(``--load``): that is the case of a shared machine, a virtual machine with noisy neighbours, or a
student running something else beside the notebook.

Data: the course files from ``--data``, ``$DNNKIT_CATVNONCAT_DIR`` or ``../shared/data/catvnoncat``
(relative to the repository), else the bundled default.

    .venv/bin/python benchmarks/bench_training.py [--iterations 2500] [--data DIR] [--load both]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from multiprocessing.synchronize import Event as EventType
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data" / "catvnoncat"
TWO_LAYER = (12288, 7, 1)
DEEP = [12288, 20, 7, 5, 1]
LEARNING_RATE = 0.0075


def plain_train(
    X: np.ndarray, Y: np.ndarray, dims: list[int], init: str, iterations: int
) -> list[str]:
    """Gradient descent written plainly; returns the printed cost lines of the lesson."""
    np.random.seed(1)
    L = len(dims) - 1
    W, b = {}, {}
    for layer in range(1, L + 1):
        draw = np.random.randn(dims[layer], dims[layer - 1])
        W[layer] = draw * 0.01 if init == "small" else draw / np.sqrt(dims[layer - 1])
        b[layer] = np.zeros((dims[layer], 1))
    m = X.shape[1]
    lines = []
    for i in range(iterations):
        A, inputs, linear = X, {}, {}
        for layer in range(1, L + 1):
            inputs[layer] = A
            linear[layer] = np.dot(W[layer], A) + b[layer]
            Z = linear[layer]
            A = 1 / (1 + np.exp(-Z)) if layer == L else np.maximum(0, Z)
        cost = float(np.squeeze(-1 / m * np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A))))
        if i % 100 == 0:
            lines.append(f"{cost:.12g}" if init == "small" else f"{cost:f}")
        dA = -(np.divide(Y, A) - np.divide(1 - Y, 1 - A))
        for layer in range(L, 0, -1):
            Z = linear[layer]
            if layer == L:
                s = 1 / (1 + np.exp(-Z))
                dZ = dA * s * (1 - s)
            else:
                dZ = np.array(dA, copy=True)
                dZ[Z <= 0] = 0
            dW = 1.0 / m * np.dot(dZ, inputs[layer].T)
            db = 1.0 / m * np.sum(dZ, axis=1, keepdims=True)
            dA = np.dot(W[layer].T, dZ)
            W[layer] = W[layer] - LEARNING_RATE * dW
            b[layer] = b[layer] - LEARNING_RATE * db
    return lines


def kit_train(
    model: Callable[..., Any], X: np.ndarray, Y: np.ndarray, dims: list[int], iterations: int
) -> list[str]:
    """Run a solved-notebook model with printing on; return its cost values as printed."""
    output = io.StringIO()
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(io.StringIO()):
        model(X, Y, dims, learning_rate=LEARNING_RATE, num_iterations=iterations, print_cost=True)
    return [line.split(": ")[1] for line in output.getvalue().splitlines() if "Cost after" in line]


def timed(function: Callable[..., Any], *args: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def load_training_set(directory: str | None) -> tuple[np.ndarray, np.ndarray, str]:
    from support.application.data import load_data

    if directory is None and not os.environ.get("DNNKIT_CATVNONCAT_DIR") and SHARED_DATA.is_dir():
        directory = str(SHARED_DATA)
    with contextlib.redirect_stdout(io.StringIO()) as said:
        train_x_orig, train_y, *_ = load_data(directory)
    X = train_x_orig.reshape(train_x_orig.shape[0], -1).T / 255.0
    return X, train_y, said.getvalue().strip()


def spin(stop: EventType) -> None:
    while not stop.is_set():
        sum(range(10_000))


@contextlib.contextmanager
def machine_load(load: str) -> Iterator[None]:
    """Run the block as it is (``quiet``) or with one core kept busy by a spinning process."""
    if load == "quiet":
        yield
        return
    stop = multiprocessing.Event()
    spinner = multiprocessing.Process(target=spin, args=(stop,), daemon=True)
    spinner.start()
    try:
        time.sleep(0.5)
        yield
    finally:
        stop.set()
        spinner.join()


def compare(X: np.ndarray, Y: np.ndarray, iterations: int) -> list[tuple[str, float, float, bool]]:
    """Train both models both ways; one row (model, plain s, kit s, same printed costs) each."""
    from autograder.grading.reference import load_reference

    reference = load_reference("application")
    rows = []
    for name, dims, init, model in (
        ("two-layer", TWO_LAYER, "small", reference.two_layer_model),
        ("L-layer", DEEP, "deep", reference.L_layer_model),
    ):
        plain, plain_lines = timed(plain_train, X, Y, dims, init, iterations)
        kit, kit_lines = timed(kit_train, model, X, Y, dims, iterations)
        rows.append((name, plain, kit, plain_lines == kit_lines))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--iterations", type=int, default=2500)
    parser.add_argument("--data", help="directory holding train/test_catvnoncat.h5")
    parser.add_argument("--load", choices=("quiet", "busy", "both"), default="both")
    options = parser.parse_args()
    X, Y, source = load_training_set(options.data)
    print(source)
    print(f"train_x {X.shape}, {options.iterations} iterations per model, {os.cpu_count()} cores")
    loads = ("quiet", "busy") if options.load == "both" else (options.load,)
    print(f"{'machine':<8}{'model':<12}{'plain (s)':>10}{'kit (s)':>10}{'ratio':>8}  printed costs")
    for load in loads:
        with machine_load(load):
            rows = compare(X, Y, options.iterations)
        plain_total = sum(row[1] for row in rows)
        kit_total = sum(row[2] for row in rows)
        for name, plain, kit, same in [*rows, ("both", plain_total, kit_total, None)]:
            agreement = "" if same is None else ("identical" if same else "DIFFERENT")
            print(f"{load:<8}{name:<12}{plain:>10.2f}{kit:>10.2f}{plain / kit:>7.1f}x  {agreement}")


if __name__ == "__main__":
    main()
