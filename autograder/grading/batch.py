"""Batches: which notebooks to grade, for which student, on which machine, and what to skip.

``dnnkit grade`` takes notebooks, folders, or an nbgrader ``submitted/`` tree. Every submission gets
a student id and an assignment id here, once, by these rules (the first that applies):

1. ``.../submitted/<student>/<assignment>/<assignment>.ipynb``: nbgrader's layout (other notebooks
   in that folder are the student's scratch files and are not graded, as with nbgrader);
2. ``<student>/<assignment>.ipynb``: the file is named after the assignment, the folder after the
   student;
3. anything else: the student id is the file name without ``.ipynb``.

The assignment is ``--assignment`` when given (in an nbgrader tree it then selects that
assignment's folders), else guessed from the file or folder name.

A batch can be split over machines with ``--shard I/N``: a submission belongs to shard
``sha256(student id) mod N``, the same on every machine and every run (Python's ``hash`` is salted
per process, so it is not used), so N processes given the same inputs grade each submission once.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from autograder.course.paths import KIT
from autograder.grading.grader import grade_paths
from autograder.grading.result_store import (
    ALL_OR_NOTHING,
    PARTIAL_CREDIT,
    ResultStore,
    grader_fingerprint,
    make_record,
    sha256_of,
)
from autograder.grading.results import SubmissionResult

NBGRADER_SUBMITTED = "submitted"
NOTEBOOK_SUFFIX = ".ipynb"
SKIPPED_FOLDERS = {".ipynb_checkpoints", "__MACOSX"}


class BatchError(ValueError):
    """The batch cannot be graded as asked (unknown assignment, two files for one student...)."""


@dataclass(frozen=True)
class Submission:
    """One notebook to grade: where it is, whose it is, and for which assignment."""

    path: Path
    assignment: str
    student: str


@dataclass
class BatchOutcome:
    """What a batch did: results graded now (in input order), and what it left alone."""

    graded: list[tuple[Submission, SubmissionResult]] = field(default_factory=list)
    unchanged: list[Submission] = field(default_factory=list)  # results still current: skipped
    other_shards: int = 0


def guess_assignment(path: Path) -> str | None:
    """The assignment a submission belongs to, from its file name or its folder's name."""
    return next((name for name in (path.stem, path.parent.name) if KIT.has_assignment(name)), None)


def _nbgrader_parts(path: Path) -> tuple[str, str] | None:
    """(student, assignment folder) when ``path`` sits in nbgrader's submitted/ layout."""
    parts = path.parts
    if len(parts) >= 4 and parts[-4] == NBGRADER_SUBMITTED:
        return parts[-3], parts[-2]
    return None


def describe(path: Path, assignment: str | None) -> Submission | None:
    """The submission a notebook file is, by the rules of this module; None to leave it out."""
    nbgrader = _nbgrader_parts(path)
    if nbgrader is not None:
        student, folder = nbgrader
        if assignment is not None and folder != assignment:
            return None  # another assignment's folder in the same tree
        if not KIT.has_assignment(folder) or path.stem != folder:
            return None  # a folder nbgrader would not grade, or a scratch notebook in it
        return Submission(path, folder, student)
    assignment = assignment or guess_assignment(path)
    if assignment is None:
        raise BatchError(f"cannot tell the assignment of {path}; pass --assignment")
    student = path.parent.name if path.stem == assignment else path.stem
    return Submission(path, assignment, student or path.stem)


def _notebooks_under(folder: Path) -> list[Path]:
    found = []
    for path in sorted(folder.rglob(f"*{NOTEBOOK_SUFFIX}")):
        relative = path.relative_to(folder).parts
        if any(part in SKIPPED_FOLDERS or part.startswith(".") for part in relative):
            continue
        if path.is_file():
            found.append(path)
    return found


def discover(inputs: Iterable[Path], assignment: str | None = None) -> list[Submission]:
    """Every submission named by ``inputs`` (files, folders, nbgrader trees), in a stable order.

    Raises :class:`BatchError` for an unknown ``assignment``, an input that does not exist, or two
    different files for one student and assignment (which one to grade is the instructor's call).
    """
    if assignment is not None and not KIT.has_assignment(assignment):
        raise BatchError(f"unknown assignment {assignment!r}; known: {KIT.assignment_ids()}")
    submissions: list[Submission] = []
    seen: dict[Path, None] = {}
    for given in inputs:
        given = Path(given)
        if given.is_dir():
            files = _notebooks_under(given)
        elif given.is_file():
            files = [given]
        else:
            raise BatchError(f"no such file or folder: {given}")
        for path in files:
            key = path.resolve()
            if key in seen:
                continue
            seen[key] = None
            submission = describe(path, assignment)
            if submission is not None:
                submissions.append(submission)
    owners: dict[tuple[str, str], Path] = {}
    for submission in submissions:
        key = (submission.assignment, submission.student)
        if key in owners:
            raise BatchError(
                f"two submissions for student {submission.student!r} of {submission.assignment}: "
                f"{owners[key]} and {submission.path}; grade them separately or remove one"
            )
        owners[key] = submission.path
    return submissions


def parse_shard(text: str) -> tuple[int, int]:
    """``"I/N"`` as (I, N), with 0 <= I < N: the share ``--shard`` asks for."""
    index, slash, count = text.partition("/")
    try:
        shard = (int(index), int(count))
    except ValueError:
        shard = None
    if not slash or shard is None or not 0 <= shard[0] < shard[1]:
        raise BatchError(f"--shard takes I/N with 0 <= I < N (for example 0/4), not {text!r}")
    return shard


def shard_of(student: str, count: int) -> int:
    """The shard a student's submissions belong to: the same on every machine and every run."""
    digest = hashlib.sha256(student.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count


def grade_batch(
    submissions: list[Submission],
    results: Path | None = None,
    *,
    force: bool = False,
    partial_credit: bool = False,
    shard: tuple[int, int] | None = None,
    workers: int | None = None,
    progress: bool = False,
    insecure: bool = False,
    on_saved: Callable[[Submission, SubmissionResult, Path], None] | None = None,
) -> BatchOutcome:
    """Grade a batch; with ``results``, save each result as it is graded and skip current ones.

    Submissions are grouped by assignment (one pool of sandboxes per assignment). A result is
    current, and its submission skipped unless ``force``, when its file has the same sha256, the
    grader the same fingerprint and the scoring the same mode.
    """
    outcome = BatchOutcome()
    if shard is not None:
        index, count = shard
        mine = [s for s in submissions if shard_of(s.student, count) == index]
        outcome.other_shards = len(submissions) - len(mine)
        submissions = mine
    store = ResultStore(results) if results is not None else None
    if store is not None:
        store.root.mkdir(parents=True, exist_ok=True)
        store.sweep()
    scoring = PARTIAL_CREDIT if partial_credit else ALL_OR_NOTHING
    groups: dict[str, list[tuple[Submission, str]]] = {}
    fingerprints: dict[str, str] = {}
    for submission in submissions:
        digest = sha256_of(submission.path)
        if store is not None:
            if submission.assignment not in fingerprints:
                fingerprints[submission.assignment] = grader_fingerprint(submission.assignment)
            fingerprint = fingerprints[submission.assignment]
            current = store.is_current(
                submission.assignment, submission.student, digest, fingerprint, scoring
            )
            if current and not force:
                outcome.unchanged.append(submission)
                continue
        groups.setdefault(submission.assignment, []).append((submission, digest))
    total = sum(len(group) for group in groups.values())
    graded: dict[Submission, SubmissionResult] = {}
    options = {"insecure": True} if insecure else {}
    with tqdm(
        total=total, disable=not progress or total < 2, unit="submission", file=sys.stderr
    ) as bar:
        for assignment, group in groups.items():

            def finished(
                index: int,
                result: SubmissionResult,
                group: list = group,
                assignment: str = assignment,
            ) -> None:
                submission, digest = group[index]
                for test in result.tests:
                    test.partial_credit = partial_credit
                graded[submission] = result
                if store is not None:
                    record = make_record(
                        student=submission.student,
                        assignment=assignment,
                        submission=submission.path,
                        sha256=digest,
                        fingerprint=fingerprints[assignment],
                        result=result,
                    )
                    path = store.save(record)
                    if on_saved is not None:
                        on_saved(submission, result, path)
                bar.update()

            paths = [submission.path for submission, _ in group]
            # Hidden cases are drawn per student: the same student id draws the same ones on
            # every machine and every regrade.
            identities = [submission.student for submission, _ in group]
            grade_paths(
                paths, assignment, workers, on_result=finished, identities=identities, **options
            )
    outcome.graded = [(s, graded[s]) for s in submissions if s in graded]
    return outcome
