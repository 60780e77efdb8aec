"""Grading speed: one submission's latency, and a batch graded by `dnnkit grade` and by nbgrader.

Run from the repository root with the kit's virtual environment:

    .venv/bin/python benchmarks/bench_grading.py [--count 200] [--skip-nbgrader]
        [--nbgrader-alone 20]

The batch mixes right submissions (the solved notebook), realistic wrong ones (every recipe of
``autograder.lessons.step_by_step.mistakes``) and looping ones (an infinite loop at the top level
of a solution cell).
The same files are graded by ``dnnkit grade`` and, in a throwaway nbgrader course under /tmp, by
``nbgrader autograde`` with the kit's configuration (the sandbox in place of a kernel); with
``--nbgrader-alone N``, also by nbgrader's own kernel pipeline on N of them. Figures and ratios
are printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.course.notebooks import as_submission, points_per_function, read_notebook
from autograder.course.paths import KIT
from autograder.devtools.nbgrader_course import autograde, make_course, scores
from autograder.lessons.mutations import mutate
from autograder.lessons.step_by_step.mistakes import MUTATIONS, RUNAWAY

ASSIGNMENT = "step_by_step"
BIN = Path(sys.executable).parent


def make_batch(directory: Path, count: int) -> list[tuple[Path, str, float]]:
    """Write ``count`` submissions (per ten: 4 right, 5 wrong, 1 looping) with expected scores."""
    solved_notebook = read_notebook(KIT.solved_notebook(ASSIGNMENT))
    points = points_per_function(solved_notebook)
    total = sum(points.values())
    solved = as_submission(solved_notebook)
    batch = []
    for index in range(count):
        slot = index % 10
        if slot < 4:
            notebook, kind, score = solved, "right", total
        elif slot < 9:
            mutation = MUTATIONS[(index // 10 * 5 + slot - 4) % len(MUTATIONS)]
            notebook, kind = mutate(solved, mutation), "wrong"
            score = total - points[mutation.function]
        else:
            notebook, kind, score = (
                mutate(solved, RUNAWAY),
                "looping",
                total - points["linear_forward"],
            )
        path = directory / f"student{index:03d}.ipynb"
        path.write_text(json.dumps(notebook))
        batch.append((path, kind, score))
    return batch


def timed(command: list[str], cwd: Path = KIT.root) -> tuple[float, subprocess.CompletedProcess]:
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    }  # nbgrader runs alembic
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
    return time.perf_counter() - started, done


def checked(command: list[str]) -> float:
    """Wall time of a command that must succeed."""
    seconds, done = timed(command)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:3])} failed:\n{done.stderr[-2000:]}")
    return seconds


def single_latency(solved: Path, repeats: int) -> tuple[list[float], list[float], list[float]]:
    """Wall time of grading one submission: `dnnkit grade`, `python -m autograder.cli`, Python."""
    options = [str(solved), "--assignment", ASSIGNMENT, "--json"]
    shell = [checked([str(BIN / "dnnkit"), "grade", *options]) for _ in range(repeats)]
    module = [
        checked([sys.executable, "-m", "autograder.cli", "grade", *options]) for _ in range(repeats)
    ]
    in_python = []
    for _ in range(repeats):
        code = (
            "import time; t = time.perf_counter()\n"
            "from pathlib import Path\n"
            "from autograder.grading.grader import grade_paths\n"
            f"grade_paths([Path({str(solved)!r})], {ASSIGNMENT!r})\n"
            "print(time.perf_counter() - t)"
        )
        in_python.append(float(timed([sys.executable, "-c", code])[1].stdout.strip()))
    return shell, module, in_python


def dnnkit_batch(batch: list[tuple[Path, str, float]]) -> float:
    paths = [str(path) for path, _, _ in batch]
    seconds, done = timed(
        [str(BIN / "dnnkit"), "grade", *paths, "--assignment", ASSIGNMENT, "--json"]
    )
    if done.returncode != 0:
        raise SystemExit(f"dnnkit grade failed:\n{done.stderr}")
    results = json.loads(done.stdout)
    wrong = [
        (path.name, kind, result["score"], score)
        for (path, kind, score), result in zip(batch, results, strict=True)
        if result["score"] != score
    ]
    print(f"   scores as expected for {len(batch) - len(wrong)} of {len(batch)} submissions")
    for name, kind, got, expected in wrong[:5]:
        print(f"   unexpected: {name} ({kind}) scored {got}, expected {expected}")
    return seconds


# nbgrader's own autograde pipeline, kernel and all, in place of the kit's configured one.
NBGRADER_ALONE = """
from nbgrader.converters import Autograde
c.Autograde.autograde_preprocessors = Autograde.class_traits()["autograde_preprocessors"].default()
"""


def nbgrader_batch(batch: list[tuple[Path, str, float]], settings: str = "") -> tuple[float, int]:
    """Grade the same files with `nbgrader autograde` in a throwaway course; (seconds, scores as
    expected). ``settings`` are extra nbgrader_config.py lines."""
    course = Path(tempfile.mkdtemp(prefix="dnnkit-nbgrader-bench-"))
    try:
        make_course(course, ASSIGNMENT, {path.stem: path for path, _, _ in batch}, settings)
        started = time.perf_counter()
        autograde(course, ASSIGNMENT)
        seconds = time.perf_counter() - started
        got = scores(course, ASSIGNMENT)
        right = sum(1 for path, _, score in batch if got.get(path.stem) == score)
        return seconds, right
    finally:
        shutil.rmtree(course, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="submissions in the batch")
    parser.add_argument("--repeats", type=int, default=5, help="runs of the single-submission test")
    parser.add_argument("--skip-nbgrader", action="store_true", help="time dnnkit grade only")
    parser.add_argument(
        "--nbgrader-alone",
        type=int,
        default=0,
        metavar="N",
        help="also time nbgrader's own kernel pipeline on the first N submissions (~6 s each)",
    )
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; batch of {args.count} submissions")
    with tempfile.TemporaryDirectory(prefix="dnnkit-bench-") as scratch:
        batch = make_batch(Path(scratch), args.count)
        kinds = {
            kind: sum(1 for _, k, _ in batch if k == kind) for kind in ("right", "wrong", "looping")
        }
        print(f"   mix: {kinds}")

        print("== one submission (the solved notebook)")
        shell, module, in_python = single_latency(batch[0][0], args.repeats)
        print(f"   `dnnkit grade` from the shell: median {statistics.median(shell):.2f} s wall")
        median = statistics.median(module)
        print(f"   `python -m autograder.cli grade` from the shell: median {median:.2f} s wall")
        median = statistics.median(in_python)
        print(f"   grade_paths() incl. sandbox start: median {median:.2f} s wall")

        print(f"== batch of {args.count}: dnnkit grade")
        ours = dnnkit_batch(batch)
        print(f"   {ours:.1f} s wall, {ours / args.count * 1000:.0f} ms per submission")
        if args.skip_nbgrader:
            return
        print(f"== batch of {args.count}: nbgrader autograde with the kit's configuration")
        kit, right = nbgrader_batch(batch)
        per_kit = kit / args.count
        print(f"   {kit:.1f} s wall, {per_kit * 1000:.0f} ms per submission")
        print(f"   scores in the gradebook as expected for {right} of {args.count}")
        print(f"== ratio: dnnkit grade is {kit / ours:.1f}x faster than nbgrader autograde")
        if args.nbgrader_alone:
            alone_batch = batch[: args.nbgrader_alone]
            print(f"== {len(alone_batch)} of them: nbgrader alone (its kernel pipeline, unsafe)")
            alone, right = nbgrader_batch(alone_batch, NBGRADER_ALONE)
            per_alone = alone / len(alone_batch)
            print(f"   {alone:.1f} s wall, {per_alone * 1000:.0f} ms per submission")
            print(f"   scores as expected for {right} of {len(alone_batch)}")
            ratio = per_alone / per_kit
            print(f"== ratio: nbgrader with the kit is {ratio:.1f}x faster per notebook")


if __name__ == "__main__":
    main()
