"""Lesson 3 test helpers: independent computations, mutants, and hidden tests run in process."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.special import softmax as scipy_softmax

from autograder.grading.inline import run_hidden_tests
from autograder.lessons.mutations import Mutation
from tests.helpers.submissions import mutated_function

ACTIVATION = {
    "sigmoid": lambda Z: 1 / (1 + np.exp(-Z)),
    "tanh": np.tanh,
    "relu": lambda Z: np.maximum(Z, 0),
    "softmax": lambda Z: scipy_softmax(Z, axis=0),
}


def forward(X, parameters, activations):
    A = X
    for l, name in enumerate(activations, start=1):
        A = ACTIVATION[name](parameters[f"W{l}"] @ A + parameters[f"b{l}"])
    return A


def cost_loop(AL, Y):
    total = 0.0
    for j in range(Y.shape[1]):
        for i in range(Y.shape[0]):
            if Y[i, j]:
                total -= np.log(AL[i, j])
    return total / Y.shape[1]


def independent_training(X, Y, dims, learning_rate, iterations):
    """Gradient descent for relu -> softmax written out layer by layer, without the notebook."""
    np.random.seed(3)
    W1 = np.random.randn(dims[1], dims[0]) * 0.01
    b1 = np.random.randn(dims[1], 1) * 0.01
    W2 = np.random.randn(dims[2], dims[1]) * 0.01
    b2 = np.random.randn(dims[2], 1) * 0.01
    m = X.shape[1]
    costs, accuracies = [], []
    for _ in range(iterations):
        Z1 = W1 @ X + b1
        A1 = np.maximum(Z1, 0)
        A2 = scipy_softmax(W2 @ A1 + b2, axis=0)
        costs.append(cost_loop(A2, Y))
        accuracies.append(np.mean(A2.argmax(0) == Y.argmax(0)))
        dZ2 = A2 - Y
        dZ1 = (W2.T @ dZ2) * (Z1 > 0)
        W2, b2 = (
            W2 - learning_rate * dZ2 @ A1.T / m,
            b2 - learning_rate * dZ2.mean(1, keepdims=True),
        )
        W1, b1 = W1 - learning_rate * dZ1 @ X.T / m, b1 - learning_rate * dZ1.mean(1, keepdims=True)
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}, costs, accuracies


NAMES = [
    "one_hot_encoding",
    "softmax",
    "compute_cost",
    "initialize_parameters",
    "forward_propagation",
    "backward_propagation",
    "update_parameters",
    "predict",
    "neural_network_model",
]


def mutant(name: str, *replacements: tuple[str, str]) -> Callable:
    """The solved function with pieces of its source replaced: a mistake not in the catalogue."""
    return mutated_function("digits", Mutation(f"{name} edited", name, replacements, hint=""))


def hidden_feedback(name: str, function: Callable) -> str | None:
    """What the hidden tests say about ``function`` on the nbgrader path; None when it passes."""
    try:
        run_hidden_tests("digits", name, function)
    except AssertionError as failure:
        return str(failure)
    return None
