"""Lesson 3's catalogue of typical mistakes, as edits of the solved notebook's graded cells.

Among them are the bugs of the original multi-class listing (SPEC erratum 5: the initialiser's
bogus first layer, the global maximum in softmax, the update that skips layer 1) and the cost that
takes 0 * log(0) (erratum 6). Every mutation must fail only its own function, with its hint
(``tests/lessons/digits``); the visible checks' tests reuse the same edits.
"""

from __future__ import annotations

from autograder.lessons.mutations import Mutation

MUTATIONS: tuple[Mutation, ...] = (
    Mutation(
        "one_hot_rows",
        "one_hot_encoding",
        (("np.eye(num_classes)[:, labels]", "np.eye(num_classes)[labels]"),),
        "np.eye(num_classes)[labels] gives one row per example",
    ),
    Mutation(
        "one_hot_fixed_ten_classes",
        "one_hot_encoding",
        (("np.eye(num_classes)[:, labels]", "np.eye(10)[:, labels]"),),
        "use num_classes, not a fixed 10",
    ),
    Mutation(
        "softmax_global_max",
        "softmax",
        (("np.max(Z, axis=0, keepdims=True)", "np.max(Z)"),),
        "not the maximum of the whole array: a column far below it underflows to 0 / 0 "
        "(SPEC erratum 5)",
    ),
    Mutation(
        "softmax_over_rows",
        "softmax",
        (("axis=0", "axis=1"),),
        "softmax normalises each column (one example per column): use axis=0, not axis=1",
    ),
    Mutation(
        "softmax_no_shift",
        "softmax",
        (("shifted = Z - np.max(Z, axis=0, keepdims=True)", "shifted = Z"),),
        "np.exp overflowed or divided 0 by 0: subtract each column's maximum before np.exp",
    ),
    Mutation(
        "cost_log_of_every_class",
        "compute_cost",
        (("np.log(true_class_probabilities)", "Y * np.log(AL)"),),
        "0 * log(0) gave nan: take the log of the true class's probability only",
    ),
    Mutation(
        "cost_no_minus",
        "compute_cost",
        (("cost = -np.sum(", "cost = np.sum("),),
        "the cost needs a minus sign in front",
    ),
    Mutation(
        "cost_no_one_over_m",
        "compute_cost",
        ((") / m", ")"),),
        "divide by m, the number of examples",
    ),
    Mutation(
        "cost_m_from_rows",
        "compute_cost",
        ((") / m", ") / Y.shape[0]"),),
        "m is the number of examples, Y.shape[1] (columns), not Y.shape[0] (classes)",
    ),
    Mutation(
        "init_zero_biases",
        "initialize_parameters",
        (("np.random.randn(layer_dims[l], 1) * 0.01", "np.zeros((layer_dims[l], 1))"),),
        "in this lesson the biases are random too",
    ),
    Mutation(
        "init_rand_not_randn",
        "initialize_parameters",
        (("np.random.randn(", "np.random.rand("),),
        "use np.random.randn (normal values), not np.random.rand (uniform)",
    ),
    Mutation(
        "init_no_scale",
        "initialize_parameters",
        ((" * 0.01", ""),),
        "multiply the random values by 0.01",
    ),
    Mutation(
        "init_wrong_seed",
        "initialize_parameters",
        (("np.random.seed(3)", "np.random.seed(1)"),),
        "keep np.random.seed(3) at the start of the function",
    ),
    # The original listing: for i in range(len(layer_dims)), "W" + str(i + 1) of shape
    # (layer_dims[i], layer_dims[i - 1]), so W1 is built from layer_dims[-1] and one layer is added.
    Mutation(
        "init_listing_loop",
        "initialize_parameters",
        (
            ("for l in range(1, L + 1):", "for l in range(len(layer_dims)):"),
            ('"W" + str(l)', '"W" + str(l + 1)'),
            ('"b" + str(l)', '"b" + str(l + 1)'),
        ),
        "a loop over range(len(layer_dims)) adds a bogus layer built from layer_dims[-1] "
        "(SPEC erratum 5)",
    ),
    Mutation(
        "forward_activation_index_shifted",
        "forward_propagation",
        (("activations[l - 1]", "activations[l - 2]"),),
        "layer l uses activations[l - 1] (the list starts at layer 1)",
    ),
    Mutation(
        "forward_last_activation_everywhere",
        "forward_propagation",
        (("activations[l - 1]", "activations[-1]"),),
        "every layer has its own activation: look up activations[l - 1] inside the loop",
    ),
    Mutation(
        "backward_dZ_sign",
        "backward_propagation",
        (("dZ = AL - Y", "dZ = Y - AL"),),
        "the output layer's gradient is dZ = AL - Y (not Y - AL)",
    ),
    Mutation(
        "backward_no_one_over_m",
        "backward_propagation",
        (("A_prev.T) / m", "A_prev.T)"), ("keepdims=True) / m", "keepdims=True)")),
        "dW and db need the factor 1/m (m = AL.shape[1])",
    ),
    Mutation(
        "backward_dA_prev_over_m",
        "backward_propagation",
        (("dA_prev = np.dot(W.T, dZ)", "dA_prev = np.dot(W.T, dZ) / m"),),
        "dA_prev = W.T dZ has no 1/m; only dW and db do",
    ),
    Mutation(
        "backward_db_keepdims_lost",
        "backward_propagation",
        (("db = np.sum(dZ, axis=1, keepdims=True) / m", "db = np.sum(dZ, axis=1) / m"),),
        "db must keep the column shape of b, (n, 1)",
    ),
    Mutation(
        "backward_dA_keys_shifted",
        "backward_propagation",
        (('grads["dA" + str(l - 1)]', 'grads["dA" + str(l)]'),),
        'layer l\'s dA_prev goes under "dA" + str(l - 1)',
    ),
    Mutation(
        "backward_dA_keys_shifted_and_dZ_sign",
        "backward_propagation",
        (('grads["dA" + str(l - 1)]', 'grads["dA" + str(l)]'), ("dZ = AL - Y", "dZ = Y - AL")),
        "the output layer's gradient is dZ = AL - Y (not Y - AL)",
    ),
    Mutation(
        "update_plus_sign",
        "update_parameters",
        (("] - learning_rate * grads", "] + learning_rate * grads"),),
        "gradient descent subtracts: W = W - learning_rate * dW",
    ),
    Mutation(
        "update_biases_forgotten",
        "update_parameters",
        (('] - learning_rate * grads["db" + str(l)]', "]"),),
        "update the biases too: b = b - learning_rate * db",
    ),
    Mutation(
        "update_skips_layer_one",
        "update_parameters",
        (("for l in range(1, L + 1):", "for l in range(2, L + 1):"),),
        "layer 1 was not updated",
    ),
    Mutation(
        "update_skips_last_layer",
        "update_parameters",
        (("for l in range(1, L + 1):", "for l in range(1, L):"),),
        "update the last layer too",
    ),
    Mutation(
        "predict_argmax_over_examples",
        "predict",
        (("np.argmax(AL, axis=0)", "np.argmax(AL, axis=1)"),),
        "the argmax over the classes: axis=0",
    ),
    Mutation(
        "predict_probabilities",
        "predict",
        (("predictions = np.argmax(AL, axis=0)", "predictions = AL"),),
        "return the predicted classes (np.argmax), not the probabilities",
    ),
    Mutation(
        "model_update_not_assigned",
        "neural_network_model",
        (("parameters = update_parameters(", "new_parameters = update_parameters("),),
        "the cost never changes: assign the result of update_parameters back to parameters",
    ),
    Mutation(
        "model_returns_parameters_only",
        "neural_network_model",
        (("    return parameters, costs, accuracies", "    return parameters"),),
        "return the tuple (parameters, costs, accuracies)",
    ),
)

BY_SLUG = {mutation.slug: mutation for mutation in MUTATIONS}
