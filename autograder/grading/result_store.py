"""One result file per graded submission, written as soon as it is graded and never half-written.

A batch of hundreds of notebooks can be killed at any moment (a laptop lid, a pre-empted pod, a
Slurm time limit). Each submission's result is therefore its own JSON file, written to a temporary
name in the same folder, flushed to disk and renamed over the final name: a reader (or a resumed
batch) sees the old file or the new one, never a torn one. The file says what was graded (the
sha256 of the notebook's bytes) and with what (a fingerprint of the grading code, the solved
notebook, the numpy version and the course secret), so a resumed batch skips exactly the
submissions whose result is still true and regrades the rest.

Layout: ``<results>/<assignment>/<student>.json``; a student id that is not a plain file name is
encoded one-to-one (:func:`file_stem`), and the id itself is always inside the file, checked when
it is read and before it is replaced.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import re
import secrets
import time
from collections.abc import Iterator
from dataclasses import asdict, is_dataclass
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from autograder.course.paths import ASSIGNMENT_ID, KIT, SUPPORT_PACKAGE, CoursePaths
from autograder.grading.results import SubmissionResult

RECORD_FORMAT = 1
TEMPORARY_PREFIX = ".tmp-"
STALE_TEMPORARY_SECONDS = 3600  # a temporary file this old belongs to a writer that was killed
PLAIN_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.@+-]{0,99}")
PLAIN_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.@+-")
MAX_ENCODED = 180  # with "~" and ".json", under the 255-byte name limit of common file systems
# What decides a grade besides the notebook: these packages of the kit, and the support package.
GRADING_PACKAGES = (
    "autograder/course",
    "autograder/grading",
    "autograder/lessons",
    "autograder/sandbox",
)
# Modules there that only store or report grades: changing them does not change a grade.
NOT_GRADING = {"batch.py", "result_store.py", "exports.py", "reports.py"}


class ResultError(ValueError):
    """A results folder or a result file that cannot be used as it is."""


def file_stem(student: str) -> str:
    """A file or folder name for a student id, one-to-one: no two ids ever share a file.

    A plain id (letters, digits, ``_.@+-``, not starting with a dot or a dash, at most 100
    characters) is its own name. Any other id is written ``~`` + every byte outside that set
    percent-encoded (``%2F`` for ``/``); ``~`` never starts a plain id, and ``%`` never appears in
    one, so the two forms cannot meet. An id whose encoding would pass the file system's name limit
    becomes ``~~`` + its first characters + the full sha256 of the id. Ids come from folder names,
    LMS exports and zip file names, which students influence, so the stored id is checked on
    every read and write too (:class:`ResultStore`).
    """
    if PLAIN_NAME.fullmatch(student):
        return student
    encoded = "".join(
        chr(byte) if chr(byte) in PLAIN_CHARACTERS else f"%{byte:02X}"
        for byte in student.encode("utf-8", "surrogatepass")
    )
    if len(encoded) <= MAX_ENCODED:
        return f"~{encoded}"
    digest = hashlib.sha256(student.encode("utf-8", "surrogatepass")).hexdigest()
    return f"~~{encoded[:100]}~{digest}"


def grader_fingerprint(assignment_id: str, paths: CoursePaths = KIT) -> str:
    """A hash of everything besides the notebook that decides its grade.

    The grading code, the lessons' hidden tests, the support package, the solved notebook, the
    numpy version (hidden inputs are drawn with it) and the course secret (keyed, so the
    fingerprint says nothing about it). A result whose fingerprint differs is regraded.
    """
    from autograder.course.secret import course_secret  # imported late: it may create the file

    digest = hashlib.sha256()
    files = [paths.solved_notebook(assignment_id)]
    for folder in (*GRADING_PACKAGES, SUPPORT_PACKAGE):
        files += sorted(f for f in (paths.root / folder).rglob("*.py") if f.name not in NOT_GRADING)
    for file in files:
        digest.update(str(file.relative_to(paths.root)).encode() + b"\0")
        digest.update(file.read_bytes() + b"\0")
    digest.update(_installed("numpy").encode() + b"\0")
    digest.update(hmac.new(course_secret(paths), b"dnnkit result fingerprint", "sha256").digest())
    return digest.hexdigest()


def _installed(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "not installed"


def _plain(value: Any) -> Any:
    """A JSON-ready copy of what the grader reports about isolation (a dict today)."""
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if hasattr(value, "to_json"):
        return value.to_json()
    return json.loads(json.dumps(value, default=str))


def make_record(
    *,
    student: str,
    assignment: str,
    submission: Path,
    sha256: str,
    fingerprint: str,
    result: SubmissionResult,
) -> dict:
    """The content of one result file (format 1), from a graded submission."""
    tests = []
    for test in result.tests:
        entry = test.to_json()
        entry.update(cases=test.cases, passed_cases=test.passed_cases)
        tests.append(entry)
    return {
        "format": RECORD_FORMAT,
        "student": student,
        "assignment": assignment,
        "submission": str(submission),
        "sha256": sha256,
        "fingerprint": fingerprint,
        "scoring": result.scoring,
        "graded_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "dnnkit": _installed("dnnkit"),
        "isolation": _plain(getattr(result, "isolation", None)),
        "not_graded": result.not_graded,
        "score": result.score,
        "max_score": result.max_score,
        "tests": tests,
    }


class ResultStore:
    """A folder of result files: ``<root>/<assignment>/<student>.json``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_for(self, assignment: str, student: str) -> Path:
        if not ASSIGNMENT_ID.fullmatch(assignment):
            raise ResultError(f"not an assignment id: {assignment!r}")
        return self.root / assignment / f"{file_stem(student)}.json"

    def load(self, assignment: str, student: str) -> dict | None:
        """The stored result of one student, or None (missing, unreadable or someone else's)."""
        record = _read(self.path_for(assignment, student))
        if record is None or record.get("student") != student:
            return None
        return record if record.get("assignment") == assignment else None

    def is_current(
        self, assignment: str, student: str, sha256: str, fingerprint: str, scoring: str
    ) -> bool:
        """Whether the stored result is still the grade of this very file, graded this way."""
        record = self.load(assignment, student)
        return record is not None and (
            record.get("sha256"),
            record.get("fingerprint"),
            record.get("scoring"),
        ) == (sha256, fingerprint, scoring)

    def save(self, record: dict) -> Path:
        """Write one result atomically: a temporary file, fsync, rename over the final name.

        Never over another student's result: a file holding another id (a name collision on a
        case-insensitive file system, a hand-made file) is refused with :class:`ResultError`.
        """
        path = self.path_for(record["assignment"], record["student"])
        path.parent.mkdir(parents=True, exist_ok=True)
        existing = _read(path)
        if existing is not None and existing.get("student") != record["student"]:
            raise ResultError(
                f"{path} holds the result of student {existing.get('student')!r}; not "
                f"overwritten with {record['student']!r}'s (rename one of the two)"
            )
        temporary = (
            path.parent / f"{TEMPORARY_PREFIX}{path.name}.{os.getpid()}.{secrets.token_hex(4)}"
        )
        data = (json.dumps(record, indent=1, sort_keys=True) + "\n").encode()
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
            raise
        _sync_folder(path.parent)
        return path

    def records(self, assignment: str | None = None) -> list[dict]:
        """Every readable result (of one assignment, or all), sorted by assignment and student."""
        found = [record for _, record in self._walk(assignment)]
        return sorted(found, key=lambda r: (r["assignment"], r["student"]))

    def unreadable(self, assignment: str | None = None) -> list[Path]:
        """Result files that do not parse as results (edited by hand, another tool's files)."""
        return [path for path, record in self._walk(assignment, keep_bad=True) if record is None]

    def sweep(self, older_than: float = STALE_TEMPORARY_SECONDS) -> int:
        """Delete temporary files left by killed writers (old enough not to be in flight)."""
        removed = 0
        cutoff = time.time() - older_than
        for path in self.root.glob(f"*/{TEMPORARY_PREFIX}*"):
            with contextlib.suppress(FileNotFoundError):
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
        return removed

    def _walk(self, assignment: str | None, keep_bad: bool = False) -> Iterator[tuple[Path, Any]]:
        if not self.root.is_dir():
            raise ResultError(f"no results folder at {self.root}")
        folders = [self.root / assignment] if assignment else sorted(self.root.iterdir())
        for folder in folders:
            if not folder.is_dir() or not ASSIGNMENT_ID.fullmatch(folder.name):
                continue
            for path in sorted(folder.glob("*.json")):
                if path.name.startswith("."):
                    continue
                record = _read(path)
                if record is not None and record.get("assignment") != folder.name:
                    record = None
                if record is not None or keep_bad:
                    yield path, record


def _read(path: Path) -> dict | None:
    """A result file's content if it is one (format 1, the keys exports rely on), else None."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    needed = {"student", "assignment", "sha256", "score", "max_score", "tests"}
    if not isinstance(record, dict) or record.get("format") != RECORD_FORMAT:
        return None
    if not needed <= record.keys() or not isinstance(record["tests"], list):
        return None
    return record


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every file system allows it)."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
