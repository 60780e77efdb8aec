"""The course secret: the key that makes every submission's hidden cases its own.

Hidden cases draw their random inputs from HMAC-SHA256(secret, "<assignment>/<function>/<case>/
<identity>") (``autograder.grading.cases``). Expected values a student reads in their feedback
therefore say nothing about a classmate's cases, and a regrade draws the same inputs again. Whoever
holds the secret can recompute every student's hidden inputs, so it stays with the instructor.

Where it lives (the first that exists wins):

1. the environment variable ``DNNKIT_COURSE_SECRET`` (CI, a TA's machine, a grading server);
2. the file ``<course root>/.dnnkit/course_secret``, created on first use: 32 random bytes written
   as 64 hex digits, mode 0600, announced once on stderr.

The secret is the text itself (stripped, UTF-8) in both places, so pasting the file's content into
the variable grades elsewhere exactly as here.

Decision: the file is created OUTSIDE version control. ``.dnnkit/`` gets its own ``.gitignore``
(``*``, as pytest does with its cache), so a ``git add -A`` never publishes it: the kit's own
repository is public and a course forked from it may be too, while a committed secret leaks to
every reader for good. Losing it is milder but real: every hidden input of a regrade changes (a
correct solution still passes; feedback and borderline grades may differ). So, when it is created,
stderr tells the instructor to keep a copy where the course's other secrets live (a password
manager, the CI's secret store); a course kept in a *private* repository may commit it on purpose
with ``git add -f .dnnkit/course_secret``. A damaged file is an error, never silently replaced.

Never in a release: ``dnnkit release`` writes the notebook's folder and the ``support`` modules the
notebook imports, nothing from the course root's dot-folders (``tests/course/test_secret.py`` checks
that no file of a release holds the secret's bytes).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
import tempfile
from pathlib import Path

from autograder.course.paths import KIT, CoursePaths

SECRET_ENV = "DNNKIT_COURSE_SECRET"
SECRET_FOLDER = ".dnnkit"
SECRET_FILE = "course_secret"
RANDOM_BYTES = 32
MIN_LENGTH = 16  # characters: a short secret could be found by trying every value
FOLDER_GITIGNORE = "# dnnkit: the course secret stays out of version control (see secret.py)\n*\n"


class SecretError(RuntimeError):
    """The course secret is unusable (too short or damaged): grading would not be reproducible."""


def secret_path(paths: CoursePaths | None = None) -> Path:
    """Where the course keeps its secret when the environment gives none."""
    return (paths or KIT).root / SECRET_FOLDER / SECRET_FILE


def course_secret(paths: CoursePaths | None = None) -> bytes:
    """The course secret: ``DNNKIT_COURSE_SECRET``, else the course's file (made on first use)."""
    from_environment = os.environ.get(SECRET_ENV)
    if from_environment is not None:
        return _checked(from_environment, f"the environment variable {SECRET_ENV}")
    path = secret_path(paths)
    if not path.exists():
        _create(path)
    return _checked(path.read_text(encoding="utf-8"), str(path))


def _checked(text: str, origin: str) -> bytes:
    secret = text.strip()
    if len(secret) < MIN_LENGTH:
        raise SecretError(
            f"the course secret in {origin} is {len(secret)} characters long; it needs at least "
            f"{MIN_LENGTH}. Restore it from your copy (a new one changes every hidden case)."
        )
    return secret.encode("utf-8")


def _create(path: Path) -> None:
    """Write a new secret atomically: a concurrent first use reads a whole secret, never half."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    ignore = path.parent / ".gitignore"
    if not ignore.exists():
        ignore.write_text(FOLDER_GITIGNORE, encoding="utf-8")
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".new-secret-")  # mode 0600
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_hex(RANDOM_BYTES) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)  # fails if another process made it first: theirs wins
        except FileExistsError:
            return
        except OSError:  # a file system without hard links: exclusive creation instead
            try:
                exclusive = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            except FileExistsError:
                return
            with os.fdopen(exclusive, "w", encoding="utf-8") as handle:
                handle.write(Path(temporary).read_text(encoding="utf-8"))
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    print(
        f"dnnkit: created the course secret {path}. Keep it private and keep a copy: hidden "
        f"test inputs derive from it, so losing it changes every regrade. It is git-ignored; "
        f"elsewhere set {SECRET_ENV} to its content.",
        file=sys.stderr,
    )
