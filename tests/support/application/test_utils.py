"""Lesson 2's provided helpers keep lesson 1's conventions: compute_cost gives a 0-d value.

A 0-d value here is what lesson 1's ``compute_cost`` returns after ``np.squeeze``: a numpy value
of shape (), not a Python float (the course's 2021 tests compare the models' costs with it).
"""

from __future__ import annotations

import numpy as np

from autograder.grading.reference import load_reference
from support.application.utils import compute_cost
from support.testCases import COMPUTE_COST_DOCUMENTED, compute_cost_test_case


def is_0d_numpy_value(value) -> bool:
    return isinstance(value, np.ndarray | np.generic) and np.shape(value) == ()


def test_compute_cost_returns_lesson_one_s_0d_value():
    Y, AL = compute_cost_test_case()
    cost = compute_cost(AL, Y)
    assert is_0d_numpy_value(cost)
    assert type(cost) is type(load_reference("step_by_step").compute_cost(AL, Y))
    assert abs(float(cost) - COMPUTE_COST_DOCUMENTED) < 1e-12  # SPEC: 0.414931599615


def test_models_collect_the_0d_costs():
    """The course's 2021 tests expect ``costs`` to hold what compute_cost returned."""
    ref = load_reference("application")
    np.random.seed(1)
    X, Y = np.random.randn(10, 10), np.random.randn(1, 10)
    for model, dims in ((ref.two_layer_model, (10, 4, 1)), (ref.L_layer_model, (10, 5, 6, 1))):
        _, costs = model(X, Y, dims, num_iterations=2)
        assert len(costs) == 1
        assert is_0d_numpy_value(costs[0])
