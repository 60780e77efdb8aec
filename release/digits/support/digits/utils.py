"""Helpers the digits lesson provides: tanh, accuracy, the progress bar and the plots.

Sigmoid and ReLU (with their backwards) come from ``support.dnn_utils``; tanh follows the same
convention here: the forward returns ``(A, cache)`` with ``cache = Z`` and the backward turns
``dA`` into ``dZ``. Softmax is not here on purpose: the student writes it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

# Progress only, no timings or rates: the bar's final state is then the same on every run, so
# the stored output of the solved notebook reproduces under nbval.
PROGRESS_FORMAT = "{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt}"


def tanh(Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hyperbolic tangent, element-wise, values in (-1, 1); the cache is ``Z``."""
    return np.tanh(Z), Z


def tanh_backward(dA: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """``dZ = dA * (1 - tanh(Z)**2)``, the derivative of tanh recomputed from the cached ``Z``."""
    return dA * (1.0 - np.tanh(cache) ** 2)


def accuracy(AL: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of columns of ``AL`` whose most probable class (argmax) is the true label."""
    return float(np.mean(np.argmax(AL, axis=0) == np.ravel(labels)))


def training_progress(iterations: Iterable[int], total: int, show: bool) -> Iterable[int]:
    """Wrap the training loop's iterations in a tqdm bar when ``show`` is true.

    ``tqdm.auto`` draws a widget in JupyterLab (with ipywidgets installed), so the bar neither
    prints red fragments on stderr nor adds an output per redraw; elsewhere it draws text. The
    bar redraws at most once a second, which is plenty to watch and keeps the notebook small.
    """
    if not show:
        return iterations
    from tqdm.auto import tqdm

    return tqdm(
        iterations,
        total=total,
        desc="Training",
        bar_format=PROGRESS_FORMAT,
        mininterval=1.0,
    )


def plot_digits(images: np.ndarray, labels: Sequence[int], title: str, columns: int = 5) -> None:
    """Show the first images in a grid, each captioned with its label."""
    import matplotlib.pyplot as plt

    count = min(len(images), columns * columns)
    if count == 0:
        print(f"{title}: none to show.")
        return
    rows = -(-count // columns)
    # Each picture gets a square and a caption line above it, so captions never reach the
    # picture of the row above, however long ("8 as 5") they are.
    figure, axes = plt.subplots(
        rows,
        columns,
        figsize=(1.6 * columns, 2.0 * rows + 0.4),
        squeeze=False,
        layout="constrained",
    )
    for index, axis in enumerate(np.ravel(axes)):
        axis.set_axis_off()
        if index < count:
            axis.imshow(images[index], cmap="gray_r")
            axis.set_title(str(labels[index]), fontsize=10, pad=4)
    figure.suptitle(title)
    plt.show()


def plot_history(costs: Sequence[float], accuracies: Sequence[float], learning_rate: float) -> None:
    """Plot the training cost and the training accuracy against the iteration number."""
    import matplotlib.pyplot as plt

    figure, (cost_axis, accuracy_axis) = plt.subplots(1, 2, figsize=(11, 4))
    cost_axis.plot(costs)
    cost_axis.set_xlabel("iteration")
    cost_axis.set_ylabel("cross-entropy cost")
    cost_axis.set_title(f"Cost, learning rate {learning_rate}")
    accuracy_axis.plot(100 * np.asarray(accuracies))
    accuracy_axis.set_xlabel("iteration")
    accuracy_axis.set_ylabel("training accuracy (%)")
    accuracy_axis.set_title("Accuracy on the training images")
    figure.tight_layout()
    plt.show()


def confusion_matrix(labels: np.ndarray, predictions: np.ndarray, classes: int = 10) -> np.ndarray:
    """Count matrix: entry ``[t, p]`` is how many images of digit ``t`` were predicted as ``p``."""
    counts = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(counts, (np.ravel(labels), np.ravel(predictions)), 1)
    return counts


def most_confused(counts: np.ndarray, top: int = 5) -> list[tuple[int, int, int]]:
    """The ``top`` largest mistakes as ``(true digit, predicted digit, count)``, largest first."""
    mistakes = counts.copy()
    np.fill_diagonal(mistakes, 0)
    order = np.argsort(-mistakes, axis=None, kind="stable")[:top]
    pairs = [np.unravel_index(flat, mistakes.shape) for flat in order]
    return [(int(t), int(p), int(mistakes[t, p])) for t, p in pairs if mistakes[t, p] > 0]


def plot_confusion_matrix(counts: np.ndarray, title: str) -> None:
    """Draw the confusion matrix with each count written in its cell."""
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(6, 5.5))
    image = axis.imshow(counts, cmap="Blues")
    for (true, predicted), count in np.ndenumerate(counts):
        if count:
            color = "white" if count > counts.max() / 2 else "black"
            axis.text(predicted, true, str(count), ha="center", va="center", color=color)
    axis.set_xticks(range(counts.shape[1]))
    axis.set_yticks(range(counts.shape[0]))
    axis.set_xlabel("predicted digit")
    axis.set_ylabel("true digit")
    axis.set_title(title)
    figure.colorbar(image, ax=axis)
    figure.tight_layout()
    plt.show()
