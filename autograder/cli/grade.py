"""``dnnkit grade``: grade submitted notebooks function by function, each in its own sandbox."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from autograder.course.notebooks import NotebookError
from autograder.grading.batch import (
    BatchError,
    Submission,
    discover,
    grade_batch,
    guess_assignment,
    parse_shard,
)
from autograder.grading.reports import render_table
from autograder.grading.result_store import ResultError
from autograder.grading.results import SubmissionResult
from autograder.sandbox.pool import SandboxError

__all__ = ["guess_assignment", "handle", "register"]

ALL_GRADED, COULD_NOT_RUN, SOME_NOT_GRADED = 0, 2, 3


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "grade",
        help="grade submitted notebooks, each graded function in its own sandbox",
        description="Grade submitted notebooks function by function in resource-limited "
        "sandboxes. Takes notebooks, folders and nbgrader submitted/ trees (the student id is "
        "the folder directly under submitted/, or the file name of a loose notebook).",
        epilog="Exit codes: 0 every input was graded (whatever the scores); 3 grading ran but "
        "some inputs could not be graded (a link, a pipe, a missing or malformed notebook, two "
        "notebooks for one student, a result that could not be stored): each has its own record "
        "saying why, and stderr lists them; 2 grading could not run at all (an unknown "
        "assignment, no isolation without --insecure, a bad option).",
    )
    parser.add_argument("submissions", nargs="+", type=Path, metavar="SUBMISSION")
    parser.add_argument(
        "--assignment", help="assignment id (default: from the file or folder name)"
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--workers", type=int, default=None, help="parallel sandboxes (default: three per core)"
    )
    parser.add_argument(
        "--results",
        type=Path,
        metavar="DIR",
        help="write DIR/<assignment>/<student>.json as each submission is graded; "
        "submissions whose result is current are skipped",
    )
    parser.add_argument(
        "--force", action="store_true", help="with --results: regrade even unchanged submissions"
    )
    parser.add_argument(
        "--shard",
        metavar="I/N",
        help="grade only share I of N (by a hash of the student id; the same on every machine)",
    )
    parser.add_argument(
        "--partial-credit",
        action="store_true",
        help="split each function's points over its cases (default: all or nothing)",
    )
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar with ETA on stderr (default: when stderr is a terminal)",
    )
    parser.add_argument(
        "--insecure",
        action="store_true",
        help="grade even where the sandbox cannot isolate student code (trusted notebooks "
        "only; every result records it)",
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    try:
        submissions = discover(args.submissions, args.assignment)
        shard = parse_shard(args.shard) if args.shard else None
    except BatchError as error:
        print(f"dnnkit grade: {error}", file=sys.stderr)
        return COULD_NOT_RUN
    if args.force and args.results is None:
        print("dnnkit grade: --force only means something with --results", file=sys.stderr)
        return COULD_NOT_RUN
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    report = _report_saved if args.results is not None and not args.json else None
    try:
        outcome = grade_batch(
            submissions,
            args.results,
            force=args.force,
            partial_credit=args.partial_credit,
            shard=shard,
            workers=args.workers,
            progress=progress,
            insecure=args.insecure,
            on_saved=report,
        )
    except (ImportError, ValueError, NotebookError, OSError, ResultError, SandboxError) as error:
        print(f"dnnkit grade: grading could not run: {error}", file=sys.stderr)
        return COULD_NOT_RUN
    results = [result for _, result in outcome.graded]
    documents = [
        {**result.to_json(), "student": submission.student, "assignment": submission.assignment}
        for submission, result in outcome.graded
    ]
    for submission, reason in outcome.not_graded:
        print(
            f"dnnkit grade: not graded: {submission.student} ({submission.assignment}): {reason}",
            file=sys.stderr,
        )
    for submission, reason in outcome.unsaved:
        print(f"dnnkit grade: result not stored: {submission.student}: {reason}", file=sys.stderr)
    if args.json:
        print(json.dumps(documents, indent=2))
    elif args.results is not None:
        print(
            f"graded {len(results)}, unchanged {len(outcome.unchanged)}, "
            f"other shards {outcome.other_shards}; results in {args.results}"
        )
    elif results:
        print(render_table(results))
    return SOME_NOT_GRADED if outcome.not_graded or outcome.unsaved else ALL_GRADED


def _report_saved(submission: Submission, result: SubmissionResult, path: Path) -> None:
    """One line per saved result, as it is saved (a log of a long batch, a pod's output)."""
    from tqdm import tqdm

    line = f"{submission.student} {submission.assignment} {result.score:g}/{result.max_score:g}"
    tqdm.write(f"{line} -> {path}", file=sys.stdout)
