"""Batches with result files: a full batch, and a batch killed at a random moment then resumed.

Run from the repository root with the kit's virtual environment:

    .venv/bin/python benchmarks/bench_batch.py [--count 300] [--seed N]

The batch is ``--count`` submissions in nbgrader's layout (``submitted/<student>/step_by_step/``;
per ten: 4 right, 5 wrong from the mistake catalogue, 1 looping), graded by
``dnnkit grade submitted --results results``. Then the same batch into a fresh results folder,
killed (SIGKILL, the whole process group) at a random moment, and resumed with the same command.
Printed: wall times, results on disk at the kill, files that did not parse (torn writes), results
lost (on disk before the resume, gone or changed after it), and results regraded by the resume
although they were already on disk. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.course.notebooks import as_submission, read_notebook
from autograder.course.paths import KIT
from autograder.lessons.mutations import mutate
from autograder.lessons.step_by_step.mistakes import MUTATIONS, RUNAWAY

ASSIGNMENT = "step_by_step"
DNNKIT = [sys.executable, "-m", "autograder.cli"]


def make_course(root: Path, count: int) -> Path:
    """``count`` submissions in nbgrader's layout; returns the submitted/ folder."""
    solved = as_submission(read_notebook(KIT.solved_notebook(ASSIGNMENT)))
    for index in range(count):
        slot = index % 10
        if slot < 4:
            notebook = solved
        elif slot < 9:
            notebook = mutate(solved, MUTATIONS[(index // 10 * 5 + slot - 4) % len(MUTATIONS)])
        else:
            notebook = mutate(solved, RUNAWAY)
        folder = root / "submitted" / f"student{index:03d}" / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / f"{ASSIGNMENT}.ipynb").write_text(json.dumps(notebook))
    return root / "submitted"


def command(submitted: Path, results: Path) -> list[str]:
    return [*DNNKIT, "grade", str(submitted), "--results", str(results), "--no-progress"]


def snapshot(results: Path) -> tuple[dict[str, tuple[int, int]], int]:
    """Each readable result's (inode, mtime_ns), and how many files did not parse."""
    found, torn = {}, 0
    for path in results.glob(f"{ASSIGNMENT}/*.json"):
        try:
            json.loads(path.read_text())
        except ValueError:
            torn += 1
            continue
        stat = path.stat()
        found[path.stem] = (stat.st_ino, stat.st_mtime_ns)
    return found, torn


def timed(args: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(args, cwd=KIT.root, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"dnnkit grade failed:\n{done.stderr[-2000:]}")
    return time.perf_counter() - started, done.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="dnnkit-batch-") as scratch:
        root = Path(scratch)
        submitted = make_course(root, args.count)
        print(f"{args.count} submissions, {os.cpu_count()} cores")

        full, summary = timed(command(submitted, root / "results"))
        print(f"full batch: {full:.1f} s ({summary})")
        seconds, summary = timed(command(submitted, root / "results"))
        print(f"same batch again, nothing changed: {seconds:.1f} s ({summary})")

        results = root / "killed"
        kill_at = rng.uniform(0.1, 0.9) * full
        batch = subprocess.Popen(
            command(submitted, results),
            cwd=KIT.root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(kill_at)
        os.killpg(batch.pid, signal.SIGKILL)
        batch.wait()
        before, torn = snapshot(results)
        print(f"killed after {kill_at:.1f} s: {len(before)} results on disk, {torn} torn files")
        seconds, summary = timed(command(submitted, results))
        after, torn_after = snapshot(results)
        lost = sum(1 for name in before if name not in after)
        regraded = sum(1 for name, stat in before.items() if after.get(name) != stat)
        print(f"resumed: {seconds:.1f} s ({summary})")
        print(
            f"results lost: {lost}; already-saved results regraded: {regraded}; "
            f"not saved at the kill, graded by the resume: {len(after) - len(before)}; "
            f"total {len(after)} of {args.count}; torn files {torn_after}"
        )


if __name__ == "__main__":
    main()
