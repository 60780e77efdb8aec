"""One `dnnkit grade` call over submissions of different assignments, with one or two workers.

Each submission's assignment is guessed from its file or folder name; the results come back in
the order the files were given, whatever the grouping by assignment; one worker and two give the
same scores.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from autograder.cli import main
from autograder.course.notebooks import as_submission, read_notebook
from autograder.course.paths import KIT
from autograder.lessons.mutations import mutate
from autograder.lessons.step_by_step.mistakes import BY_SLUG
from tests.helpers.submissions import solved_submission, write

WRONG = BY_SLUG["cost_no_one_over_m"]  # costs compute_cost's points only


@pytest.fixture(scope="module")
def submissions(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, str, list[str]]]:
    """(path, assignment, functions that must fail), lessons 1 and 3 interleaved."""
    root = tmp_path_factory.mktemp("batch")
    digits = as_submission(read_notebook(KIT.solved_notebook("digits")))
    for folder in ("alice", "digits", "step_by_step"):
        (root / folder).mkdir()
    return [
        (write(root / "alice", "step_by_step", solved_submission()), "step_by_step", []),
        (write(root / "digits", "bob", digits), "digits", []),
        (
            write(root / "step_by_step", "carol", mutate(solved_submission(), WRONG)),
            "step_by_step",
            [WRONG.function],
        ),
    ]


def grade_json(paths: list[Path], workers: int, capsys) -> list[dict]:
    capsys.readouterr()
    code = main(["grade", *map(str, paths), "--json", "--workers", str(workers)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out)


def test_each_submission_is_graded_against_its_own_assignment(submissions, points_of, capsys):
    results = grade_json([path for path, _, _ in submissions], 1, capsys)
    assert [Path(r["submission"]).name for r in results] == [p.name for p, _, _ in submissions]
    for result, (path, assignment, failing) in zip(results, submissions, strict=True):
        points = points_of(assignment)
        assert [t["name"] for t in result["tests"]] == list(points), path
        for test in result["tests"]:
            wanted = "failed" if test["name"] in failing else "passed"
            assert test["status"] == wanted, (path, test["name"], test["output"])
        lost = sum(points[name] for name in failing)
        assert result["max_score"] == sum(points.values())
        assert result["score"] == sum(points.values()) - lost


def test_one_worker_and_two_workers_give_the_same_scores(submissions, capsys):
    paths = [path for path, _, _ in submissions]
    one, two = grade_json(paths, 1, capsys), grade_json(paths, 2, capsys)

    def scores(results: list[dict]) -> list:
        rows = []
        for result in results:
            tests = [(t["name"], t["score"], t["status"]) for t in result["tests"]]
            rows.append((result["submission"], result["score"], tests))
        return rows

    assert scores(one) == scores(two)
    assert len({r["score"] == r["max_score"] for r in one}) == 2  # some full, some not
