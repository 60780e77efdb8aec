"""A heavy classmate costs a correct submission nothing (issue 17, item 7).

Graded in one batch beside the heaviest notebooks the safe opener accepts (100,000 cells; a graded
cell of nearly 20 MB), a correct submission keeps full marks: the grader's parsing stalls are not
counted against its jobs' wall-clock limits, five runs in a row.
"""

from __future__ import annotations

import json
from pathlib import Path

from autograder.course.notebooks import MAX_NOTEBOOK_BYTES
from tests.helpers.grading_runs import grade_shared
from tests.helpers.submissions import ASSIGNMENT, graded_cell, solved_submission

RUNS = 5
TOKEN = "run0"  # replaced per run, so no cache of a previous run's parse helps the next


def many_cells(solved: dict, count: int = 100_000) -> bytes:
    """The solved notebook after ``count`` small code cells, one in fifty importing something."""
    notebook = json.loads(json.dumps(solved))
    extra = [
        {
            "cell_type": "code",
            "metadata": {},
            "outputs": [],
            "execution_count": None,
            "source": f"import math as m{i}_{TOKEN}\n" if i % 50 == 0 else f"x{i} = '{TOKEN}'\n",
        }
        for i in range(count)
    ]
    notebook["cells"] = extra + notebook["cells"]
    return json.dumps(notebook).encode()


def huge_graded_cell(solved: dict, function: str = "linear_forward") -> bytes:
    """The solved notebook whose graded cell for ``function`` ends in statements up to the size
    the safe opener accepts."""
    notebook = json.loads(json.dumps(solved))
    cell = graded_cell(notebook, function)
    base = len(json.dumps(notebook))
    line = f"v_{TOKEN} = f(a, b, 1)\n"
    count = (MAX_NOTEBOOK_BYTES - base - 10_000) // (len(line) + 1)  # "\n" is two bytes in JSON
    cell["source"] = "".join(cell["source"]) + "\n" + line * count
    data = json.dumps(notebook).encode()
    assert MAX_NOTEBOOK_BYTES - 20_000 < len(data) <= MAX_NOTEBOOK_BYTES
    return data


def test_a_correct_submission_keeps_full_marks_beside_the_heaviest_notebooks(
    tmp_path: Path,
) -> None:
    solved = solved_submission()
    heavy = {"cells": many_cells(solved), "huge": huge_graded_cell(solved)}
    for run in range(RUNS):
        paths = []
        for copy in range(2):  # six submissions: three sandboxes per core on two cores
            paths.append(tmp_path / f"solved{copy}.ipynb")
            paths[-1].write_text(json.dumps(solved))
            for kind, data in heavy.items():
                paths.append(tmp_path / f"{kind}{copy}.ipynb")
                paths[-1].write_bytes(data.replace(TOKEN.encode(), f"run{run}".encode()))
        # Five batches in a row on the session's warm sandboxes, six at a time.
        results = {Path(r.submission).stem: r for r in grade_shared(paths, ASSIGNMENT)}
        for copy in range(2):
            result = results[f"solved{copy}"]
            lost = {test.name: test.failures or test.not_graded for test in result.tests}
            lost = {name: why for name, why in lost.items() if why}
            assert not lost, f"run {run + 1}: a correct submission lost points: {lost}"
