"""``dnnkit dataset``: pack an instructor's own labelled pictures for lesson 2.

Lesson 2 reads two HDF5 files in the course's layout. This subcommand builds them from folders::

    SOURCE/train/<class>/*.jpg   SOURCE/test/<class>/*.jpg

Each picture is cropped to its centre square and resized to 64 x 64 RGB. Point the notebook at
the result with ``load_data(OUTPUT)`` or ``DNNKIT_CATVNONCAT_DIR=OUTPUT``.
"""

from __future__ import annotations

import argparse
import sys

from autograder.authoring.datasets import build_from_folders
from support.application.data import NAME, DatasetError


def build(args: argparse.Namespace) -> int:
    """Build the pair and report where it went; a clear message and exit code 1 on bad input."""
    try:
        train, test = build_from_folders(args.source, args.output, args.classes, args.name)
    except DatasetError as error:
        print(f"dnnkit dataset: {error}", file=sys.stderr)
        return 1
    labels = ", ".join(f"{label} = {name}" for label, name in enumerate(args.classes))
    print(f"Wrote {train} and {test} (labels: {labels}).")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "dataset",
        help="build lesson 2's HDF5 pair from folders of labelled pictures",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("source", help="folder holding train/<class>/ and test/<class>/")
    parser.add_argument("output", help="folder to write train_<name>.h5 and test_<name>.h5 into")
    parser.add_argument(
        "--classes",
        nargs=2,
        default=["non-cat", "cat"],
        metavar=("NEGATIVE", "POSITIVE"),
        help="class folder names, label 0 first (default: non-cat cat)",
    )
    parser.add_argument("--name", default=NAME, help=f"file name stem (default: {NAME})")
    parser.set_defaults(handler=build)
