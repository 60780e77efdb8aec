"""``dnnkit demo``: the kit's main job end to end, on the data it bundles.

1. Build every student release (as ``dnnkit release``).
2. Validate every solved notebook: run it top to bottom and count its passing checks.
3. Grade the sample submissions that ship with the kit and print their grade table.
"""

from __future__ import annotations

import argparse
import sys

from autograder.authoring.execution import validate_notebook
from autograder.authoring.release import ReleaseError, release
from autograder.course.paths import KIT
from autograder.devtools.samples import grade_samples


def run(_args: argparse.Namespace) -> int:
    print("== 1. Build the student releases")
    try:
        for folder in release(course=KIT):
            print(f"   released {folder.name} -> {folder.relative_to(KIT.root)}")
    except ReleaseError as error:
        print(f"dnnkit demo: release failed: {error}", file=sys.stderr)
        return 1

    print("== 2. Validate the solved notebooks")
    all_ran = True
    for assignment in KIT.assignment_ids():
        ran, summary = validate_notebook(KIT.solved_notebook(assignment))
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
