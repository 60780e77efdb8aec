"""Provided helpers for lesson 2: the step-by-step building blocks, made fast, plus prediction.

Lesson 1 has the student write these functions; here they are given, so the lesson can spend
its time on the two models. They compute the same numbers as the straightforward versions, up to
the last bit of a few products (the notebook's printed costs do not change in any digit), only
faster:

- the gradient with respect to the network's input (``dA0``) is never used to update anything,
  so the first layer's backward step can skip it; for a 12288-feature input that product is as
  large as the forward one and allocates a 20 MB array on every iteration;
- the big products (a few rows of weights times the 12288 x m training set) go through
  :func:`support.application.big_products.dot`, which pads the few rows to a multiple of four and
  picks the number of BLAS threads by timing, so that training neither crawls on an edge kernel nor
  collapses when the machine's other core is busy.

Caches keep the layout of lesson 1: a layer's cache is ``((A_prev, W, b), Z)``.

Unlike lesson 1, :func:`initialize_parameters_deep` seeds with 1 and scales each weight matrix
by ``1 / sqrt(n_prev)``: the documented costs of the L-layer model only reproduce with it.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from support.application.big_products import dot
from support.dnn_utils import relu, relu_backward, sigmoid, sigmoid_backward

Parameters = dict[str, np.ndarray]
LinearCache = tuple[np.ndarray, np.ndarray, np.ndarray]
LayerCache = tuple[LinearCache, np.ndarray]


def training_iterations(count: int, show: bool, label: str) -> Iterable[int]:
    """``range(count)``, wrapped in a tqdm progress bar when ``show`` is true."""
    if not show:
        return range(count)
    from tqdm.auto import tqdm

    return tqdm(range(count), desc=label)


def initialize_parameters(n_x: int, n_h: int, n_y: int) -> Parameters:
    """Small random weights (seed 1, scaled by 0.01) and zero biases for a two-layer network."""
    np.random.seed(1)
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_y, n_h) * 0.01
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def initialize_parameters_deep(layer_dims: list[int] | tuple[int, ...]) -> Parameters:
    """Weights ``randn / sqrt(n_prev)`` (seed 1) and zero biases for every layer.

    Dividing by the square root of the previous layer's width keeps each layer's output at a
    similar scale however wide its input is, so a deep network starts training at once.
    """
    np.random.seed(1)
    parameters: Parameters = {}
    for layer in range(1, len(layer_dims)):
        n_prev, n_now = layer_dims[layer - 1], layer_dims[layer]
        parameters[f"W{layer}"] = np.random.randn(n_now, n_prev) / np.sqrt(n_prev)
        parameters[f"b{layer}"] = np.zeros((n_now, 1))
    return parameters


def linear_forward(A: np.ndarray, W: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, LinearCache]:
    """``Z = W A + b``; the cache keeps the inputs for the backward step."""
    Z = dot(W, A) + b
    return Z, (A, W, b)


def linear_activation_forward(
    A_prev: np.ndarray, W: np.ndarray, b: np.ndarray, activation: str
) -> tuple[np.ndarray, LayerCache]:
    """One layer forward: linear step, then ``"relu"`` or ``"sigmoid"``."""
    Z, linear_cache = linear_forward(A_prev, W, b)
    if activation == "relu":
        A, activation_cache = relu(Z)
    elif activation == "sigmoid":
        A, activation_cache = sigmoid(Z)
    else:
        raise ValueError(f"activation must be 'relu' or 'sigmoid', not {activation!r}")
    return A, (linear_cache, activation_cache)


def L_model_forward(X: np.ndarray, parameters: Parameters) -> tuple[np.ndarray, list[LayerCache]]:
    """``[LINEAR -> RELU] x (L-1) -> LINEAR -> SIGMOID``; returns ``AL`` and one cache per layer."""
    caches = []
    A = X
    L = len(parameters) // 2
    for layer in range(1, L + 1):
        activation = "sigmoid" if layer == L else "relu"
        A, cache = linear_activation_forward(
            A, parameters[f"W{layer}"], parameters[f"b{layer}"], activation
        )
        caches.append(cache)
    return A, caches


def compute_cost(AL: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Cross-entropy ``-(1/m) sum(y log a + (1-y) log(1-a))`` as a 0-d array, as in lesson 1.

    ``0 log 0`` counts as 0, so a saturated prediction on the right side costs nothing instead
    of producing nan.
    """
    m = Y.shape[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        positive = np.where(Y == 1, np.log(AL), 0.0) if np.any(AL == 0) else Y * np.log(AL)
        negative = (
            np.where(Y == 0, np.log(1 - AL), 0.0) if np.any(AL == 1) else (1 - Y) * np.log(1 - AL)
        )
    return np.squeeze(-1 / m * np.sum(positive + negative))


def linear_backward(
    dZ: np.ndarray, cache: LinearCache, input_gradient: bool = True
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """Gradients of the linear step; ``dA_prev`` is ``None`` when ``input_gradient`` is False.

    Pass ``input_gradient=False`` for the first layer: nothing uses the gradient with respect to
    the data, and computing it costs as much as the forward product.
    """
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    dW = dot(dZ, A_prev.T)
    dW *= 1.0 / m  # in place: the same bits as ``1.0 / m * dW`` without a second large array
    db = 1.0 / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = dot(W.T, dZ) if input_gradient else None
    return dA_prev, dW, db


def linear_activation_backward(
    dA: np.ndarray, cache: LayerCache, activation: str, input_gradient: bool = True
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """One layer backward: the activation's backward, then :func:`linear_backward`."""
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)
    elif activation == "sigmoid":
        dZ = sigmoid_backward(dA, activation_cache)
    else:
        raise ValueError(f"activation must be 'relu' or 'sigmoid', not {activation!r}")
    return linear_backward(dZ, linear_cache, input_gradient)


def L_model_backward(AL: np.ndarray, Y: np.ndarray, caches: list[LayerCache]) -> dict:
    """Gradients of every layer: ``dA<l>`` (for l >= 1), ``dW<l>`` and ``db<l>``.

    The first layer's input gradient ``dA0`` is skipped: training never uses it.
    """
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dA = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    for layer in range(L, 0, -1):
        activation = "sigmoid" if layer == L else "relu"
        dA_prev, dW, db = linear_activation_backward(
            dA, caches[layer - 1], activation, input_gradient=layer > 1
        )
        grads[f"dA{layer}"] = dA
        grads[f"dW{layer}"] = dW
        grads[f"db{layer}"] = db
        dA = dA_prev
    return grads


def update_parameters(parameters: Parameters, grads: dict, learning_rate: float) -> Parameters:
    """One gradient-descent step ``W -= alpha dW``, ``b -= alpha db``; returns a new dictionary."""
    L = len(parameters) // 2
    updated = {}
    for layer in range(1, L + 1):
        for name in (f"W{layer}", f"b{layer}"):
            updated[name] = descended(parameters[name], grads[f"d{name}"], learning_rate)
    return updated


def descended(value: np.ndarray, gradient: np.ndarray, learning_rate: float) -> np.ndarray:
    """``value - learning_rate * gradient``, the same bits, written into one new array, not two.

    A fresh multi-megabyte array costs page faults on first touch; on the 20 x 12288 weights
    the straightforward expression took longer than the rest of the update.
    """
    step = np.multiply(gradient, learning_rate)
    if step.shape != np.shape(value) or step.dtype != np.result_type(value, step):
        return value - step
    return np.subtract(value, step, out=step)


def accuracy(predictions: np.ndarray, y: np.ndarray) -> float:
    """Fraction of predictions equal to the labels, rounded to 12 digits for printing."""
    return round(float(np.mean(predictions == np.asarray(y).reshape(predictions.shape))), 12)


def predict(X: np.ndarray, y: np.ndarray | None, parameters: Parameters) -> np.ndarray:
    """Label each column of ``X`` 1 (cat) when its probability exceeds 0.5; print the accuracy.

    ``y`` may be ``None`` when the true labels are unknown (your own picture); then nothing is
    printed.
    """
    probabilities, _ = L_model_forward(X, parameters)
    predictions = (probabilities > 0.5).astype(float)
    if y is not None:
        print(f"Accuracy: {accuracy(predictions, y)}")
    return predictions


def plot_costs(costs: list[float], learning_rate: float, title: str = "") -> None:
    """Plot the recorded costs (one every 100 iterations) against iterations in hundreds."""
    import matplotlib.pyplot as plt

    plt.figure()
    plt.plot(np.squeeze(costs))
    plt.ylabel("cost")
    plt.xlabel("iterations (per hundred)")
    plt.title(f"{title} learning rate = {learning_rate}".strip())
    plt.show()


def print_mislabeled_images(
    classes: np.ndarray, X: np.ndarray, y: np.ndarray, p: np.ndarray, limit: int = 12
) -> list[int]:
    """Show the pictures whose prediction ``p`` differs from the label ``y``; return their indices.

    ``X`` holds flattened 64 x 64 x 3 pictures as columns, scaled to [0, 1].
    """
    import matplotlib.pyplot as plt

    wrong = [int(i) for i in np.flatnonzero(np.asarray(p).ravel() != np.asarray(y).ravel())]
    shown = wrong[:limit]
    if not shown:
        print("No mislabeled pictures.")
        return wrong
    side = round(np.sqrt(X.shape[0] / 3))
    columns = min(len(shown), 4)
    rows = -(-len(shown) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(3 * columns, 3.2 * rows), squeeze=False)
    for axis in axes.ravel():
        axis.axis("off")
    for axis, index in zip(axes.ravel(), shown, strict=False):
        axis.imshow(X[:, index].reshape(side, side, 3))
        predicted = classes[int(np.ravel(p)[index])].decode("utf-8")
        actual = classes[int(np.ravel(y)[index])].decode("utf-8")
        axis.set_title(f"#{index}: predicted {predicted}\nlabel {actual}", fontsize=9)
    figure.tight_layout()
    plt.show()
    return wrong
