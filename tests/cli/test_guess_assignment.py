"""`dnnkit grade` without --assignment: the assignment comes from the file or its folder's name.

The ids are the course's three lessons (README's table): step_by_step, application, digits.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.cli import main
from autograder.cli.grade import guess_assignment


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        # the file's own name
        ("/home/alice/step_by_step.ipynb", "step_by_step"),
        ("application.ipynb", "application"),
        ("submitted/bob/digits.ipynb", "digits"),
        # the folder's name when the file's is not an assignment
        ("submitted/step_by_step/alice.ipynb", "step_by_step"),
        ("/srv/grading/digits/bob-final.ipynb", "digits"),
        # the file's name wins over its folder's
        ("application/digits.ipynb", "digits"),
        ("release/step_by_step/step_by_step.ipynb", "step_by_step"),
    ],
)
def test_the_file_name_then_the_folder_name_gives_the_assignment(path: str, expected: str):
    assert guess_assignment(Path(path)) == expected


@pytest.mark.parametrize(
    "path",
    [
        "alice.ipynb",  # no folder at all
        "/home/alice/homework.ipynb",  # neither name is an assignment
        "submitted/alice/notebook.ipynb",
        "source/support.ipynb",  # a folder of the kit, not an assignment
        "lesson/__init__.ipynb",  # a well-formed id without a solved notebook
    ],
)
def test_no_assignment_in_either_name_gives_none(path: str):
    assert guess_assignment(Path(path)) is None


@pytest.mark.parametrize(
    "path",
    [
        "Step_By_Step.ipynb",  # ids are lower case
        "step-by-step.ipynb",
        "step_by_step (1).ipynb",  # a browser's second download
        "step_by_step.v2.ipynb",
        "downloads/Digits/answers.ipynb",
        "1digits/answers.ipynb",  # an id cannot start with a digit
    ],
)
def test_a_name_that_is_not_an_id_is_not_guessed(path: str):
    assert guess_assignment(Path(path)) is None


def test_grade_refuses_a_submission_it_cannot_place_and_names_it(tmp_path: Path, capsys):
    submission = tmp_path / "homework.ipynb"
    submission.write_text('{"cells": []}')
    assert main(["grade", str(submission)]) == 2
    error = capsys.readouterr().err
    assert f"cannot tell the assignment of {submission}" in error
    assert "--assignment" in error
