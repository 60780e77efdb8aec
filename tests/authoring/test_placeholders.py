"""Solution blocks become Coursera-style placeholders: named targets, kept markers, clear errors."""

from __future__ import annotations

import pytest

from autograder.authoring.placeholders import (
    PlaceholderError,
    placeholder_block,
    replace_solution_blocks,
)

BEGIN, END = "### START CODE HERE ###", "### END CODE HERE ###"


def test_assignments_become_named_placeholders():
    lines = ["    W1 = np.random.randn(n_h, n_x) * 0.01", "    Z, cache = f(A)", "    x += 1"]
    assert placeholder_block(lines) == ["    W1 = None", "    Z, cache = None", "    x = None"]


def test_subscript_targets_keep_their_keys():
    lines = ['        parameters["W" + str(l)] = np.zeros((3, 1))']
    assert placeholder_block(lines) == ['        parameters["W" + str(l)] = None']


def test_loop_and_branch_headers_stay_and_bodies_become_placeholders():
    block = [
        "    for l in range(1, L + 1):",
        "        # a comment inside the solution disappears",
        "        W = W - rate * dW",
        "    if a:",
        "        x = 1",
        "    elif b:",
        "        x = 2",
        "    else:",
        "        x = 3",
    ]
    assert placeholder_block(block) == [
        "    for l in range(1, L + 1):",
        "        W = None",
        "    if a:",
        "        x = None",
        "    elif b:",
        "        x = None",
        "    else:",
        "        x = None",
    ]


def test_multiline_statement_becomes_one_placeholder():
    block = ["    A, cache = forward(", "        A_prev, W, b", "    )"]
    assert placeholder_block(block) == ["    A, cache = None"]


def test_markers_and_hint_stay_and_code_around_them_is_kept():
    source = "\n".join(
        [
            "def f(x):",
            f"    {BEGIN} (≈ 1 line of code)",
            "    y = x * 2",
            f"    {END}",
            "    return y",
        ]
    )
    released, blocks = replace_solution_blocks(source)
    assert blocks == 1
    assert released.split("\n") == [
        "def f(x):",
        f"    {BEGIN} (≈ 1 line of code)",
        "    y = None",
        f"    {END}",
        "    return y",
    ]


@pytest.mark.parametrize(
    ("block", "message"),
    [
        (["    caches.append(cache)"], "not an assignment"),
        (["    return x"], "not an assignment"),
        (["    y = (x"], "does not parse"),
        (["    "], "empty"),
    ],
)
def test_unconvertible_blocks_fail_with_a_reason(block, message):
    with pytest.raises(PlaceholderError, match=message):
        placeholder_block(block)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (f"{BEGIN}\nx = 1\n", "without a matching"),
        (f"x = 1\n{END}\n", "without a"),
        (f"{BEGIN}\nx = 1\n{BEGIN}\ny = 2\n{END}\n", "before the previous block"),
    ],
)
def test_unbalanced_markers_fail(source, message):
    with pytest.raises(PlaceholderError, match=message):
        replace_solution_blocks(source)
