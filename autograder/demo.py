"""``dnnkit demo``: the kit's main job end to end, on the data it bundles.

1. Build every student release (as ``dnnkit release``).
2. Validate every solved notebook: run it top to bottom and count its passing checks.
3. Grade the sample submissions that ship with the kit and print their grade table.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient.exceptions import CellExecutionError

from autograder.execution import execute_notebook
from autograder.release import KIT_ROOT, ReleaseError, assignment_ids, release
from autograder.samples import grade_samples

PASSED_MARK = "All tests passed"


def validate_notebook(path: Path, timeout: int = 600) -> tuple[bool, str]:
    """Execute a solved notebook where it lives; report whether it ran and what it printed."""
    notebook = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    try:
        execute_notebook(notebook, path.parent, timeout)
    except CellExecutionError as error:
        last_line = str(error).strip().splitlines()[-1] if str(error).strip() else "error"
        return False, f"failed after {time.perf_counter() - started:.1f} s: {last_line}"
    printed = "".join(
        output.get("text", "")
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "stream"
    )
    graded = sum(1 for cell in notebook.cells if cell.source.startswith("# GRADED FUNCTION:"))
    checks = printed.count(PASSED_MARK)
    seconds = time.perf_counter() - started
    return True, f"ran in {seconds:.1f} s; {checks} check(s) passed for {graded} graded function(s)"


def run(args: argparse.Namespace) -> int:
    print("== 1. Build the student releases")
    try:
        for folder in release(root=KIT_ROOT):
            print(f"   released {folder.name} -> {folder.relative_to(KIT_ROOT)}")
    except ReleaseError as error:
        print(f"dnnkit demo: release failed: {error}", file=sys.stderr)
        return 1

    print("== 2. Validate the solved notebooks")
    all_ran = True
    for assignment in assignment_ids(KIT_ROOT):
        path = KIT_ROOT / "source" / assignment / f"{assignment}.ipynb"
        ran, summary = validate_notebook(path)
        all_ran &= ran
        print(f"   {assignment}: {summary}")

    print("== 3. Grade the sample submissions")
    print(grade_samples())
    return 0 if all_ran else 1


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo", help="build every release, validate the solved notebooks, grade the samples"
    )
    parser.set_defaults(handler=run)
