"""Lesson 2's catalogue of typical mistakes, as edits of the solved notebook's graded cells.

Both graded functions train a model with the lesson's helpers, so the mistakes are in how the
training is put together: the wrong activation or initialiser, weights not read back after an
update, a cost recorded at every iteration. Every mutation must fail only its own function, with
its hint (``tests/lessons/application``).
"""

from __future__ import annotations

from autograder.lessons.mutations import Mutation

# The solved loops record the cost only when i % 100 == 0; these move the append out of the test.
_EVERY_ITERATION = (
    (
        "        if i % 100 == 0:\n            costs.append(cost)\n",
        "        costs.append(cost)\n        if i % 100 == 0:\n",
    ),
)
_EVERY_ITERATION_HINT = "append when i % 100 == 0"
_NOT_ASSIGNED_HINT = "the parameters never change: assign the result of update_parameters back"
_FIXED_RATE = (
    (
        "update_parameters(parameters, grads, learning_rate)",
        "update_parameters(parameters, grads, 0.0075)",
    ),
)
_FIXED_RATE_HINT = "pass the learning_rate argument to update_parameters, not a fixed 0.0075"
# Older versions of the course's models returned only the parameters.
_PARAMETERS_ONLY = (("    return parameters, costs", "    return parameters"),)
_PARAMETERS_ONLY_HINT = "older versions of the course returned only parameters"

# Lesson 1's initialiser typed into the lesson-2 model instead of calling this lesson's helper.
_LESSON_ONE_INITIALISER = """np.random.seed(3)
    parameters = {}
    for l in range(1, len(layers_dims)):
        parameters["W" + str(l)] = np.random.randn(layers_dims[l], layers_dims[l - 1]) * 0.01
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))"""

MUTATIONS: tuple[Mutation, ...] = (
    Mutation(
        "two_layer_sigmoid_hidden_layer",
        "two_layer_model",
        (('activation="relu"', 'activation="sigmoid"'),),
        "the hidden layer uses 'relu' and only the output layer uses 'sigmoid'",
    ),
    Mutation(
        "two_layer_weights_not_read_back",
        "two_layer_model",
        (
            (
                '        W1 = parameters["W1"]\n        b1 = parameters["b1"]\n'
                '        W2 = parameters["W2"]\n        b2 = parameters["b2"]\n',
                "",
            ),
        ),
        "read W1, b1, W2, b2 back from the new parameters",
    ),
    Mutation(
        "two_layer_cost_every_iteration",
        "two_layer_model",
        _EVERY_ITERATION,
        _EVERY_ITERATION_HINT,
    ),
    Mutation(
        "two_layer_update_not_assigned",
        "two_layer_model",
        (("parameters = update_parameters(", "new_parameters = update_parameters("),),
        _NOT_ASSIGNED_HINT,
    ),
    Mutation("two_layer_fixed_learning_rate", "two_layer_model", _FIXED_RATE, _FIXED_RATE_HINT),
    Mutation(
        "two_layer_returns_parameters_only",
        "two_layer_model",
        _PARAMETERS_ONLY,
        _PARAMETERS_ONLY_HINT,
    ),
    Mutation(
        "deep_lesson_one_initialiser",
        "L_layer_model",
        (("parameters = initialize_parameters_deep(layers_dims)", _LESSON_ONE_INITIALISER),),
        "this lesson's initialize_parameters_deep (seed 1, divide by sqrt of the previous "
        "layer's width) is the one to call",
    ),
    Mutation(
        "deep_cost_every_iteration",
        "L_layer_model",
        _EVERY_ITERATION,
        _EVERY_ITERATION_HINT,
    ),
    Mutation(
        "deep_update_not_assigned",
        "L_layer_model",
        (("parameters = update_parameters(", "new_parameters = update_parameters("),),
        _NOT_ASSIGNED_HINT,
    ),
    Mutation("deep_fixed_learning_rate", "L_layer_model", _FIXED_RATE, _FIXED_RATE_HINT),
    Mutation(
        "deep_returns_parameters_only", "L_layer_model", _PARAMETERS_ONLY, _PARAMETERS_ONLY_HINT
    ),
)

BY_SLUG = {mutation.slug: mutation for mutation in MUTATIONS}
