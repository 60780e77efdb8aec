"""Small, seeded inputs for the digits lesson's graded functions (its ``testCases``).

Each ``*_test_case`` returns the arguments of one call. They are tiny (a few units, a few
examples) so a student can follow every number by hand, and seeded so everyone sees the same ones.
Where a function needs softmax probabilities or one-hot labels, the fixture writes them out or
draws any valid ones: a fixture never relies on (or gives away) the student's own functions.
"""

from __future__ import annotations

import numpy as np

from support.testCases import update_parameters_test_case as lesson_one_update_case


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
    return AL, np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 1.0]])


def compute_cost_zero_probability_test_case() -> tuple[np.ndarray, np.ndarray]:
    """A wrong class gets probability exactly 0 (as a saturated softmax does): labels 0 and 2."""
    AL = np.array([[0.8, 0.0], [0.2, 0.1], [0.0, 0.9]])
    return AL, np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 1.0]])


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
    # The forward pass's values, written out: a fixture never computes what a graded function does.
    Z1 = np.array(
        [
            [
                -5.339166810133812,
                -0.5588075094242588,
                -0.2858416710058387,
                3.746434977846893,
                -1.003548767328665,
            ],
            [
                -2.9611786136736202,
                -0.37367184620767724,
                0.5211075784952813,
                2.2238601349772815,
                0.20584157046930018,
            ],
            [
                -3.8759137883124763,
                -1.538935877357348,
                -3.1331064063264478,
                3.8540293631652496,
                -2.619278891305799,
            ],
        ]
    )
    A1 = np.array(
        [
            [0.0, 0.0, 0.0, 3.746434977846893, 0.0],
            [0.0, 0.0, 0.5211075784952813, 2.2238601349772815, 0.20584157046930018],
            [0.0, 0.0, 0.0, 3.8540293631652496, 0.0],
        ]
    )
    Z2 = np.array(
        [
            [
                -0.5966496416841992,
                -0.5966496416841992,
                -1.078044665143352,
                -15.660018952582409,
                -0.7868044422170701,
            ],
            [
                -0.5885943796882429,
                -0.5885943796882429,
                -0.6573358861121832,
                -2.9272326165308966,
                -0.6157478125352333,
            ],
            [
                -0.8738822977622994,
                -0.8738822977622994,
                -1.0595376905062674,
                -5.961567843811015,
                -0.9472176303991077,
            ],
        ]
    )
    AL = np.random.rand(3, 5)
    AL = AL / AL.sum(axis=0, keepdims=True)
    Y = np.array([[1.0, 0, 0, 0, 1], [0, 1, 0, 0, 0], [0, 0, 1, 1, 0]])  # labels 0, 1, 2, 2, 0
    caches = [((X, W1, b1), Z1), ((A1, W2, b2), Z2)]
    return AL, Y, caches, ["relu", "softmax"]


def backward_propagation_three_layer_test_case() -> tuple[np.ndarray, np.ndarray, list, list[str]]:
    """AL, Y and caches of a tanh -> relu -> softmax network of sizes [3, 4, 3, 2] (seed 4)."""
    parameters = random_parameters(4, [3, 4, 3, 2])
    A0 = np.random.randn(3, 4)
    # The forward pass's values, written out: a fixture never computes what a graded function does.
    Z1 = np.array(
        [
            [-0.7364193113503342, 0.49783440973398463, 0.018752677497051673, -0.5779089742529472],
            [-1.0160379858766475, -0.09465179945737434, -0.975125641399754, -1.7220450876611217],
            [-1.2789597320169428, -0.5595753626815703, -0.729048932186092, -0.20405518459402539],
            [-0.6745329648479459, 1.599927301681539, 0.18849920230532638, 1.6405310135071],
        ]
    )
    A1 = np.array(
        [
            [-0.6269769186663632, 0.46041233025328887, 0.018750479599151843, -0.5211439679794008],
            [-0.7682478568375743, -0.0943701480752317, -0.750948078117415, -0.9381088149279341],
            [-0.8562075060752108, -0.5076623014916177, -0.6224831513813435, -0.20126938879166653],
            [-0.5879537543605808, 0.9216576106079202, 0.1862979022482041, 0.9275467635424874],
        ]
    )
    Z2 = np.array(
        [
            [0.18133221161841306, 0.8856484160368376, 0.020993955424490895, 0.3979946161584662],
            [-0.21256627106676396, -3.0140917823361235, -1.7450284814976795, -2.0532867588382544],
            [-3.142865119874575, -1.5495510761084423, -2.1664107303469473, -3.552613530326557],
        ]
    )
    A2 = np.array(
        [
            [0.18133221161841306, 0.8856484160368376, 0.020993955424490895, 0.3979946161584662],
            [0.0, 0.0, 0.0, 0.0],
            [0.0, 0.0, 0.0, 0.0],
        ]
    )
    Z3 = np.array(
        [
            [1.0132048532487605, 1.395262099865202, 0.9262291563892591, 1.1307336580733238],
            [-0.47668135406083834, -1.2553621114692919, -0.29941393639901076, -0.7162198514158653],
        ]
    )
    W1, b1, W2, b2, W3, b3 = (parameters[key] for key in ("W1", "b1", "W2", "b2", "W3", "b3"))
    caches = [((A0, W1, b1), Z1), ((A1, W2, b2), Z2), ((A2, W3, b3), Z3)]
    AL = np.random.rand(2, 4)
    AL = AL / AL.sum(axis=0, keepdims=True)
    Y = np.array([[0.0, 1, 1, 0], [1, 0, 0, 1]])  # labels 1, 0, 0, 1
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
    # labels 0, 1, 2, 0, 1, 2, 2, 1, 0, 0, 1, 2
    Y = np.array(
        [
            [1.0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0],
            [0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0],
            [0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1],
        ]
    )
    return X, Y, [6, 5, 3], ["relu", "softmax"]
