"""Small, seeded inputs for the digits lesson's graded functions (its ``testCases``).

Each ``*_test_case`` returns the arguments of one call. They are tiny (a few units, a few
examples) so a student can follow every number by hand, and seeded so everyone sees the same ones.
Where a function needs softmax probabilities or one-hot labels, the fixture writes them out or
draws any valid ones: a fixture never relies on (or gives away) the student's own functions.
"""

from __future__ import annotations

import numpy as np

from support.digits.utils import tanh
from support.dnn_utils import relu
from support.testCases import update_parameters_test_case as lesson_one_update_case


def labels_to_columns(labels: list[int], classes: int) -> np.ndarray:
    """One-hot columns for a fixture, written as a plain loop for readability."""
    Y = np.zeros((classes, len(labels)))
    for column, label in enumerate(labels):
        Y[label, column] = 1.0
    return Y


def random_parameters(seed: int, layer_dims: list[int]) -> dict[str, np.ndarray]:
    """Standard-normal weights and biases, drawn W1, b1, W2, b2, ... after seeding."""
    np.random.seed(seed)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1])
        parameters["b" + str(l)] = np.random.randn(layer_dims[l], 1)
    return parameters


def one_hot_encoding_test_case() -> tuple[np.ndarray, int]:
    """The first six labels of the MNIST test set, and ten classes."""
    return np.array([7, 2, 1, 0, 4, 1]), 10


def softmax_test_case() -> np.ndarray:
    """Scores of 3 classes for 4 examples."""
    np.random.seed(1)
    return np.random.randn(3, 4)


def softmax_large_scores_test_case() -> np.ndarray:
    """Scores far from zero, some huge and some very negative, to test numerical stability.

    Column 0 overflows ``np.exp`` unless its maximum is subtracted; column 1 underflows to 0/0
    if the maximum of the *whole* array (1002) is subtracted instead of the column's own.
    """
    return np.array([[1000.0, -1000.0, 0.5], [1001.0, -1002.0, 0.5], [1002.0, -1001.0, 0.5]])


def compute_cost_test_case() -> tuple[np.ndarray, np.ndarray]:
    """Probabilities of 3 classes for 4 examples, and their one-hot labels 0, 1, 2, 2."""
    AL = np.array([[0.7, 0.1, 0.2, 0.25], [0.2, 0.6, 0.3, 0.25], [0.1, 0.3, 0.5, 0.5]])
    return AL, labels_to_columns([0, 1, 2, 2], 3)


def compute_cost_zero_probability_test_case() -> tuple[np.ndarray, np.ndarray]:
    """A wrong class gets probability exactly 0 (as a saturated softmax does): labels 0 and 2."""
    AL = np.array([[0.8, 0.0], [0.2, 0.1], [0.0, 0.9]])
    return AL, labels_to_columns([0, 2], 3)


def forward_propagation_test_case() -> tuple[np.ndarray, dict[str, np.ndarray], list[str]]:
    """X (5, 4) then W1 (4, 5), b1, W2 (3, 4), b2 drawn after seed 6; relu then softmax."""
    np.random.seed(6)
    X = np.random.randn(5, 4)
    W1, b1 = np.random.randn(4, 5), np.random.randn(4, 1)
    W2, b2 = np.random.randn(3, 4), np.random.randn(3, 1)
    return X, {"W1": W1, "b1": b1, "W2": W2, "b2": b2}, ["relu", "softmax"]


def forward_propagation_three_layer_test_case() -> tuple[np.ndarray, dict, list[str]]:
    """Three layers with three different activations: tanh, relu, softmax (seed 2)."""
    parameters = random_parameters(2, [4, 3, 3, 2])
    X = np.random.randn(4, 3)
    return X, parameters, ["tanh", "relu", "softmax"]


def backward_propagation_test_case() -> tuple[np.ndarray, np.ndarray, list, list[str]]:
    """AL, Y and the caches of a relu -> softmax network of sizes [4, 3, 3] on 5 examples.

    The caches are real forward-pass values for layer 1; AL is any set of probability columns,
    because the output layer's gradient only needs ``AL - Y``.
    """
    np.random.seed(3)
    X = np.random.randn(4, 5)
    W1, b1 = np.random.randn(3, 4), np.random.randn(3, 1)
    W2, b2 = np.random.randn(3, 3), np.random.randn(3, 1)
    Z1 = W1 @ X + b1
    A1, _ = relu(Z1)
    Z2 = W2 @ A1 + b2
    AL = np.random.rand(3, 5)
    AL = AL / AL.sum(axis=0, keepdims=True)
    Y = labels_to_columns([0, 1, 2, 2, 0], 3)
    caches = [((X, W1, b1), Z1), ((A1, W2, b2), Z2)]
    return AL, Y, caches, ["relu", "softmax"]


def backward_propagation_three_layer_test_case() -> tuple[np.ndarray, np.ndarray, list, list[str]]:
    """AL, Y and caches of a tanh -> relu -> softmax network of sizes [3, 4, 3, 2] (seed 4)."""
    parameters = random_parameters(4, [3, 4, 3, 2])
    A_prev = np.random.randn(3, 4)
    caches = []
    for l, activation in ((1, tanh), (2, relu), (3, None)):
        W, b = parameters["W" + str(l)], parameters["b" + str(l)]
        Z = W @ A_prev + b
        caches.append(((A_prev, W, b), Z))
        if activation is not None:
            A_prev, _ = activation(Z)
    AL = np.random.rand(2, 4)
    AL = AL / AL.sum(axis=0, keepdims=True)
    Y = labels_to_columns([1, 0, 0, 1], 2)
    return AL, Y, caches, ["tanh", "relu", "softmax"]


def update_parameters_test_case() -> tuple[dict, dict, float]:
    """Lesson 1's documented update case (seeds 2 and 3) with its learning rate, 0.1."""
    parameters, grads = lesson_one_update_case()
    return parameters, grads, 0.1


def predict_test_case() -> tuple[np.ndarray, dict[str, np.ndarray], list[str]]:
    """A relu -> softmax network of sizes [4, 5, 3] (seed 1) and 6 examples."""
    parameters = random_parameters(1, [4, 5, 3])
    X = np.random.randn(4, 6)
    return X, parameters, ["relu", "softmax"]


def neural_network_model_test_case() -> tuple[np.ndarray, np.ndarray, list[int], list[str]]:
    """12 examples of 6 features (seed 1) in 3 classes, for a [6, 5, 3] relu -> softmax network."""
    np.random.seed(1)
    X = np.random.randn(6, 12)
    Y = labels_to_columns([0, 1, 2, 0, 1, 2, 2, 1, 0, 0, 1, 2], 3)
    return X, Y, [6, 5, 3], ["relu", "softmax"]
