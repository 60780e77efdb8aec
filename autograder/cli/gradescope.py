"""``dnnkit gradescope``: build Gradescope's autograder package for one assignment."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "gradescope",
        help="build Gradescope's autograder.zip for an assignment",
        description="Build the zip to upload as a Gradescope programming assignment's "
        "autograder: setup.sh installs the kit's pinned dependencies, run_autograder grades the "
        "submitted notebook with the same sandbox as `dnnkit grade`. The zip holds the course "
        "secret: keep it with the instructors.",
    )
    parser.add_argument("assignment", metavar="ASSIGNMENT")
    parser.add_argument("-o", "--output", type=Path, default=Path("autograder.zip"))
    parser.add_argument(
        "--visibility",
        default="visible",
        choices=("visible", "hidden", "after_due_date", "after_published"),
        help="when students see each function's result (default: visible)",
    )
    parser.add_argument(
        "--partial-credit",
        action="store_true",
        help="split each function's points over its cases (default: all or nothing)",
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from autograder.course.secret import SecretError
    from autograder.gradescope.package import PackageError, build_package

    try:
        path = build_package(
            args.assignment,
            args.output,
            visibility=args.visibility,
            partial_credit=args.partial_credit,
        )
    except (PackageError, SecretError, OSError) as error:
        print(f"dnnkit gradescope: {error}", file=sys.stderr)
        return 2
    print(f"wrote {path}: upload it as the assignment's autograder (Ubuntu 24.04 base image)")
    return 0
