"""Time lesson 2's training: the kit's helpers against a plain vectorised implementation.

Both sides train the two-layer model (12288, 7, 1) and the L-layer model [12288, 20, 7, 5, 1]
for 2500 iterations with the same maths. The kit side runs the solved notebook's
``two_layer_model`` and ``L_layer_model`` on ``support.application_utils``; the plain side is the
straightforward version written below (numpy's default BLAS threading, the unused input gradient
computed). The plain side runs first, because the kit pins numpy's BLAS to one thread for the
rest of the process. The script prints each time, the ratio, and whether the printed cost lines
agree.

Data: the course files from ``--data``, ``$DNNKIT_CATVNONCAT_DIR`` or ``../shared/data/catvnoncat``
(relative to the repository), else the bundled default.

    .venv/bin/python benchmarks/bench_training.py [--iterations 2500] [--data DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data" / "catvnoncat"
TWO_LAYER = (12288, 7, 1)
DEEP = [12288, 20, 7, 5, 1]
LEARNING_RATE = 0.0075


def plain_train(X: np.ndarray, Y: np.ndarray, dims, init: str, iterations: int) -> list[str]:
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


def kit_train(model, X: np.ndarray, Y: np.ndarray, dims, iterations: int) -> list[str]:
    """Run a solved-notebook model with printing on; return its cost values as printed."""
    output = io.StringIO()
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(io.StringIO()):
        model(X, Y, dims, learning_rate=LEARNING_RATE, num_iterations=iterations, print_cost=True)
    return [line.split(": ")[1] for line in output.getvalue().splitlines() if "Cost after" in line]


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def load(directory: str | None) -> tuple[np.ndarray, np.ndarray, str]:
    from support.application_data import load_data

    if directory is None and not os.environ.get("DNNKIT_CATVNONCAT_DIR") and SHARED_DATA.is_dir():
        directory = str(SHARED_DATA)
    with contextlib.redirect_stdout(io.StringIO()) as said:
        train_x_orig, train_y, *_ = load_data(directory)
    X = train_x_orig.reshape(train_x_orig.shape[0], -1).T / 255.0
    return X, train_y, said.getvalue().strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--iterations", type=int, default=2500)
    parser.add_argument("--data", help="directory holding train/test_catvnoncat.h5")
    options = parser.parse_args()
    X, Y, source = load(options.data)
    print(source)
    print(f"train_x {X.shape}, {options.iterations} iterations per model, {os.cpu_count()} cores")

    plain_two, plain_two_lines = timed(plain_train, X, Y, TWO_LAYER, "small", options.iterations)
    plain_deep, plain_deep_lines = timed(plain_train, X, Y, DEEP, "deep", options.iterations)

    from autograder.notebook import load_reference

    reference = load_reference("application")
    kit_two, kit_two_lines = timed(
        kit_train, reference.two_layer_model, X, Y, TWO_LAYER, options.iterations
    )
    kit_deep, kit_deep_lines = timed(
        kit_train, reference.L_layer_model, X, Y, DEEP, options.iterations
    )

    print(f"{'model':<16}{'plain (s)':>12}{'kit (s)':>12}{'ratio':>8}  printed costs")
    rows = [
        ("two-layer", plain_two, kit_two, plain_two_lines == kit_two_lines),
        ("L-layer", plain_deep, kit_deep, plain_deep_lines == kit_deep_lines),
        ("both", plain_two + plain_deep, kit_two + kit_deep, None),
    ]
    for name, plain, kit, same in rows:
        agreement = "" if same is None else ("identical" if same else "DIFFERENT")
        print(f"{name:<16}{plain:>12.2f}{kit:>12.2f}{plain / kit:>7.1f}x  {agreement}")


if __name__ == "__main__":
    main()
