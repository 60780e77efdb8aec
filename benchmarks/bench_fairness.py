"""Fairness under load: correct submissions graded beside the heaviest notebooks the opener accepts.

Run from the repository root with the kit's virtual environment:

    .venv/bin/python benchmarks/bench_fairness.py [--count 6] [--heavy 4] [--runs 3]

Each run grades ``--count`` correct submissions (the solved notebook) in one batch with
``--heavy`` heavy ones, alternately 100,000 cells and a graded cell of nearly 20 MB, and prints
how many correct ones kept full marks and, over every job of the batch, what a job spent waiting
for the grader (``Ending.waited_seconds``, measured by the grader) and the credit the session
applied to its wall-clock limit (``Ending.credit_seconds``, asked for once a job reaches it).
Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from autograder.grading.grader import grade_paths
from autograder.sandbox import pool
from autograder.sandbox.protocol import Ending

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' notebook builders
from tests.grading.test_fair_limits import TOKEN, huge_graded_cell, many_cells
from tests.helpers.submissions import ASSIGNMENT, solved_submission


def recording_endings() -> list[Ending]:
    """Wrap ``Session.run`` to keep every job's ending (the grader does not report them)."""
    endings: list[Ending] = []
    run = pool.Session.run

    def recorded(self: pool.Session, *args: object) -> tuple[Ending, list]:
        ending, messages = run(self, *args)
        endings.append(ending)  # list.append is atomic: grading threads share the list
        return ending, messages

    pool.Session.run = recorded  # type: ignore[method-assign]
    return endings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=6, help="correct submissions per batch")
    parser.add_argument("--heavy", type=int, default=4, help="heavy submissions per batch")
    parser.add_argument("--runs", type=int, default=3, help="batches graded one after another")
    args = parser.parse_args()
    solved = solved_submission()
    heavy = [many_cells(solved), huge_graded_cell(solved)]
    endings = recording_endings()
    kept, total, waited, credited = 0, 0, [], []
    with tempfile.TemporaryDirectory(prefix="dnnkit-fairness-") as scratch:
        for run in range(args.runs):
            paths = []
            for index in range(args.heavy):
                path = Path(scratch) / f"heavy{index}.ipynb"
                path.write_bytes(heavy[index % 2].replace(TOKEN.encode(), f"run{run}".encode()))
                paths.append(path)
            for index in range(args.count):
                path = Path(scratch) / f"solved{index}.ipynb"
                path.write_text(json.dumps(solved))
                paths.append(path)
            endings.clear()
            started = time.perf_counter()
            results = grade_paths(paths, ASSIGNMENT)
            seconds = time.perf_counter() - started
            correct = [r for r in results if Path(r.submission).stem.startswith("solved")]
            full = sum(1 for r in correct if all(test.passed for test in r.tests))
            kept, total = kept + full, total + len(correct)
            waited += [ending.waited_seconds for ending in endings]
            credited += [ending.credit_seconds for ending in endings if ending.credit_seconds > 0]
            print(
                f"run {run + 1}: {full} of {len(correct)} correct submissions kept full marks "
                f"({seconds:.1f} s for {len(paths)} submissions)"
            )
    print(f"== {kept} of {total} correct submissions kept full marks")
    if waited:
        waited.sort()
        print(
            f"   waited for the grader per job: median {statistics.median(waited):.3f} s,"
            f" 90th percentile {waited[int(0.9 * (len(waited) - 1))]:.3f} s, max {waited[-1]:.3f} s"
        )
    print(
        f"   jobs whose session applied a credit: {len(credited)} of {len(waited)}"
        + (f", by up to {max(credited):.3f} s" if credited else "")
    )


if __name__ == "__main__":
    main()
