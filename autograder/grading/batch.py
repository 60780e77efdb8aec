"""Batches: which notebooks to grade, for which student, on which machine, and what to skip.

``dnnkit grade`` takes notebooks, folders, or an nbgrader ``submitted/`` tree. Who a submission
belongs to follows one rule, decided by names the instructor (or nbgrader) chose, never by anything
a student placed inside their own folder:

1. nbgrader's layout, ``submitted/<student>/<assignment>/<assignment>.ipynb``: the student id is
   the folder directly under ``submitted/``. Only that one notebook is graded; anything else in the
   student's assignment folder (scratch notebooks, nested folders, even a nested
   ``submitted/alice/...``) is the student's own business and never names anyone. A student folder
   whose assignment folder holds no ``<assignment>.ipynb`` (or a folder, link or pipe by that name)
   gets a record saying so.
2. A folder of loose notebooks: ``<folder>/<student>.ipynb`` (the file name) or
   ``<folder>/<student>/<assignment>.ipynb`` (the folder name); nothing deeper is looked at.
3. A notebook named on the command line: ``<student>/<assignment>.ipynb`` takes the folder's
   name, any other file its own name without ``.ipynb``.

Every input yields a :class:`Submission`, graded or carrying the reason it cannot be (a link, a
pipe, a device, a missing file, two notebooks claiming one student), so nothing a student places
stops a batch or removes another student's record. Links are never followed below ``submitted/``
or inside a folder of loose notebooks (``autograder.course.notebooks.read_submitted`` is the one
safe opener, for reading and hashing alike).

The assignment is ``--assignment`` when given (in an nbgrader tree it then selects that
assignment's folders), else guessed from the file or folder name.

A batch can be split over machines with ``--shard I/N``: a submission belongs to shard
``sha256(student id) mod N``, the same on every machine and every run (Python's ``hash`` is salted
per process, so it is not used), so N processes given the same inputs grade each submission once.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from tqdm import tqdm

from autograder.course.notebooks import (
    NBGRADER_SUBMITTED,
    NotebookError,
    read_submitted,
    untrusted_depth,
)
from autograder.course.paths import KIT
from autograder.grading.grader import grade_paths
from autograder.grading.result_store import (
    ResultError,
    ResultStore,
    grader_fingerprint,
    make_record,
)
from autograder.grading.results import ALL_OR_NOTHING, PARTIAL_CREDIT, SubmissionResult

NOTEBOOK_SUFFIX = ".ipynb"
SKIPPED_FOLDERS = {".ipynb_checkpoints", "__MACOSX"}


class BatchError(ValueError):
    """The batch cannot be graded as asked (an unknown assignment, a notebook of no assignment)."""


@dataclass(frozen=True)
class Submission:
    """One notebook to grade: where it is, whose it is, for which assignment, and, when it cannot
    be graded whatever it holds, why (said on this student's record)."""

    path: Path
    assignment: str
    student: str
    problem: str | None = None


@dataclass
class BatchOutcome:
    """What a batch did: results graded now (in input order), and what it left alone."""

    graded: list[tuple[Submission, SubmissionResult]] = field(default_factory=list)
    unchanged: list[Submission] = field(default_factory=list)  # results still current: skipped
    other_shards: int = 0
    # Graded, but the result could not be stored (a result file that belongs to another id).
    unsaved: list[tuple[Submission, str]] = field(default_factory=list)

    # Skipped as unchanged, but their stored result says they could not be graded: why.
    still_not_graded: list[tuple[Submission, str]] = field(default_factory=list)

    @property
    def not_graded(self) -> list[tuple[Submission, str]]:
        """Every submission whose notebook could not be graded at all (a link, a missing file...),
        in this run or, unchanged since, in the run that stored its result; with the reason."""
        now = [(s, result.not_graded) for s, result in self.graded if result.not_graded]
        return now + self.still_not_graded


def guess_assignment(path: Path) -> str | None:
    """The assignment a submission belongs to, from its file name or its folder's name."""
    return next((name for name in (path.stem, path.parent.name) if KIT.has_assignment(name)), None)


def _entries(folder: Path) -> Iterator[tuple[Path, str]]:
    """A folder's entries, sorted, with what each is (never following a link); hidden and
    checkpoint folders left out."""
    try:
        with os.scandir(folder) as scan:
            found = sorted((entry.name, entry.stat(follow_symlinks=False)) for entry in scan)
    except OSError:
        return
    for name, info in found:
        if name.startswith(".") or name in SKIPPED_FOLDERS:
            continue
        if stat.S_ISDIR(info.st_mode):
            yield folder / name, "folder"
        else:
            yield folder / name, "link" if stat.S_ISLNK(info.st_mode) else "other"


def _nbgrader_tree(submitted: Path, assignment: str | None) -> Iterator[Submission]:
    """Rule 1: one submission per student folder and assignment folder under ``submitted/``."""
    for student_folder, kind in _entries(submitted):
        yield from _student_folder(student_folder, kind, assignment)


def _student_folder(folder: Path, kind: str, assignment: str | None) -> Iterator[Submission]:
    """The submissions of ``submitted/<student>/``: its assignment folders (or the named one).

    A student folder that is a link has no submission of its own: it gets a record saying so for
    the assignment being graded (for each of the course's when none is named).
    """
    student = folder.name
    if kind == "link":
        for name in [assignment] if assignment else KIT.assignment_ids():
            path = folder / name / f"{name}{NOTEBOOK_SUFFIX}"
            yield Submission(path, name, student, _link_problem(folder))
    if kind != "folder":
        return
    for assignment_folder, inner in _entries(folder):
        name = assignment_folder.name
        if (assignment is not None and name != assignment) or not KIT.has_assignment(name):
            continue  # another assignment's folder, or one this course does not grade
        path = assignment_folder / f"{name}{NOTEBOOK_SUFFIX}"
        problem = None
        if inner == "link":
            problem = _link_problem(assignment_folder)
        elif inner == "other":
            problem = f"{assignment_folder} is not a folder; nbgrader keeps {path.name} in one"
        yield Submission(path, name, student, problem)


def _link_problem(path: Path) -> str:
    return (
        f"{path} is a symbolic link; links are never followed (hand in the notebook itself, in "
        "your own folder)"
    )


def _loose_folder(folder: Path, assignment: str | None) -> Iterator[Submission]:
    """Rule 2: ``<folder>/<student>.ipynb`` and ``<folder>/<student>/<assignment>.ipynb``."""
    for entry, kind in _entries(folder):
        if entry.suffix == NOTEBOOK_SUFFIX:
            yield _named_file(entry, assignment)  # a link or a pipe too: its record says so
        elif kind == "folder":
            for inner, _ in _entries(entry):
                wanted = assignment is None or inner.stem == assignment
                if inner.suffix == NOTEBOOK_SUFFIX and wanted and KIT.has_assignment(inner.stem):
                    yield Submission(inner, inner.stem, entry.name)
        elif kind == "link" and assignment is not None:
            path = entry / f"{assignment}{NOTEBOOK_SUFFIX}"
            yield Submission(path, assignment, entry.name, _link_problem(entry))


def _named_file(path: Path, assignment: str | None) -> Submission | None:
    """Rule 3 (and rule 1 for a file in nbgrader's layout): a notebook named by its path; None
    for a notebook nbgrader would not grade (another assignment's, a scratch file)."""
    parts = path.parts
    if untrusted_depth(path) == 3:  # submitted/<student>/<assignment>/<file>
        student, folder = parts[-3], parts[-2]
        wanted = assignment is None or folder == assignment
        if not wanted or not KIT.has_assignment(folder) or path.stem != folder:
            return None
        return Submission(path, folder, student)
    assignment = assignment or guess_assignment(path)
    if assignment is None:
        raise BatchError(f"cannot tell the assignment of {path}; pass --assignment")
    student = path.parent.name if path.stem == assignment else path.stem
    return Submission(path, assignment, student or path.stem)


def _given(path: Path, assignment: str | None) -> Iterator[Submission | None]:
    """The submissions one command-line input names, by the rules of this module.

    The input itself is the instructor's (a link to a course's folder is followed); what lies
    below it is not: the safe opener refuses links there.
    """
    if path.suffix == NOTEBOOK_SUFFIX or not path.is_dir():
        yield _named_file(path, assignment)  # the safe opener says what it is, or that it is gone
        return
    parts = path.parts
    if path.name == NBGRADER_SUBMITTED:
        yield from _nbgrader_tree(path, assignment)
    elif len(parts) >= 2 and parts[-2] == NBGRADER_SUBMITTED:  # one student's folder
        yield from _student_folder(path, "folder", assignment)
    elif len(parts) >= 3 and parts[-3] == NBGRADER_SUBMITTED:  # one student's assignment folder
        yield _named_file(path / f"{path.name}{NOTEBOOK_SUFFIX}", assignment)
    elif (path / NBGRADER_SUBMITTED).is_dir():  # a course root
        yield from _nbgrader_tree(path / NBGRADER_SUBMITTED, assignment)
    else:
        yield from _loose_folder(path, assignment)


def discover(inputs: Iterable[Path], assignment: str | None = None) -> list[Submission]:
    """Every submission named by ``inputs`` (files, folders, nbgrader trees), in a stable order.

    Raises :class:`BatchError` only for what the instructor must decide (an unknown
    ``assignment``, a notebook of no known assignment); everything a student could have caused
    becomes a submission with its ``problem``. The same path given twice counts once; two
    different notebooks claiming one student and assignment are both reported, neither picked.
    """
    if assignment is not None and not KIT.has_assignment(assignment):
        raise BatchError(f"unknown assignment {assignment!r}; known: {KIT.assignment_ids()}")
    submissions: dict[str, Submission] = {}  # by absolute path, links left as they are
    for given in inputs:
        for submission in _given(Path(given), assignment):
            if submission is not None:
                submissions.setdefault(os.path.abspath(submission.path), submission)
    owners: dict[tuple[str, str], list[Submission]] = {}
    for submission in submissions.values():
        owners.setdefault((submission.assignment, submission.student), []).append(submission)
    found = []
    for (assignment_id, student), claims in owners.items():
        if len(claims) == 1:
            found += claims
            continue
        paths = " and ".join(str(claim.path) for claim in claims)
        problem = (
            f"{len(claims)} notebooks claim student {student!r} of {assignment_id}: {paths}; "
            "grade them separately or remove all but one"
        )
        found += [replace(claim, problem=problem) for claim in claims]
    return found


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


def _current_digest(submission: Submission) -> str | None:
    """The sha256 of the notebook as the safe opener reads it now (None when it cannot be read:
    then it is never skipped as unchanged, and its record says why)."""
    if submission.problem is not None:
        return None
    try:
        return read_submitted(submission.path).sha256
    except NotebookError:
        return None


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
    groups: dict[str, list[Submission]] = {}
    fingerprints: dict[str, str] = {}
    for submission in submissions:
        if store is not None:
            if submission.assignment not in fingerprints:
                fingerprints[submission.assignment] = grader_fingerprint(submission.assignment)
            digest = _current_digest(submission)
            fingerprint = fingerprints[submission.assignment]
            current = digest is not None and store.is_current(
                submission.assignment, submission.student, digest, fingerprint, scoring
            )
            if current and not force:
                outcome.unchanged.append(submission)
                stored = store.load(submission.assignment, submission.student) or {}
                if stored.get("not_graded"):
                    outcome.still_not_graded.append((submission, str(stored["not_graded"])))
                continue
        groups.setdefault(submission.assignment, []).append(submission)
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
                submission = group[index]
                graded[submission] = result
                if store is not None:
                    record = make_record(
                        student=submission.student,
                        assignment=assignment,
                        submission=submission.path,
                        sha256=result.sha256,
                        fingerprint=fingerprints[assignment],
                        result=result,
                    )
                    try:
                        path = store.save(record)
                    except ResultError as error:  # this record only; the batch goes on
                        outcome.unsaved.append((submission, str(error)))
                    else:
                        if on_saved is not None:
                            on_saved(submission, result, path)
                bar.update()

            paths = [submission.path for submission in group]
            # Hidden cases are drawn per student: the same student id draws the same ones on
            # every machine and every regrade.
            identities = [submission.student for submission in group]
            problems = [submission.problem for submission in group]
            grade_paths(
                paths,
                assignment,
                workers,
                on_result=finished,
                identities=identities,
                problems=problems,
                scoring=scoring,
                **options,
            )
    outcome.graded = [(s, graded[s]) for s in submissions if s in graded]
    return outcome
