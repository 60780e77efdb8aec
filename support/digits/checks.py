"""Visible checks for the digits lesson, one per graded function, each on at least two cases.

The first case of each check is the documented one printed in the notebook; the others use other
shapes or inputs (and the edge cases the lesson warns about: huge scores, a probability of
exactly 0, a layer the loop forgot), so a function tuned to the documented numbers still fails.
The expected numbers below were verified against independent computations in
``tests/support/digits/test_checks.py``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np

from support.checks import (
    Case,
    Mismatch,
    call_checked,
    expect_array,
    expect_arrays,
    expect_keys,
    expect_scalar,
    expect_tuple,
    run_cases,
    unchanged,
)
from support.digits.fixtures import (
    backward_propagation_test_case,
    backward_propagation_three_layer_test_case,
    compute_cost_test_case,
    compute_cost_zero_probability_test_case,
    forward_propagation_test_case,
    forward_propagation_three_layer_test_case,
    neural_network_model_test_case,
    one_hot_encoding_test_case,
    predict_test_case,
    random_parameters,
    softmax_large_scores_test_case,
    softmax_test_case,
    update_parameters_test_case,
)
from support.testCases import UPDATE_PARAMETERS_DOCUMENTED

ONE_HOT_SMALL = [[0, 1, 0], [0, 0, 0], [1, 0, 1]]  # labels [2, 0, 2], 3 classes
# Labels 7, 2, 1, 0, 4, 1 (the documented case), ten classes: row d holds the 1s of digit d.
ONE_HOT_DOCUMENTED = [
    [0, 0, 0, 1, 0, 0],
    [0, 0, 1, 0, 0, 1],
    [0, 1, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 1, 0],
    [0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0],
    [1, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0],
]

SOFTMAX_DOCUMENTED = [
    [0.57495949, 0.38148818, 0.05547572, 0.36516899],
    [0.26917503, 0.07040735, 0.53857622, 0.49875847],
    [0.15586548, 0.54810447, 0.40594805, 0.13607254],
]
SOFTMAX_LARGE = [
    [0.09003057, 0.66524096, 1 / 3],
    [0.24472847, 0.09003057, 1 / 3],
    [0.66524096, 0.24472847, 1 / 3],
]
SOFTMAX_ONE_EXAMPLE = [[0.8360188], [0.11314284], [0.05083836]]  # scores 3, 1, 0.2

COST_DOCUMENTED = 0.5634487322061534
COST_ZERO_PROBABILITY = 0.164252033486018

INIT_DOCUMENTED = {
    "W1": [
        [0.01788628, 0.0043651, 0.00096497, -0.01863493, -0.00277388],
        [-0.00354759, -0.00082741, -0.00627001, -0.00043818, -0.00477218],
        [-0.01313865, 0.00884622, 0.00881318, 0.01709573, 0.00050034],
        [-0.00404677, -0.0054536, -0.01546477, 0.00982367, -0.01101068],
    ],
    "b1": [[-0.01185047], [-0.0020565], [0.01486148], [0.00236716]],
    "W2": [
        [-0.01023785, -0.00712993, 0.00625245, -0.00160513],
        [-0.00768836, -0.00230031, 0.00745056, 0.01976111],
        [-0.01244123, -0.00626417, -0.00803766, -0.02419083],
    ],
    "b2": [[-0.00923792], [-0.01023876], [0.01123978]],
}
INIT_THREE_LAYERS = {  # layer_dims [2, 3, 1, 2]
    "W1": [[0.01788628, 0.0043651], [0.00096497, -0.01863493], [-0.00277388, -0.00354759]],
    "b1": [[-0.00082741], [-0.00627001], [-0.00043818]],
    "W2": [[-0.00477218, -0.01313865, 0.00884622]],
    "b2": [[0.00881318]],
    "W3": [[0.01709573], [0.00050034]],
    "b3": [[-0.00404677], [-0.0054536]],
}

FORWARD_DOCUMENTED = [
    [0.00029504, 0.83204379, 0.01053445, 0.00127576],
    [0.01732449, 0.02561068, 0.00314352, 0.02426429],
    [0.98238047, 0.14234553, 0.98632203, 0.97445995],
]
FORWARD_THREE_LAYERS = [
    [0.28695565, 0.43592475, 0.17506135],
    [0.71304435, 0.56407525, 0.82493865],
]
# Every layer's Z in the caches, and the documented case's hidden ReLU output A1.
FORWARD_DOCUMENTED_Z = [
    [
        [-5.23825714, 3.18040136, 0.4074501, -1.88612721],
        [-2.77358234, -0.56177316, 3.18141623, -0.99209432],
        [4.18500916, -1.78006909, -0.14502619, 2.72141638],
        [5.05850802, -1.25674082, -3.54566654, 3.82321852],
    ],
    [
        [2.2644603, 1.09971298, -2.90298027, 1.54036335],
        [6.33722569, -2.38116246, -4.11228806, 4.48582383],
        [10.37508342, -0.66591468, 1.63635185, 8.17870169],
    ],
]
FORWARD_DOCUMENTED_A1 = [
    [0.0, 3.18040136, 0.4074501, 0.0],
    [0.0, 0.0, 3.18141623, 0.0],
    [4.18500916, 0.0, 0.0, 2.72141638],
    [5.05850802, 0.0, 0.0, 3.82321852],
]
FORWARD_THREE_LAYERS_Z = [
    [
        [0.23525789, 3.24187623, -2.2843733],
        [-4.99630388, -2.99591095, 0.76929736],
        [2.89002262, -2.28449368, 4.07316644],
    ],
    [
        [0.71035235, -2.06501276, 1.40705131],
        [-1.29067575, -0.13066761, -0.37543021],
        [-1.91303013, -0.08041784, -1.3067603],
    ],
    [[-0.73089667, 0.1127265, -1.55830492], [0.17931929, 0.37044454, -0.00813241]],
]

BACKWARD_DOCUMENTED = {
    "dW1": [
        [0.59640194, 0.0140238, -0.54714069, -0.314402],
        [0.06912413, -0.01865473, -0.11576685, -0.096201],
        [-0.16201418, -0.0038096, 0.14863223, 0.08540815],
    ],
    "db1": [[-0.32004522], [0.0025942], [0.08694114]],
    "dA1": [
        [2.29595369, -1.26653758, -1.2875733, -1.60022611, 2.24028921],
        [0.48756324, -0.32743119, -0.17513253, -0.26145705, 0.44956057],
        [-0.43203978, 0.13865343, 0.40984726, 0.43470571, -0.46619689],
    ],
    "dW2": [
        [0.42092811, 0.27273296, 0.4330168],
        [0.19156689, 0.17270745, 0.19706853],
        [-0.612495, -0.44544041, -0.63008533],
    ],
    "db2": [[-0.0014681], [0.15059705], [-0.14912895]],
}
BACKWARD_THREE_LAYERS = {
    "dW3": [[-0.01684444, 0.0, 0.0], [0.01684444, 0.0, 0.0]],
    "db3": [[-0.02522735], [0.02522735]],
    "dA2": [
        [0.96576635, -0.36559248, -0.90894878, 0.14247267],
        [-0.46284889, 0.17521223, 0.43561875, -0.06828082],
        [-2.60537106, 0.98626761, 2.45209291, -0.38435195],
    ],
    "dW2": [[-0.21628212, -0.03963211, -0.02604224, -0.23549056], [0.0] * 4, [0.0] * 4],
    "db2": [[-0.04157556], [0.0], [0.0]],
    "dA1": [
        [-0.58611132, 0.22187343, 0.55162945, -0.08646485],
        [1.49402058, -0.56556401, -1.40612497, 0.22040228],
        [0.69857899, -0.26444825, -0.65748047, 0.10305641],
        [0.04455618, -0.01686682, -0.04193487, 0.00657306],
    ],
    "dW1": [
        [-0.02931433, 0.11046431, -0.01255363],
        [0.19512326, -0.10807481, 0.08851312],
        [0.00861102, -0.08226493, 0.00090956],
        [0.00106184, -0.00817178, 0.00060053],
    ],
    "db1": [[0.0768959], [-0.13375645], [-0.07841809], [-0.00323679]],
}

UPDATE_THREE_LAYERS = {  # random_parameters(4, [3, 2, 2, 1]), learning rate 0.05
    "W1": [[0.12979057, 0.52086641, -1.03058886], [0.74339395, -0.44329909, -1.58710532]],
    "b1": [[-0.67763553], [0.63096051]],
    "W2": [[0.33664938, -1.17841012], [0.67604352, -0.10459943]],
    "b2": [[0.40845974], [0.31099953]],
    "W3": [[-1.17436612, 0.40883797]],
    "b3": [[-0.57654292]],
}

PREDICT_DOCUMENTED = [0, 2, 2, 0, 2, 0]

MODEL_DOCUMENTED = {"first cost": 1.0986100408465551, "last cost": 0.6782015955065498}
MODEL_DOCUMENTED_B2 = [[-0.08037356], [0.29616686], [-0.18605161]]
MODEL_THREE_STEPS_COSTS = [1.0986100408465551, 1.0986041096346306, 1.0985981945997796]
MODEL_THREE_STEPS_B1 = [[0.00721446], [0.01976244], [-0.01269735], [-0.0054166], [-0.00794933]]


def call_keeping_inputs(*arguments: Any) -> Callable[[Callable[..., Any]], Any]:
    """A ``Case.run`` that calls the function and then checks its inputs were left alone."""
    return lambda function: call_checked(function, *arguments)


# ------------------------------------------------------------------------------ one_hot_encoding


def one_hot_encoding_test(target: Callable[..., Any]) -> None:
    """Documented labels and a 3-class case: exact 0/1 columns of shape (classes, m)."""
    labels, classes = one_hot_encoding_test_case()
    documented = ONE_HOT_DOCUMENTED

    def verify(expected: Any) -> Callable[[Any], None]:
        def check(Y: Any) -> None:
            expect_array("Y", Y, expected)

        return check

    run_cases(
        target,
        [
            Case("documented labels", call_keeping_inputs(labels, classes), verify(documented)),
            Case(
                "labels [2, 0, 2], 3 classes",
                lambda f: f(np.array([2, 0, 2]), 3),
                verify(ONE_HOT_SMALL),
            ),
        ],
    )


# ---------------------------------------------------------------------------------------- softmax


def check_softmax(expected: Any, Z: np.ndarray) -> Callable[[Any], None]:
    def check(result: Any) -> None:
        A, cache = expect_tuple("softmax's result", result, 2)
        if isinstance(A, np.ndarray) and not np.all(np.isfinite(A)):
            raise Mismatch(
                "A contains nan or inf: np.exp overflowed or 0/0 happened",
                hints=[
                    "subtract each column's own maximum, np.max(Z, axis=0, keepdims=True), "
                    "before np.exp"
                ],
            )
        expect_array("A", A, expected)
        expect_array("cache", cache, Z)

    return check


def softmax_test(target: Callable[..., Any]) -> None:
    """Documented scores, huge scores (stability) and a single example; cache must be Z."""
    Z = softmax_test_case()
    large = softmax_large_scores_test_case()
    column = np.array([[3.0], [1.0], [0.2]])
    run_cases(
        target,
        [
            Case("documented scores", call_keeping_inputs(Z), check_softmax(SOFTMAX_DOCUMENTED, Z)),
            Case(
                "huge and very negative scores",
                call_keeping_inputs(large),
                check_softmax(SOFTMAX_LARGE, large),
            ),
            Case(
                "one example",
                call_keeping_inputs(column),
                check_softmax(SOFTMAX_ONE_EXAMPLE, column),
            ),
        ],
    )


# ----------------------------------------------------------------------------------- compute_cost


def check_cost(expected: float) -> Callable[[Any], None]:
    def check(cost: Any) -> None:
        if isinstance(cost, float | np.floating | np.ndarray) and not np.all(np.isfinite(cost)):
            raise Mismatch(
                f"cost is {cost}; expected {expected!r}",
                hints=[
                    "a wrong class has probability 0 here and 0 * log(0) gave nan: take the log of "
                    "the true class's probability only, np.sum(Y * AL, axis=0)"
                ],
            )
        expect_scalar("cost", cost, expected)

    return check


def compute_cost_test(target: Callable[..., Any]) -> None:
    """Documented case, a zero probability on a wrong class, and a certain, right answer."""
    AL, Y = compute_cost_test_case()
    AL_zero, Y_zero = compute_cost_zero_probability_test_case()
    certain = np.eye(4)
    run_cases(
        target,
        [
            Case("documented case", call_keeping_inputs(AL, Y), check_cost(COST_DOCUMENTED)),
            Case(
                "a wrong class with probability 0",
                call_keeping_inputs(AL_zero, Y_zero),
                check_cost(COST_ZERO_PROBABILITY),
            ),
            Case("certain and right", lambda f: f(certain, certain), check_cost(0.0)),
        ],
    )


# -------------------------------------------------------------------------- initialize_parameters


def initialize_parameters_test(target: Callable[..., Any]) -> None:
    """Seed-3 draws for [5, 4, 3] and for a three-layer network."""

    def verify(expected: dict) -> Callable[[Any], None]:
        def check(parameters: Any) -> None:
            expect_arrays("parameters", parameters, expected)

        return check

    run_cases(
        target,
        [
            Case("layer_dims [5, 4, 3]", lambda f: f([5, 4, 3]), verify(INIT_DOCUMENTED)),
            Case("layer_dims [2, 3, 1, 2]", lambda f: f([2, 3, 1, 2]), verify(INIT_THREE_LAYERS)),
        ],
    )


# ---------------------------------------------------------------------------- forward_propagation


def check_caches(X: np.ndarray, parameters: dict, caches: Any, Zs: list) -> None:
    """Each cache is ((A_prev, W, b), Z) with the layer's own arrays, and layer 1 starts at X."""
    layers = len(parameters) // 2
    if not isinstance(caches, list | tuple) or len(caches) != layers:
        raise Mismatch(f"caches should be a list of {layers} caches, one per layer")
    for l, (cache, Z_expected) in enumerate(zip(caches, Zs, strict=True), start=1):
        linear_cache, Z = expect_tuple(f"caches[{l - 1}]", cache, 2)
        _, W, b = expect_tuple(f"caches[{l - 1}][0]", linear_cache, 3)
        expect_array(f"caches[{l - 1}][0][1] (W{l})", W, parameters[f"W{l}"])
        expect_array(f"caches[{l - 1}][0][2] (b{l})", b, parameters[f"b{l}"])
        expect_array(f"caches[{l - 1}][1] (Z{l})", Z, Z_expected)
    expect_array("caches[0][0][0] (the input of layer 1)", caches[0][0][0], X)


def forward_propagation_test(target: Callable[..., Any]) -> None:
    """AL and every cache, for relu -> softmax and tanh -> relu -> softmax."""

    def verify(X: np.ndarray, parameters: dict, expected: Any, Zs: list) -> Callable[[Any], None]:
        def check(result: Any) -> None:
            AL, caches = expect_tuple("forward_propagation's result", result, 2)
            expect_array("AL", AL, expected)
            check_caches(X, parameters, caches, Zs)

        return check

    documented = forward_propagation_test_case()
    three = forward_propagation_three_layer_test_case()
    X, parameters, _ = documented

    def relu_hidden_layer(result: Any) -> None:
        verify(X, parameters, FORWARD_DOCUMENTED, FORWARD_DOCUMENTED_Z)(result)
        expect_array(
            "caches[1][0][0] (A1, the ReLU output of layer 1)",
            result[1][1][0][0],
            FORWARD_DOCUMENTED_A1,
        )

    run_cases(
        target,
        [
            Case("documented relu -> softmax", call_keeping_inputs(*documented), relu_hidden_layer),
            Case(
                "tanh -> relu -> softmax",
                call_keeping_inputs(*three),
                verify(three[0], three[1], FORWARD_THREE_LAYERS, FORWARD_THREE_LAYERS_Z),
            ),
        ],
    )


# --------------------------------------------------------------------------- backward_propagation


def check_gradients(expected: dict) -> Callable[[Any], None]:
    def check(grads: Any) -> None:
        layers = sum(key.startswith("dW") for key in expected)
        if isinstance(grads, dict) and "dA0" in grads:
            raise Mismatch(
                "grads has a key 'dA0'",
                hints=[
                    "the gradient with respect to the input is not needed; compute dA_prev only "
                    "for l > 1"
                ],
            )
        if isinstance(grads, dict) and f"dA{layers}" in grads:
            raise Mismatch(
                f"grads has a key 'dA{layers}'",
                hints=[
                    "grads['dA' + str(l)] is the gradient with respect to A[l], so layer l's "
                    "dA_prev goes under 'dA' + str(l - 1)"
                ],
            )
        expect_arrays("grads", grads, expected)

    return check


def backward_propagation_test(target: Callable[..., Any]) -> None:
    """All gradients, for relu -> softmax and tanh -> relu -> softmax."""
    run_cases(
        target,
        [
            Case(
                "documented relu -> softmax",
                call_keeping_inputs(*backward_propagation_test_case()),
                check_gradients(BACKWARD_DOCUMENTED),
            ),
            Case(
                "tanh -> relu -> softmax",
                call_keeping_inputs(*backward_propagation_three_layer_test_case()),
                check_gradients(BACKWARD_THREE_LAYERS),
            ),
        ],
    )


# ------------------------------------------------------------------------------ update_parameters


def update_parameters_test(target: Callable[..., Any]) -> None:
    """SPEC's documented update (grads untouched), and every layer of a deeper network."""
    documented_parameters, documented_grads, rate = update_parameters_test_case()
    parameters = random_parameters(4, [3, 2, 2, 1])
    grads = {"d" + key: value[::-1, ::-1].copy() for key, value in parameters.items()}
    expected = UPDATE_THREE_LAYERS

    def verify_all_layers(updated: Any) -> None:
        expect_keys("updated", updated, expected)
        for key in ("W1", "b1", "W3", "b3"):
            if isinstance(updated[key], np.ndarray) and np.array_equal(
                updated[key], parameters[key]
            ):
                raise Mismatch(
                    f"{key} was not updated", hints=["loop over every layer l = 1, ..., L"]
                )
        expect_arrays("updated", updated, expected)

    def run_documented(function: Callable[..., Any]) -> Any:
        verify = unchanged(documented_grads)
        result = function(documented_parameters, documented_grads, rate)
        verify()
        return result

    run_cases(
        target,
        [
            Case(
                "documented case",
                run_documented,
                lambda updated: expect_arrays("updated", updated, UPDATE_PARAMETERS_DOCUMENTED),
            ),
            Case(
                "three layers, learning rate 0.05",
                lambda f: f(copy.deepcopy(parameters), copy.deepcopy(grads), 0.05),
                verify_all_layers,
            ),
        ],
    )


# ---------------------------------------------------------------------------------------- predict


def check_predictions(expected: list[int]) -> Callable[[Any], None]:
    def check(predictions: Any) -> None:
        if isinstance(predictions, np.ndarray) and not np.issubdtype(predictions.dtype, np.integer):
            raise Mismatch(
                f"predictions have dtype {predictions.dtype}; expected integers (argmax)"
            )
        expect_array("predictions", predictions, expected)

    return check


def predict_test(target: Callable[..., Any]) -> None:
    """Documented predictions, and a network whose answer is obvious."""
    identity = {"W1": np.eye(3), "b1": np.zeros((3, 1)), "W2": np.eye(3), "b2": np.zeros((3, 1))}
    obvious = np.array([[5.0, 0, 0, 1], [0, 5, 0, 0], [0, 0, 5, 0]])
    run_cases(
        target,
        [
            Case(
                "documented case",
                call_keeping_inputs(*predict_test_case()),
                check_predictions(PREDICT_DOCUMENTED),
            ),
            Case(
                "largest input wins",
                call_keeping_inputs(obvious, identity, ["relu", "softmax"]),
                check_predictions([0, 1, 2, 0]),
            ),
        ],
    )


# --------------------------------------------------------------------------- neural_network_model


def neural_network_model_test(target: Callable[..., Any]) -> None:
    """Costs, accuracies and parameters after 50 and after 3 iterations."""
    X, Y, dims, activations = neural_network_model_test_case()

    def verify_documented(result: Any) -> None:
        parameters, costs, accuracies = expect_tuple("the model's result", result, 3)
        if not isinstance(costs, list | tuple | np.ndarray) or len(costs) != 50:
            raise Mismatch("costs should hold the cost of every iteration: 50 values")
        expect_scalar("costs[0]", costs[0], MODEL_DOCUMENTED["first cost"])
        expect_scalar("costs[-1]", costs[-1], MODEL_DOCUMENTED["last cost"])
        expect_scalar("accuracies[-1]", accuracies[-1], 0.75)
        expect_array('parameters["b2"]', parameters["b2"], MODEL_DOCUMENTED_B2)

    def verify_three_steps(result: Any) -> None:
        parameters, costs, accuracies = expect_tuple("the model's result", result, 3)
        expect_array("costs", np.asarray(costs, dtype=float), MODEL_THREE_STEPS_COSTS)
        expect_array("accuracies", np.asarray(accuracies, dtype=float), [5 / 12] * 3)
        expect_array('parameters["b1"]', parameters["b1"], MODEL_THREE_STEPS_B1)

    run_cases(
        target,
        [
            Case(
                "documented: 50 iterations, learning rate 0.5",
                call_keeping_inputs(X, Y, dims, activations, 0.5, 50),
                verify_documented,
            ),
            Case(
                "3 iterations, learning rate 0.1",
                call_keeping_inputs(X, Y, dims, activations, 0.1, 3),
                verify_three_steps,
            ),
        ],
    )
