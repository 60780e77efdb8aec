"""Lesson 1's catalogue of typical mistakes, as edits of the solved notebook's graded cells.

Every mutation must fail only its own function, with its hint (``tests/lessons/step_by_step``);
the same list feeds ``dnnkit demo``'s samples and the grading benchmark.
"""

from __future__ import annotations

from autograder.lessons.mutations import Mutation, swap

MUTATIONS: tuple[Mutation, ...] = (
    Mutation(
        "init_rand_not_randn",
        "initialize_parameters",
        (("np.random.randn(", "np.random.rand("),),
        "not np.random.rand",
    ),
    Mutation(
        "init_no_scale", "initialize_parameters", ((" * 0.01", ""),), "multiply the random weights"
    ),
    Mutation("init_no_seed", "initialize_parameters", (("np.random.seed(1)", "pass"),), "seed"),
    Mutation(
        "init_transposed_W1",
        "initialize_parameters",
        (("np.random.randn(n_h, n_x)", "np.random.randn(n_x, n_h)"),),
        "transposed",
    ),
    Mutation(
        "deep_rand_not_randn",
        "initialize_parameters_deep",
        (("np.random.randn(", "np.random.rand("),),
        "erratum 2",
    ),
    Mutation(
        "deep_loop_off_by_one",
        "initialize_parameters_deep",
        (("for l in range(1, L + 1):", "for l in range(1, L):"),),
        "the last layer is missing",
    ),
    Mutation(
        "deep_wrong_seed", "initialize_parameters_deep", (("seed(3)", "seed(1)"),), "np.random.seed"
    ),
    Mutation(
        "forward_no_bias",
        "linear_forward",
        (("Z = np.dot(W, A) + b", "Z = np.dot(W, A)"),),
        "the bias b is missing",
    ),
    Mutation(
        "forward_cache_order",
        "linear_forward",
        (("cache = (A, W, b)", "cache = (W, A, b)"),),
        "the cache must be the tuple (A, W, b)",
    ),
    Mutation(
        "forward_transposed_product",
        "linear_forward",
        (("Z = np.dot(W, A) + b", "Z = np.dot(A.T, W.T) + b"),),
        "transposed",
    ),
    Mutation(
        "activation_swapped",
        "linear_activation_forward",
        swap("sigmoid(Z)", "relu(Z)"),
        "the activations are swapped",
    ),
    Mutation(
        "activation_cache_order",
        "linear_activation_forward",
        (("cache = (linear_cache, activation_cache)", "cache = (activation_cache, linear_cache)"),),
        "(linear_cache, activation_cache)",
    ),
    Mutation(
        "model_forward_sigmoid_hidden",
        "L_model_forward",
        (('parameters["b" + str(l)], "relu"', 'parameters["b" + str(l)], "sigmoid"'),),
        "hidden layers use relu",
    ),
    Mutation(
        "model_forward_relu_output",
        "L_model_forward",
        (('parameters["b" + str(L)], "sigmoid"', 'parameters["b" + str(L)], "relu"'),),
        "the last layer uses sigmoid",
    ),
    Mutation(
        "model_forward_loop_off_by_one",
        "L_model_forward",
        (("for l in range(1, L):", "for l in range(1, L - 1):"),),
        "off by one",
    ),
    Mutation(
        "model_forward_last_cache_missing",
        "L_model_forward",
        (("### END CODE HERE ###\n    caches.append(cache)\n\n", "### END CODE HERE ###\n\n"),),
        "append the last layer's cache",
    ),
    Mutation("cost_no_one_over_m", "compute_cost", ((") / m", ")"),), "divide by m"),
    Mutation(
        "cost_m_from_rows",
        "compute_cost",
        (("m = Y.shape[1]", "m = Y.shape[0]"),),
        "not Y.shape[0]",
    ),
    Mutation(
        "cost_no_minus", "compute_cost", (("cost = -np.sum(", "cost = np.sum("),), "minus sign"
    ),
    Mutation(
        "cost_no_clip",
        "compute_cost",
        (("AL = np.clip(AL, eps, 1 - eps)", "AL = AL"),),
        "erratum 6",
    ),
    Mutation(
        "cost_missing_term",
        "compute_cost",
        ((" + (1 - Y) * np.log(1 - AL)", ""),),
        "the (1 - Y) * log(1 - AL) term is missing",
    ),
    Mutation(
        "backward_no_one_over_m",
        "linear_backward",
        (("A_prev.T) / m", "A_prev.T)"), ("keepdims=True) / m", "keepdims=True)")),
        "the factor 1/m",
    ),
    Mutation(
        "backward_keepdims_lost",
        "linear_backward",
        (("np.sum(dZ, axis=1, keepdims=True)", "np.sum(dZ, axis=1)"),),
        "keepdims=True",
    ),
    Mutation(
        "backward_db_squeezed",
        "linear_backward",
        (
            (
                "db = np.sum(dZ, axis=1, keepdims=True) / m",
                "db = np.squeeze(np.sum(dZ, axis=1)) / m",
            ),
        ),
        "db must keep the column shape of b",
    ),
    Mutation(
        "backward_dA_prev_over_m",
        "linear_backward",
        (("dA_prev = np.dot(W.T, dZ)", "dA_prev = np.dot(W.T, dZ) / m"),),
        "dA_prev = W.T dZ has no 1/m",
    ),
    Mutation(
        "activation_backward_swapped",
        "linear_activation_backward",
        swap("relu_backward(dA", "sigmoid_backward(dA"),
        "the backward functions are swapped",
    ),
    Mutation(
        "activation_backward_no_dZ",
        "linear_activation_backward",
        (
            ("relu_backward(dA, activation_cache)", "dA"),
            ("sigmoid_backward(dA, activation_cache)", "dA"),
        ),
        "first turn dA into dZ",
    ),
    Mutation(
        "model_backward_dA_keys_shifted",
        "L_model_backward",
        (
            ('grads["dA" + str(L - 1)] = dA_prev', 'grads["dA" + str(L)] = dA_prev'),
            ('(grads["dA" + str(l)], caches', '(grads["dA" + str(l + 1)], caches'),
            ('grads["dA" + str(l - 1)] = dA_prev', 'grads["dA" + str(l)] = dA_prev'),
        ),
        "erratum 1",
    ),
    Mutation(
        "model_backward_sigmoid_in_relu_loop",
        "L_model_backward",
        (('caches[l - 1], "relu")', 'caches[l - 1], "sigmoid")'),),
        "erratum 7",
    ),
    Mutation(
        "model_backward_dAL_sign",
        "L_model_backward",
        (
            (
                "dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))",
                "dAL = np.divide(Y, AL) - np.divide(1 - Y, 1 - AL)",
            ),
        ),
        "check its sign",
    ),
    Mutation(
        "model_backward_dAL_to_every_layer",
        "L_model_backward",
        (('(grads["dA" + str(l)], caches', "(dAL, caches"),),
        "not dAL: dAL belongs to the output layer L only",
    ),
    Mutation(
        "model_backward_output_gradient_to_every_layer",
        "L_model_backward",
        (('(grads["dA" + str(l)], caches', '(grads["dA" + str(L - 1)], caches'),),
        "the output layer's gradient",
    ),
    Mutation(
        "model_backward_dA_keys_shifted_and_dAL_sign",
        "L_model_backward",
        (
            ('grads["dA" + str(L - 1)] = dA_prev', 'grads["dA" + str(L)] = dA_prev'),
            ('(grads["dA" + str(l)], caches', '(grads["dA" + str(l + 1)], caches'),
            ('grads["dA" + str(l - 1)] = dA_prev', 'grads["dA" + str(l)] = dA_prev'),
            ("dAL = -(np.divide(Y, AL)", "dAL = (np.divide(Y, AL)"),
        ),
        "check its sign",
    ),
    Mutation(
        "model_backward_skips_layer_one",
        "L_model_backward",
        (("reversed(range(1, L))", "reversed(range(2, L))"),),
        "layer 1 is missing",
    ),
    Mutation(
        "update_erratum_7_range",
        "update_parameters",
        (("for l in range(1, L + 1):", "for l in range(1, L - 1):"),),
        "range(1, L - 1) skips the last two",
    ),
    Mutation(
        "update_plus_sign",
        "update_parameters",
        (("] - learning_rate * grads", "] + learning_rate * grads"),),
        "gradient descent subtracts",
    ),
    Mutation(
        "update_biases_forgotten",
        "update_parameters",
        (('] - learning_rate * grads["db" + str(l)]', "]"),),
        "update the biases too",
    ),
    Mutation(
        "update_changes_grads",
        "update_parameters",
        (
            (
                'parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * ',
                'grads["dW" + str(l)] *= learning_rate\n'
                '        parameters["W" + str(l)] = parameters["W" + str(l)] - ',
            ),
        ),
        "argument 2 was changed in place",
    ),
)

# Not a student's mistake but a runaway: an infinite loop at the top level of a solution cell.
# The grader must stop it at the CPU limit and still grade every other function.
RUNAWAY = Mutation(
    "forward_top_level_loop",
    "linear_forward",
    (("    return Z, cache", "    return Z, cache\n\n\nwhile True:\n    pass"),),
    "an infinite loop",
)

BY_SLUG = {mutation.slug: mutation for mutation in (*MUTATIONS, RUNAWAY)}
