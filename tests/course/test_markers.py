"""The course's markers, parsed in one pass whatever a student puts in a cell.

Unclosed BEGIN HIDDEN TESTS markers once made a regular expression backtrack (seconds per
100 KB); the scan is now line by line. No assertion here is timed (the machine is shared): the
tests check behaviour on megabyte cells, which a quadratic scan would not finish in the suite's
lifetime, and the module keeps the scan obviously linear.
"""

from __future__ import annotations

import inspect
import re

from autograder.course import markers
from autograder.course.markers import (
    graded_name,
    graded_test_name,
    has_hidden_tests,
    strip_hidden_tests,
)
from autograder.course.notebooks import find_graded_cells

BEGIN = "### BEGIN HIDDEN TESTS"
END = "### END HIDDEN TESTS"


def test_hidden_blocks_are_removed_with_their_delimiters() -> None:
    cell = f"a = 1\n{BEGIN}\nsecret()\n{END}\nb = 2\n{BEGIN}\nmore()\n{END}"
    assert strip_hidden_tests(cell) == "a = 1\nb = 2"


def test_an_unclosed_block_runs_to_the_end_of_the_cell() -> None:
    assert strip_hidden_tests(f"a = 1\n{BEGIN}\nsecret()\nstill_secret()") == "a = 1"


def test_a_megabyte_of_unclosed_markers_is_stripped_to_what_precedes_the_first() -> None:
    cell = "import os\n" + f"{BEGIN}\nx = 1\n" * 35_000  # about 1 MB, every block left open
    assert len(cell) > 1_000_000
    assert has_hidden_tests(cell)
    assert strip_hidden_tests(cell) == "import os"


def test_a_megabyte_line_of_markers_and_a_megabyte_of_end_markers_are_handled() -> None:
    one_line = "import os\nx = 1  " + BEGIN * 45_000
    assert strip_hidden_tests(one_line) == "import os"
    ends = f"y = 2\n{END}\n" * 40_000
    assert strip_hidden_tests(ends) == "\n".join(["y = 2"] * 40_000 + [""])


def test_a_megabyte_cell_of_unclosed_markers_in_a_notebook_keeps_only_imports_before_them() -> None:
    cell = "import json\n" + f"{BEGIN}\nimport secret_module\n" * 30_000
    notebook = {"cells": [{"cell_type": "code", "source": cell}]}
    assert find_graded_cells(notebook, []).imports == "import json"


def test_a_graded_name_comes_from_the_first_non_blank_line_only() -> None:
    assert graded_name("\n\n  # GRADED FUNCTION: relu \nbody") == "relu"
    assert graded_name(" " * 1_000_000 + "# GRADED FUNCTION: f") == "f"
    assert graded_name("x = 1\n# GRADED FUNCTION: f") is None
    assert graded_name("# GRADED FUNCTION:   ") is None


def test_test_cell_names_map_to_their_function() -> None:
    assert graded_test_name("test_relu") == "relu"
    assert graded_test_name("relu") is None


def test_markers_use_no_regular_expressions() -> None:
    """A backtracking pattern is how the quadratic scan came in; plain string tests cannot."""
    source = inspect.getsource(markers)
    assert not re.search(r"^\s*(import re\b|from re import)", source, re.MULTILINE)
