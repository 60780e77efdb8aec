"""Result files: safe names, atomic writes, what counts as current, what is read back."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from autograder.grading.result_store import (
    TEMPORARY_PREFIX,
    ResultError,
    ResultStore,
    file_stem,
    make_record,
)
from autograder.grading.results import CaseFailure, FunctionResult, SubmissionResult


def record(student: str = "alice", sha: str = "aa", score: float = 3.0) -> dict:
    result = SubmissionResult(
        "x.ipynb",
        [
            FunctionResult("f", 3.0, 2),
            FunctionResult("g", 1.0, 2, failures=[CaseFailure("hidden", ("wrong",))]),
        ],
    )
    made = make_record(
        student=student,
        assignment="step_by_step",
        submission=Path("x.ipynb"),
        sha256=sha,
        fingerprint="fp",
        result=result,
    )
    assert made["score"] == score
    return made


@pytest.mark.parametrize("student", ["..", ".", "", "a/b", "../../etc", ".hidden", "é", "x" * 300])
def test_any_student_id_maps_to_one_plain_file_inside_the_folder(tmp_path, student):
    store = ResultStore(tmp_path)
    path = store.path_for("step_by_step", student)
    assert path.parent == tmp_path / "step_by_step"
    assert "/" not in path.name
    assert not path.name.startswith(".")
    assert len(path.name) < 200
    assert store.load("step_by_step", student) is None
    store.save(record(student))
    assert store.load("step_by_step", student)["student"] == student


def test_plain_ids_keep_their_name_and_encoded_ids_never_collide():
    assert file_stem("alice.smith@uni-x.edu") == "alice.smith@uni-x.edu"
    assert file_stem("a b") != file_stem("a_b")
    assert file_stem("a/b") != file_stem("a%2Fb")


def _adversarial_ids() -> list[str]:
    """Ids a student can choose, each next to the file name of another id it could aim at."""
    long_ids = ["x" * 300, "x" * 299 + "y", "é" * 200, "a/" * 150]
    ids = ["alice", "Alice", "..", ".", "", "/", "a/b", "a%2Fb", "-rf", "~alice", "%41lice"]
    ids += ["é", "e\u0301", "x" * 100, "x" * 101, "\x00", "a\nb", *long_ids]
    # An id spelled like the file name another id gets: the old shortened form was itself valid.
    ids += [file_stem(other) for other in list(ids)]
    return list(dict.fromkeys(ids))


def test_adversarial_ids_each_get_their_own_file_and_keep_their_record(tmp_path):
    """Injective: no two ids share a file, so no id can overwrite a classmate's result."""
    ids = _adversarial_ids()
    names = [file_stem(student) for student in ids]
    assert len(set(names)) == len(ids)
    store = ResultStore(tmp_path)
    for number, student in enumerate(ids):
        path = store.save(record(student, sha=f"{number:04d}"))
        assert path.parent == tmp_path / "step_by_step"
        assert len(path.name.encode()) <= 255
    for number, student in enumerate(ids):
        assert store.load("step_by_step", student)["sha256"] == f"{number:04d}"
    assert sorted(r["student"] for r in store.records()) == sorted(ids)


def test_a_file_holding_another_id_is_never_overwritten(tmp_path):
    """A case-insensitive file system (or a hand-made file) puts two ids on one name: refused."""
    store = ResultStore(tmp_path)
    path = store.save(record("alice", sha="hers"))
    forged = record("alice", sha="mine")
    forged["student"] = "ALICE"
    (tmp_path / "step_by_step" / f"{file_stem('ALICE')}.json").unlink(missing_ok=True)
    path.rename(tmp_path / "step_by_step" / f"{file_stem('ALICE')}.json")
    with pytest.raises(ResultError, match="holds the result of student 'alice'"):
        store.save(forged)
    assert store.load("step_by_step", "ALICE") is None  # the file is not ALICE's


def test_a_write_killed_before_the_rename_leaves_the_old_result_whole(tmp_path, monkeypatch):
    store = ResultStore(tmp_path)
    store.save(record(sha="old"))

    def killed(*_args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        store.save(record(sha="new"))
    monkeypatch.undo()
    assert store.load("step_by_step", "alice")["sha256"] == "old"
    assert list((tmp_path / "step_by_step").iterdir()) == [tmp_path / "step_by_step/alice.json"]


def test_current_means_same_file_same_grader_same_scoring(tmp_path):
    store = ResultStore(tmp_path)
    store.save(record(sha="aa"))
    assert store.is_current("step_by_step", "alice", "aa", "fp", "all-or-nothing")
    assert not store.is_current("step_by_step", "alice", "bb", "fp", "all-or-nothing")
    assert not store.is_current("step_by_step", "alice", "aa", "other", "all-or-nothing")
    assert not store.is_current("step_by_step", "alice", "aa", "fp", "partial-credit")
    assert not store.is_current("step_by_step", "bob", "aa", "fp", "all-or-nothing")


def test_records_skip_temporary_foreign_and_damaged_files(tmp_path):
    store = ResultStore(tmp_path)
    store.save(record("bob"))
    store.save(record("alice"))
    folder = tmp_path / "step_by_step"
    (folder / f"{TEMPORARY_PREFIX}carol.json.1.2").write_text("{")
    (folder / "torn.json").write_text('{"format": 1, "student": ')
    (folder / "other.json").write_text(json.dumps({"hello": "world"}))
    moved = record("dave")
    moved["assignment"] = "digits"  # a file copied into the wrong assignment's folder
    (folder / "dave.json").write_text(json.dumps(moved))
    future = record("erin")
    future["format"] = 2  # a later kit's results: not guessed at
    (folder / "erin.json").write_text(json.dumps(future))
    assert [r["student"] for r in store.records()] == ["alice", "bob"]
    unreadable = {p.name for p in store.unreadable()}
    assert unreadable == {"torn.json", "other.json", "dave.json", "erin.json"}


def test_stale_temporary_files_are_swept_fresh_ones_are_not(tmp_path):
    store = ResultStore(tmp_path)
    folder = tmp_path / "step_by_step"
    folder.mkdir()
    stale = folder / f"{TEMPORARY_PREFIX}a.json.1.x"
    fresh = folder / f"{TEMPORARY_PREFIX}b.json.2.y"
    stale.write_text("{")
    fresh.write_text("{")
    os.utime(stale, (1, 1))
    assert store.sweep() == 1
    assert not stale.exists()
    assert fresh.exists()
