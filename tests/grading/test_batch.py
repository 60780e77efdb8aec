"""Batches: who a notebook belongs to, which notebooks an nbgrader tree holds, and shards."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.grading.batch import BatchError, discover, parse_shard, shard_of


def touch(root: Path, relative: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{}")
    return path


def found(submissions) -> list[tuple[str, str, str]]:
    return [(s.student, s.assignment, s.path.name) for s in submissions]


def test_an_nbgrader_tree_gives_one_submission_per_student_and_assignment(tmp_path):
    tree = tmp_path / "course" / "submitted"
    touch(tree, "alice/step_by_step/step_by_step.ipynb")
    touch(tree, "alice/step_by_step/scratch.ipynb")  # not the assignment's notebook: left out
    touch(tree, "alice/step_by_step/.ipynb_checkpoints/step_by_step-checkpoint.ipynb")
    touch(tree, "bob/step_by_step/step_by_step.ipynb")
    touch(tree, "bob/digits/digits.ipynb")
    touch(tree, "carol/not_a_lesson/not_a_lesson.ipynb")
    assert found(discover([tree])) == [
        ("alice", "step_by_step", "step_by_step.ipynb"),
        ("bob", "digits", "digits.ipynb"),
        ("bob", "step_by_step", "step_by_step.ipynb"),
    ]
    only = discover([tree], "digits")
    assert found(only) == [("bob", "digits", "digits.ipynb")]


def test_plain_files_and_folders_take_the_student_from_the_names(tmp_path):
    by_folder = touch(tmp_path, "downloads/dave/step_by_step.ipynb")
    touch(tmp_path, "step_by_step/erin.ipynb")
    loose = touch(tmp_path, "frank.ipynb")
    result = discover([by_folder, tmp_path / "step_by_step", loose], "step_by_step")
    assert found(result) == [
        ("dave", "step_by_step", "step_by_step.ipynb"),
        ("erin", "step_by_step", "erin.ipynb"),
        ("frank", "step_by_step", "frank.ipynb"),
    ]
    assert discover([by_folder, by_folder]) == discover([by_folder])  # a file given twice


def test_two_files_for_one_student_are_both_reported_neither_picked(tmp_path):
    first = touch(tmp_path, "a/gina.ipynb")
    second = touch(tmp_path, "b/gina.ipynb")
    other = touch(tmp_path, "c/hana.ipynb")
    found_ = discover([first, second, other], "step_by_step")
    assert [(s.student, s.path) for s in found_] == [
        ("gina", first),
        ("gina", second),
        ("hana", other),
    ]
    for submission in found_[:2]:
        assert "2 notebooks claim student 'gina'" in submission.problem
    assert found_[2].problem is None


def test_nothing_inside_a_students_folder_names_another_student(tmp_path):
    tree = tmp_path / "submitted"
    touch(tree, "alice/step_by_step/step_by_step.ipynb")
    touch(tree, "mallory/step_by_step/step_by_step.ipynb")
    touch(tree, "mallory/step_by_step/submitted/alice/step_by_step/step_by_step.ipynb")
    touch(tree, "mallory/step_by_step/submitted/zed/step_by_step/step_by_step.ipynb")
    touch(tree, "mallory/step_by_step/alice/step_by_step.ipynb")
    touch(tree, "mallory/step_by_step/zed.ipynb")
    assert found(discover([tree])) == [
        ("alice", "step_by_step", "step_by_step.ipynb"),
        ("mallory", "step_by_step", "step_by_step.ipynb"),
    ]
    by_path = {s.student: s.path for s in discover([tree])}
    assert by_path["alice"] == tree / "alice/step_by_step/step_by_step.ipynb"


def test_a_loose_folder_looks_one_student_folder_deep_and_no_further(tmp_path):
    touch(tmp_path, "inbox/ivan.ipynb")
    touch(tmp_path, "inbox/judy/step_by_step.ipynb")
    touch(tmp_path, "inbox/judy/kate.ipynb")  # judy's scratch file: never student 'kate'
    touch(tmp_path, "inbox/judy/deeper/step_by_step.ipynb")
    result = discover([tmp_path / "inbox"], "step_by_step")
    assert found(result) == [
        ("ivan", "step_by_step", "ivan.ipynb"),
        ("judy", "step_by_step", "step_by_step.ipynb"),
    ]


def test_unknown_assignments_are_errors_and_missing_inputs_records(tmp_path):
    notebook = touch(tmp_path, "harry.ipynb")
    with pytest.raises(BatchError, match="pass --assignment"):
        discover([notebook])
    with pytest.raises(BatchError, match="unknown assignment"):
        discover([notebook], "no_such_lesson")
    (missing,) = discover([tmp_path / "missing.ipynb"], "step_by_step")
    assert (missing.student, missing.problem) == ("missing", None)  # the opener says it is gone


@pytest.mark.parametrize("text", ["1", "4/4", "-1/4", "a/b", "0/0", "1/2/3", ""])
def test_bad_shards_are_refused(text):
    with pytest.raises(BatchError):
        parse_shard(text)


def test_shards_are_a_partition_and_the_same_on_every_machine():
    assert parse_shard("3/4") == (3, 4)
    students = [f"student{i:03d}" for i in range(300)]
    counts = [0] * 4
    for student in students:
        counts[shard_of(student, 4)] += 1
    assert sum(counts) == 300
    assert min(counts) > 50  # no shard is left nearly empty
    # sha256-based, so pinned: hash() would differ between processes (it is salted)
    assert [shard_of(name, 7) for name in ("alice", "bob", "carol", "dave")] == [1, 1, 6, 4]


def test_each_submission_draws_its_hidden_cases_as_its_student(tmp_path, monkeypatch):
    from autograder.grading import batch

    seen = []

    def fake_grade_paths(paths, assignment, workers, *, on_result, identities, problems, scoring):  # noqa: ARG001
        seen.append((assignment, identities))
        return []

    monkeypatch.setattr(batch, "grade_paths", fake_grade_paths)
    tree = tmp_path / "submitted"
    for student in ("zoe", "adam"):
        touch(tree, f"{student}/step_by_step/step_by_step.ipynb")
    batch.grade_batch(discover([tree]))
    assert seen == [("step_by_step", ["adam", "zoe"])]
