"""``dnnkit release``: build the student notebooks in release/ from the solved ones in source/."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from autograder.authoring.release import ReleaseError, course_gradebook, release
from autograder.course.paths import KIT


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    try:
        gradebook = None if args.no_db else args.db or course_gradebook(KIT)
        built = release(args.assignments, output=args.output, gradebook=gradebook)
    except ReleaseError as error:
        print(f"dnnkit release: error: {error}", file=sys.stderr)
        return 1
    for path in built:
        print(f"released {path.name} -> {path}")
    if gradebook:
        print(f"registered in the gradebook {gradebook}")
    print(f"{len(built)} release(s) built in {time.perf_counter() - started:.1f} s")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "release", help="build the student notebooks in release/ from the solved ones in source/"
    )
    parser.add_argument(
        "assignments", nargs="*", metavar="ASSIGNMENT", help="assignment ids (default: all)"
    )
    parser.add_argument(
        "--output", type=Path, default=None, help="release folder (default: release/ in the kit)"
    )
    parser.add_argument(
        "--db",
        default=None,
        metavar="URL",
        help="the nbgrader gradebook to register the assignments in "
        "(default: sqlite:///<course root>/gradebook.db, as nbgrader's)",
    )
    parser.add_argument(
        "--no-db", action="store_true", help="build the files only; touch no gradebook"
    )
    parser.set_defaults(handler=run)
