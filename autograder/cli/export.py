"""``dnnkit export``: a results folder out as a gradebook CSV (plain, Canvas, Moodle) or pages."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export",
        help="export the results of `dnnkit grade --results` for an LMS, or as feedback pages",
        description="One row per student, one column per graded function plus each "
        "assignment's total, in the layout of the gradebook import of the LMS; or, with "
        "--format feedback, one HTML page per student in nbgrader's feedback/ layout.",
    )
    parser.add_argument("--results", type=Path, required=True, metavar="DIR")
    parser.add_argument(
        "--format", required=True, choices=("csv", "canvas", "moodle", "feedback"), dest="fmt"
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        help="the CSV file (default: stdout); with --format feedback the folder (required)",
    )
    parser.add_argument("--assignment", help="export one assignment only (default: all)")
    parser.add_argument(
        "--roster",
        type=Path,
        help="canvas: a gradebook exported from the course, to fill in each student's "
        "Canvas ID, SIS ids and section",
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from autograder.grading.exports import (
        ExportError,
        gradebook_rows,
        read_roster,
        write_feedback,
        write_rows,
    )
    from autograder.grading.result_store import ResultError, ResultStore

    try:
        store = ResultStore(args.results)
        records = store.records(args.assignment)
        bad = store.unreadable(args.assignment)
        if bad:
            print(
                f"dnnkit export: skipped {len(bad)} unreadable file(s): {bad[0]}", file=sys.stderr
            )
        if args.fmt == "feedback":
            if args.output is None:
                print("dnnkit export: --format feedback needs -o DIR", file=sys.stderr)
                return 2
            written = write_feedback(records, args.output)
            print(f"wrote {len(written)} feedback page(s) under {args.output}", file=sys.stderr)
            return 0
        roster = read_roster(args.roster) if args.roster else None
        rows, unmatched = gradebook_rows(records, args.fmt, roster)
    except (ExportError, ResultError, OSError) as error:
        print(f"dnnkit export: {error}", file=sys.stderr)
        return 2
    for student in unmatched:
        print(f"dnnkit export: {student!r} is not in the roster", file=sys.stderr)
    if args.output is None:
        write_rows(rows, sys.stdout)
    else:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        with args.output.open("w", newline="", encoding="utf-8") as handle:
            write_rows(rows, handle)
        print(f"wrote {len(rows) - 1} row(s) to {args.output}", file=sys.stderr)
    return 0
