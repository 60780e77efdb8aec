"""Fixtures for lesson 1: small, seeded inputs whose outputs the notebook documents.

Each fixture seeds numpy's global generator and draws its arrays in a fixed order, so the
same call always yields the same numbers. The module keeps the course's historical name
(``testCases``) so that ``from support.testCases import *`` reads as students expect.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "L_model_backward_test_case",
    "L_model_backward_test_case_3layers",
    "L_model_forward_test_case",
    "L_model_forward_test_case_2hidden",
    "compute_cost_test_case",
    "linear_activation_backward_test_case",
    "linear_activation_forward_test_case",
    "linear_backward_test_case",
    "linear_forward_test_case",
    "print_grads",
    "update_parameters_test_case",
]


def draw(*shapes: tuple[int, ...]) -> list[np.ndarray]:
    """Draw standard-normal arrays of the given shapes, in order, from the global generator."""
    return [np.random.randn(*shape) for shape in shapes]


def layer_parameters(shapes: dict[str, tuple[int, ...]]) -> dict[str, np.ndarray]:
    """Draw a parameter dictionary, one array per name in the dictionary's order."""
    return dict(zip(shapes, draw(*shapes.values()), strict=True))


def linear_forward_test_case() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Seed 1: ``A`` (3, 2), ``W`` (1, 3), ``b`` (1, 1)."""
    np.random.seed(1)
    A, W, b = draw((3, 2), (1, 3), (1, 1))
    return A, W, b


def linear_activation_forward_test_case() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Seed 2: ``A_prev`` (3, 2), ``W`` (1, 3), ``b`` (1, 1)."""
    np.random.seed(2)
    A_prev, W, b = draw((3, 2), (1, 3), (1, 1))
    return A_prev, W, b


def L_model_forward_test_case() -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Seed 1, one hidden layer: ``X`` (4, 2), then W1 (3, 4), b1, W2 (1, 3), b2."""
    np.random.seed(1)
    (X,) = draw((4, 2))
    parameters = layer_parameters({"W1": (3, 4), "b1": (3, 1), "W2": (1, 3), "b2": (1, 1)})
    return X, parameters


def L_model_forward_test_case_2hidden() -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Seed 6, two hidden layers: ``X`` (5, 4), then W1 (4, 5) ... b3 (1, 1) in order."""
    np.random.seed(6)
    (X,) = draw((5, 4))
    parameters = layer_parameters(
        {"W1": (4, 5), "b1": (4, 1), "W2": (3, 4), "b2": (3, 1), "W3": (1, 3), "b3": (1, 1)}
    )
    return X, parameters


def compute_cost_test_case() -> tuple[np.ndarray, np.ndarray]:
    """Three cat labels and three predicted probabilities: returns ``(Y, AL)``."""
    Y = np.asarray([[1, 1, 1]])
    AL = np.array([[0.8, 0.9, 0.4]])
    return Y, AL


def linear_backward_test_case() -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Seed 1: ``dZ`` (1, 2) and the linear cache ``(A (3, 2), W (1, 3), b (1, 1))``."""
    np.random.seed(1)
    dZ, A, W, b = draw((1, 2), (3, 2), (1, 3), (1, 1))
    return dZ, (A, W, b)


def linear_activation_backward_test_case() -> tuple[np.ndarray, tuple]:
    """Seed 2: ``dA`` (1, 2) and the cache ``((A, W, b), Z)`` of one output unit."""
    np.random.seed(2)
    dA, A, W, b, Z = draw((1, 2), (3, 2), (1, 3), (1, 1), (1, 2))
    return dA, ((A, W, b), Z)


def L_model_backward_test_case() -> tuple[np.ndarray, np.ndarray, tuple]:
    """Seed 3: ``AL`` (1, 2), ``Y = [[1, 0]]`` and the caches of a two-layer network."""
    np.random.seed(3)
    (AL,) = draw((1, 2))
    Y = np.array([[1, 0]])
    A1, W1, b1, Z1 = draw((4, 2), (3, 4), (3, 1), (3, 2))
    A2, W2, b2, Z2 = draw((3, 2), (1, 3), (1, 1), (1, 2))
    caches = (((A1, W1, b1), Z1), ((A2, W2, b2), Z2))
    return AL, Y, caches


def update_parameters_test_case() -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Parameters drawn after seed 2 and gradients of the same shapes drawn after seed 3."""
    shapes = {"W1": (3, 4), "b1": (3, 1), "W2": (1, 3), "b2": (1, 1)}
    np.random.seed(2)
    parameters = layer_parameters(shapes)
    np.random.seed(3)
    grads = layer_parameters({"d" + name: shape for name, shape in shapes.items()})
    return parameters, grads


def print_grads(grads: dict[str, np.ndarray]) -> None:
    """Print the gradients the documented output of ``L_model_backward`` shows."""
    for name in ("dW1", "db1", "dA1"):
        print(f"{name} = {grads[name]}")


def L_model_backward_test_case_3layers() -> tuple[np.ndarray, np.ndarray, tuple]:
    """Seed 4: predictions for three examples and the caches of a three-layer network."""
    np.random.seed(4)
    (scores,) = draw((1, 3))
    AL = 1.0 / (1.0 + np.exp(-scores))
    Y = np.array([[1, 0, 1]])
    sizes = [(4, 3), (3, 2), (2, 1)]  # (units in, units out) of each layer
    caches = []
    for n_in, n_out in sizes:
        A, W, b, Z = draw((n_in, 3), (n_out, n_in), (n_out, 1), (n_out, 3))
        caches.append(((A, W, b), Z))
    return AL, Y, tuple(caches)


# ---------------------------------------------------------------------------------------------
# What SPEC.md (Assignment 1) documents for the fixtures above, written once: the visible checks
# and the hidden tests both compare against these.

INITIALIZE_PARAMETERS_DOCUMENTED = {  # initialize_parameters(3, 2, 1)
    "W1": [[0.01624345, -0.00611756, -0.00528172], [-0.01072969, 0.00865408, -0.02301539]],
    "b1": np.zeros((2, 1)),
    "W2": [[0.01744812, -0.00761207]],
    "b2": np.zeros((1, 1)),
}
DEEP_INIT_DOCUMENTED = {  # initialize_parameters_deep([5, 4, 3])
    "W1": [
        [0.01788628, 0.0043651, 0.00096497, -0.01863493, -0.00277388],
        [-0.00354759, -0.00082741, -0.00627001, -0.00043818, -0.00477218],
        [-0.01313865, 0.00884622, 0.00881318, 0.01709573, 0.00050034],
        [-0.00404677, -0.0054536, -0.01546477, 0.00982367, -0.01101068],
    ],
    "b1": np.zeros((4, 1)),
    "W2": [
        [-0.01185047, -0.0020565, 0.01486148, 0.00236716],
        [-0.01023785, -0.00712993, 0.00625245, -0.00160513],
        [-0.00768836, -0.00230031, 0.00745056, 0.01976111],
    ],
    "b2": np.zeros((3, 1)),
}
LINEAR_FORWARD_DOCUMENTED_Z = [[3.26295337, -1.23429987]]
LINEAR_ACTIVATION_FORWARD_DOCUMENTED_A = {
    "sigmoid": [[0.96890023, 0.11013289]],
    "relu": [[3.43896131, 0.0]],
}
L_MODEL_FORWARD_DOCUMENTED_AL = [[0.03921668, 0.70498921, 0.19734387, 0.04728177]]  # 2 hidden
COMPUTE_COST_DOCUMENTED = 0.414931599615
LINEAR_BACKWARD_DOCUMENTED = {
    "dA_prev": [[0.51822968, -0.19517421], [-0.40506361, 0.15255393], [2.37496825, -0.89445391]],
    "dW": [[-0.10076895, 1.40685096, 1.64992505]],
    "db": [[0.50629448]],
}
LINEAR_ACTIVATION_BACKWARD_DOCUMENTED = {
    "sigmoid": {
        "dA_prev": [
            [0.11017994, 0.01105339],
            [0.09466817, 0.00949723],
            [-0.05743092, -0.00576154],
        ],
        "dW": [[0.10266786, 0.09778551, -0.01968084]],
        "db": [[-0.05729622]],
    },
    "relu": {
        "dA_prev": [[0.44090989, 0.0], [0.37883606, 0.0], [-0.2298228, 0.0]],
        "dW": [[0.44513824, 0.37371418, -0.10478989]],
        "db": [[-0.20837892]],
    },
}
L_MODEL_BACKWARD_DOCUMENTED = {
    "dA0": [[0.0, 0.52257901], [0.0, -0.3269206], [0.0, -0.32070404], [0.0, -0.74079187]],
    "dA1": [[0.12913162, -0.44014127], [-0.14175655, 0.48317296], [0.01663708, -0.05670698]],
    "dW1": [
        [0.41010002, 0.07807203, 0.13798444, 0.10502167],
        [0.0, 0.0, 0.0, 0.0],
        [0.05283652, 0.01005865, 0.01777766, 0.0135308],
    ],
    "db1": [[-0.22007063], [0.0], [-0.02835349]],
    "dW2": [[-0.39202432, -0.13325855, -0.04601089]],
    "db2": [[0.15187861]],
}
# update_parameters with learning rate 0.1 (lesson 3 documents the same values for its own)
UPDATE_PARAMETERS_DOCUMENTED = {
    "W1": [
        [-0.59562069, -0.09991781, -2.14584584, 1.82662008],
        [-1.76569676, -0.80627147, 0.51115557, -1.18258802],
        [-1.0535704, -0.86128581, 0.68284052, 2.20374577],
    ],
    "b1": [[-0.04659241], [-1.28888275], [0.53405496]],
    "W2": [[-0.55569196, 0.0354055, 1.32964895]],
    "b2": [[-0.84610769]],
}
