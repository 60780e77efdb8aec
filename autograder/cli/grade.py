"""``dnnkit grade``: grade submitted notebooks function by function, each in its own sandbox."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from autograder.course.notebooks import NotebookError
from autograder.course.paths import KIT
from autograder.grading.grader import grade_paths
from autograder.grading.reports import render_table
from autograder.grading.results import SubmissionResult


def guess_assignment(path: Path) -> str | None:
    """The assignment a submission belongs to, from its file name or its folder's name."""
    return next((name for name in (path.stem, path.parent.name) if KIT.has_assignment(name)), None)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "grade",
        help="grade submitted notebooks, each graded function in its own sandbox",
        description="Grade submitted notebooks function by function in resource-limited "
        "sandboxes. Exit code 0 whenever grading ran, whatever the scores.",
    )
    parser.add_argument("submissions", nargs="+", type=Path, metavar="SUBMISSION.ipynb")
    parser.add_argument(
        "--assignment", help="assignment id (default: from the file or folder name)"
    )
    parser.add_argument("--json", action="store_true", help="print Gradescope-style JSON")
    parser.add_argument(
        "--workers", type=int, default=None, help="parallel sandboxes (default: cores)"
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    groups: dict[str, list[Path]] = {}
    for path in args.submissions:
        assignment_id = args.assignment or guess_assignment(path)
        if assignment_id is None:
            print(
                f"dnnkit grade: cannot tell the assignment of {path}; pass --assignment",
                file=sys.stderr,
            )
            return 2
        groups.setdefault(assignment_id, []).append(path)
    results: dict[Path, SubmissionResult] = {}
    try:
        for assignment_id, paths in groups.items():
            graded = grade_paths(paths, assignment_id, args.workers, progress=sys.stderr.isatty())
            results.update(zip(paths, graded, strict=True))
    except (ImportError, ValueError, NotebookError, OSError) as error:
        print(f"dnnkit grade: grading could not run: {error}", file=sys.stderr)
        return 2
    ordered = [results[path] for path in args.submissions]
    if args.json:
        print(json.dumps([result.to_json() for result in ordered], indent=2))
    else:
        print(render_table(ordered))
    return 0
