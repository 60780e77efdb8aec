"""Visible checks for lesson 1, one per graded function, each on at least two cases.

The first case of each check is the documented one printed in the notebook; the others use
different shapes or inputs so that a function tuned to the documented numbers still fails.
Every check also verifies that the function leaves its input arrays unchanged.
"""

from __future__ import annotations

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
    expect_shape,
    expect_tuple,
    run_cases,
    unchanged,
)
from support.testCases import (
    COMPUTE_COST_DOCUMENTED,
    DEEP_INIT_DOCUMENTED,
    INITIALIZE_PARAMETERS_DOCUMENTED,
    L_MODEL_BACKWARD_DOCUMENTED,
    L_MODEL_FORWARD_DOCUMENTED_AL,
    LINEAR_ACTIVATION_BACKWARD_DOCUMENTED,
    LINEAR_ACTIVATION_FORWARD_DOCUMENTED_A,
    LINEAR_BACKWARD_DOCUMENTED,
    LINEAR_FORWARD_DOCUMENTED_Z,
    UPDATE_PARAMETERS_DOCUMENTED,
    L_model_backward_test_case,
    L_model_backward_test_case_3layers,
    L_model_forward_test_case,
    L_model_forward_test_case_2hidden,
    compute_cost_test_case,
    linear_activation_backward_test_case,
    linear_activation_forward_test_case,
    linear_backward_test_case,
    linear_forward_test_case,
    update_parameters_test_case,
)

# Hand-made layer from the course notes: Z = W A + b is easy to verify on paper.
HAND_W = [[1.0, 1.3], [2.0, 3.3], [4.0, 5.3]]
HAND_B = [[2.7], [3.5], [2.4]]
HAND_A = [[1.0, 2.8, 3.5, 2.9], [2.2, 3.9, 4.8, 3.3]]
HAND_Z = [[6.56, 10.57, 12.44, 9.89], [12.76, 21.97, 26.34, 20.19], [18.06, 34.27, 41.84, 31.49]]
# Z of linear_activation_forward's documented fixture; the relu output [[3.43896131 0.]] shows it.
LINEAR_ACTIVATION_FORWARD_DOCUMENTED_Z = [[3.43896131, -2.08938436]]


def zeros_like_bias(parameters: dict[str, np.ndarray], count: int) -> dict[str, np.ndarray]:
    """Expected bias vectors: zeros shaped like the rows of each layer's weights."""
    return {f"b{l}": np.zeros((len(parameters[f"W{l}"]), 1)) for l in range(1, count + 1)}


def initialize_parameters_test(target: Callable[..., Any]) -> None:
    def verify_221(p: Any) -> None:
        expect_keys("parameters", p, ["W1", "b1", "W2", "b2"])
        expect_array("W1", p["W1"], [[0.01624345, -0.00611756], [-0.00528172, -0.01072969]])
        expect_array("b1", p["b1"], np.zeros((2, 1)))
        expect_array("W2", p["W2"], [[0.00865408, -0.02301539]])
        expect_array("b2", p["b2"], np.zeros((1, 1)))

    def verify_432(p: Any) -> None:
        expect_keys("parameters", p, ["W1", "b1", "W2", "b2"])
        expect_shape("W1", p["W1"], (3, 4))
        expect_array("W1 row 0", p["W1"][0], [0.01624345, -0.00611756, -0.00528172, -0.01072969])
        expect_array("b1", p["b1"], np.zeros((3, 1)))
        expect_array(
            "W2",
            p["W2"],
            [[-0.00322417, -0.00384054, 0.01133769], [-0.01099891, -0.00172428, -0.00877858]],
        )
        expect_array("b2", p["b2"], np.zeros((2, 1)))

    run_cases(
        target,
        [
            Case(
                "documented case (3, 2, 1)",
                lambda f: f(3, 2, 1),
                lambda p: expect_arrays("parameters", p, INITIALIZE_PARAMETERS_DOCUMENTED),
            ),
            Case("sizes (2, 2, 1)", lambda f: f(2, 2, 1), verify_221),
            Case("sizes (4, 3, 2)", lambda f: f(4, 3, 2), verify_432),
        ],
    )


def initialize_parameters_deep_test(target: Callable[..., Any]) -> None:

    def verify_432(p: Any) -> None:
        expect_keys("parameters", p, ["W1", "b1", "W2", "b2"])
        expect_shape("W1", p["W1"], (3, 4))
        expect_array("W1 row 0", p["W1"][0], [0.01788628, 0.0043651, 0.00096497, -0.01863493])
        expect_array(
            "W2",
            p["W2"],
            [[0.00881318, 0.01709573, 0.00050034], [-0.00404677, -0.0054536, -0.01546477]],
        )
        expect_arrays("parameters", {k: p[k] for k in ("b1", "b2")}, zeros_like_bias(p, 2))

    def verify_deep(p: Any) -> None:
        sizes = [6, 5, 4, 3, 1]
        expect_keys("parameters", p, [f"{k}{l}" for l in range(1, 5) for k in "Wb"])
        for l in range(1, 5):
            expect_array(f"b{l}", p[f"b{l}"], np.zeros((sizes[l], 1)))
            expect_shape(f"W{l}", p[f"W{l}"], (sizes[l], sizes[l - 1]))
        if not 0.001 < float(np.std(p["W1"])) < 0.05:
            raise Mismatch("W1 does not look like randn(...) * 0.01 (its spread is off)")
        if np.all(p["W1"] >= 0):
            raise Mismatch("W1 has no negative entry: use np.random.randn, not np.random.rand")

    run_cases(
        target,
        [
            Case(
                "documented case [5, 4, 3]",
                lambda f: f([5, 4, 3]),
                lambda p: expect_arrays("parameters", p, DEEP_INIT_DOCUMENTED),
            ),
            Case("layers [4, 3, 2]", lambda f: f([4, 3, 2]), verify_432),
            Case("four layers [6, 5, 4, 3, 1]", lambda f: f([6, 5, 4, 3, 1]), verify_deep),
        ],
    )


def linear_forward_test(target: Callable[..., Any]) -> None:
    def verify_cache(result: Any, A: Any, W: Any, b: Any, Z: Any) -> None:
        Z_got, cache = expect_tuple("the result", result, 2)
        expect_array("Z", Z_got, Z)
        cache = expect_tuple("cache", cache, 3)
        for label, got, want in (
            ("cache[0] (A)", cache[0], A),
            ("cache[1] (W)", cache[1], W),
            ("cache[2] (b)", cache[2], b),
        ):
            expect_array(label, got, want)

    A, W, b = linear_forward_test_case()
    hand = [np.array(HAND_A), np.array(HAND_W), np.array(HAND_B)]
    run_cases(
        target,
        [
            Case(
                "documented case",
                lambda f: call_checked(f, A, W, b),
                lambda r: verify_cache(r, A, W, b, LINEAR_FORWARD_DOCUMENTED_Z),
            ),
            Case(
                "hand-made layer: 3 units, 4 examples",
                lambda f: call_checked(f, *hand),
                lambda r: verify_cache(r, *hand, HAND_Z),
            ),
        ],
    )


def linear_activation_forward_test(target: Callable[..., Any]) -> None:
    def verify(expected_A: Any, expected_Z: Any) -> Callable[[Any], None]:
        def check(result: Any) -> None:
            A, cache = expect_tuple("the result", result, 2)
            expect_array("A", A, expected_A)
            linear_cache, activation_cache = expect_tuple("cache", cache, 2)
            expect_tuple("linear_cache", linear_cache, 3)
            expect_array("activation_cache (Z)", activation_cache, expected_Z)

        return check

    A_prev, W, b = linear_activation_forward_test_case()
    documented_Z = LINEAR_ACTIVATION_FORWARD_DOCUMENTED_Z
    hand = [np.array(HAND_A), np.array(HAND_W), np.array(HAND_B)]
    run_cases(
        target,
        [
            Case(
                "documented case, sigmoid",
                lambda f: call_checked(f, A_prev, W, b, "sigmoid"),
                verify(LINEAR_ACTIVATION_FORWARD_DOCUMENTED_A["sigmoid"], documented_Z),
            ),
            Case(
                "documented case, relu",
                lambda f: call_checked(f, A_prev, W, b, "relu"),
                verify(LINEAR_ACTIVATION_FORWARD_DOCUMENTED_A["relu"], documented_Z),
            ),
            Case(
                "hand-made layer, relu (all Z positive, so A = Z)",
                lambda f: call_checked(f, *hand, activation="relu"),
                verify(HAND_Z, HAND_Z),
            ),
            Case(
                "hand-made layer, sigmoid (row 0)",
                lambda f: call_checked(f, *hand, activation="sigmoid")[0][0],
                lambda row: expect_array(
                    "A row 0", row, [0.99858612, 0.99997433, 0.99999604, 0.99994932]
                ),
            ),
        ],
    )


def L_model_forward_test(target: Callable[..., Any]) -> None:
    def verify(expected_AL: Any, layers: int) -> Callable[[Any], None]:
        def check(result: Any) -> None:
            AL, caches = expect_tuple("the result", result, 2)
            expect_array("AL", AL, expected_AL)
            if not isinstance(caches, list | tuple) or len(caches) != layers:
                raise Mismatch(f"caches should hold {layers} caches, one per layer")
            for index, cache in enumerate(caches):
                expect_tuple(f"caches[{index}]", cache, 2)

        return check

    X2, parameters2 = L_model_forward_test_case_2hidden()
    X1, parameters1 = L_model_forward_test_case()
    run_cases(
        target,
        [
            Case(
                "documented case: two hidden layers",
                lambda f: call_checked(f, X2, parameters2),
                verify(L_MODEL_FORWARD_DOCUMENTED_AL, 3),
            ),
            Case(
                "one hidden layer",
                lambda f: call_checked(f, X1, parameters1),
                verify([[0.17007265, 0.2524272]], 2),
            ),
        ],
    )


def compute_cost_test(target: Callable[..., Any]) -> None:
    Y, AL = compute_cost_test_case()
    Y_mixed = np.array([[1, 1, 0]])
    run_cases(
        target,
        [
            Case(
                "documented case",
                lambda f: call_checked(f, AL, Y),
                lambda cost: expect_scalar("cost", cost, COMPUTE_COST_DOCUMENTED),
            ),
            Case(
                "labels [1, 1, 0]",
                lambda f: call_checked(f, AL, Y_mixed),
                lambda cost: expect_scalar("cost", cost, 0.2797765635793422),
            ),
        ],
    )


def linear_backward_test(target: Callable[..., Any]) -> None:
    def verify(expected: dict[str, Any], rows: dict[str, Any]) -> Callable[[Any], None]:
        def check(result: Any) -> None:
            named = dict(
                zip(("dA_prev", "dW", "db"), expect_tuple("the result", result, 3), strict=True)
            )
            for name, value in expected.items():
                expect_array(name, named[name], value)
            for name, row in rows.items():
                expect_array(f"{name} row 0", named[name][0], row)

        return check

    dZ, cache = linear_backward_test_case()
    np.random.seed(1)
    big_dZ, big_A, big_W, big_b = (np.random.randn(*s) for s in [(3, 4), (5, 4), (3, 5), (3, 1)])
    run_cases(
        target,
        [
            Case(
                "documented case",
                lambda f: call_checked(f, dZ, cache),
                verify(LINEAR_BACKWARD_DOCUMENTED, {}),
            ),
            Case(
                "3 units, 5 inputs, 4 examples",
                lambda f: call_checked(f, big_dZ, (big_A, big_W, big_b)),
                verify(
                    {"db": [[-0.14713786], [-0.11313155], [-0.13209101]]},
                    {"dW": [0.07313866, -0.0976715, -0.87585828, 0.73763362, 0.00785716]},
                ),
            ),
        ],
    )


def linear_activation_backward_test(target: Callable[..., Any]) -> None:
    def verify(expected: dict[str, Any]) -> Callable[[Any], None]:
        def check(result: Any) -> None:
            values = expect_tuple("the result", result, 3)
            for (name, want), got in zip(expected.items(), values, strict=True):
                expect_array(name, got, want)

        return check

    dA, cache = linear_activation_backward_test_case()
    run_cases(
        target,
        [
            Case(
                "documented case, sigmoid",
                lambda f: call_checked(f, dA, cache, "sigmoid"),
                verify(LINEAR_ACTIVATION_BACKWARD_DOCUMENTED["sigmoid"]),
            ),
            Case(
                "documented case, relu",
                lambda f: call_checked(f, dA, cache, "relu"),
                verify(LINEAR_ACTIVATION_BACKWARD_DOCUMENTED["relu"]),
            ),
        ],
    )


def L_model_backward_test(target: Callable[..., Any]) -> None:
    three_layers = {
        "dA0": [
            [0.0415398, -0.65255138, 1.19213698],
            [-0.07639528, 1.13938754, -1.88785844],
            [-0.01354809, -2.39852902, 5.28279093],
            [-0.05814988, -0.99567923, 2.44433587],
        ],
        "dA1": [
            [1.76054656, -1.57172789, 3.42166199],
            [-0.03590905, 0.08818062, -0.1919698],
            [-0.03436028, 0.08344391, -0.18165795],
        ],
        "dA2": [[-0.07615486, 0.06741352, -0.14675969], [-0.95636354, 0.84658864, -1.84302906]],
        "dW1": [
            [-1.58814384, 0.06535, -0.42448064, -1.49348192],
            [0.10139699, -0.02126066, 0.00563028, 0.0740246],
            [-0.01957898, 0.02406761, 0.03035061, 0.00437297],
        ],
        "db1": [[0.6166447], [-0.06398993], [0.01636121]],
        "dW2": [[-0.05064772, 0.00618372, -0.0656098], [-0.8899596, 0.50721006, -1.07963265]],
        "db2": [[-0.02644872], [-0.65093465]],
        "dW3": [[-0.20637224, 0.53434005]],
        "db3": [[-0.3270892]],
    }
    key_hint = 'grads["dA" + str(l)] is the gradient with respect to A of layer l; dA0 is for X'

    def verify(expected: dict[str, Any]) -> Callable[[Any], None]:
        def check(grads: Any) -> None:
            try:
                expect_keys("grads", grads, expected)
            except Mismatch as mismatch:
                raise Mismatch(*mismatch.problems, hints=[key_hint]) from None
            for name, value in expected.items():
                expect_array(name, grads[name], value)

        return check

    run_cases(
        target,
        [
            Case(
                "documented case: two layers",
                lambda f: call_checked(f, *L_model_backward_test_case()),
                verify(L_MODEL_BACKWARD_DOCUMENTED),
            ),
            Case(
                "three layers, three examples",
                lambda f: call_checked(f, *L_model_backward_test_case_3layers()),
                verify(three_layers),
            ),
        ],
    )


def update_parameters_test(target: Callable[..., Any]) -> None:
    def verify(expected: dict[str, Any]) -> Callable[[Any], None]:
        return lambda parameters: expect_arrays("parameters", parameters, expected)

    def update_keeping_grads(
        f: Callable[..., Any], parameters: dict, grads: dict, rate: float
    ) -> Any:
        verify_grads = unchanged(grads)
        result = f(parameters, grads, rate)
        verify_grads()
        return result

    # Three layers of small hand-picked numbers: every expected entry is p - 0.5 * g.
    hand_parameters = {
        "W1": np.array([[1.0, -2.0], [0.5, 0.0]]),
        "b1": np.array([[0.0], [1.0]]),
        "W2": np.array([[2.0, 1.0]]),
        "b2": np.array([[-1.0]]),
        "W3": np.array([[4.0]]),
        "b3": np.array([[3.0]]),
    }
    hand_grads = {
        "dW1": np.array([[2.0, 2.0], [-1.0, 4.0]]),
        "db1": np.array([[1.0], [-2.0]]),
        "dW2": np.array([[0.0, -6.0]]),
        "db2": np.array([[8.0]]),
        "dW3": np.array([[1.0]]),
        "db3": np.array([[-4.0]]),
    }
    run_cases(
        target,
        [
            Case(
                "documented case",
                lambda f: update_keeping_grads(f, *update_parameters_test_case(), 0.1),
                verify(UPDATE_PARAMETERS_DOCUMENTED),
            ),
            Case(
                "three layers, learning rate 0.5",
                lambda f: update_keeping_grads(f, hand_parameters, hand_grads, 0.5),
                verify(
                    {
                        "W1": [[0.0, -3.0], [1.0, -2.0]],
                        "b1": [[-0.5], [2.0]],
                        "W2": [[2.0, 4.0]],
                        "b2": [[-5.0]],
                        "W3": [[3.5]],
                        "b3": [[5.0]],
                    }
                ),
            ),
        ],
    )
