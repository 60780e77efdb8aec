"""``dnnkit grade`` on lesson 2: the solution scores full marks and typical mistakes get hints.

The hidden cases train on tiny data, so grading a submission takes a fraction of a second of
compute even though the notebook itself trains for thousands of iterations (those cells never run
at grading time).
"""

from __future__ import annotations

import json
from pathlib import Path

from autograder.course.markers import graded_name
from autograder.course.notebooks import as_submission, cell_source, read_notebook
from autograder.course.paths import solved_notebook_path
from autograder.grading.grader import grade_paths


def submission_with(tmp_path: Path, name: str, replacements: dict[str, tuple[str, str]]) -> Path:
    """The solved notebook as handed in, with text replaced in some graded cells."""
    notebook = as_submission(read_notebook(solved_notebook_path("application")))
    for cell in notebook["cells"]:
        function = graded_name(cell_source(cell)) if cell.get("cell_type") == "code" else None
        if function in replacements:
            old, new = replacements[function]
            assert old in cell_source(cell)
            cell["source"] = cell_source(cell).replace(old, new)  # every occurrence
    path = tmp_path / f"{name}.ipynb"
    path.write_text(json.dumps(notebook))
    return path


def test_solution_gets_full_marks_and_mistakes_get_their_hints(tmp_path: Path):
    solved = submission_with(tmp_path, "solved", {})
    hidden_relu = 'activation="relu"'
    every_cost = ("        if i % 100 == 0:\n            costs.append(cost)",
                  "        costs.append(cost)\n        if i % 100 == 0:")  # fmt: skip
    wrong = submission_with(
        tmp_path,
        "wrong",
        {
            "two_layer_model": (hidden_relu, hidden_relu.replace("relu", "sigmoid")),
            "L_layer_model": every_cost,
        },
    )
    results = {Path(r.submission).stem: r for r in grade_paths([solved, wrong], "application")}

    assert results["solved"].score == results["solved"].max_score == 4
    tests = {test.name: test for test in results["wrong"].tests}
    assert results["wrong"].score == 0
    assert "only the output layer uses 'sigmoid'" in tests["two_layer_model"].feedback
    assert "append when i % 100 == 0" in tests["L_layer_model"].feedback
