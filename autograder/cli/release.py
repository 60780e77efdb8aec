"""``dnnkit release``: build the student notebooks in release/ from the solved ones in source/."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from autograder.authoring.release import ReleaseError, release


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    try:
        built = release(args.assignments, output=args.output)
    except ReleaseError as error:
        print(f"dnnkit release: error: {error}", file=sys.stderr)
        return 1
    for path in built:
        print(f"released {path.name} -> {path}")
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
    parser.set_defaults(handler=run)
