"""``autograder.zip`` for Gradescope: the kit, pinned dependencies, setup.sh and run_autograder.

Gradescope unpacks the zip into ``/autograder/source``, runs ``setup.sh`` once (as root, with
network) to build its image, then ``run_autograder`` for each submission. The package holds:

- ``kit/``: the ``autograder`` and ``support`` packages, the assignment's solved notebook and the
  course secret (``kit/.dnnkit/course_secret``, mode 0600), so hidden inputs are drawn as they are
  on the instructor's machine. This is instructor material, like the repository: students never
  see the zip, and their code runs in the sandbox, locked out of ``kit/`` (chroot);
- ``requirements.txt``: every package grading imports, pinned to the versions installed here, so
  Gradescope grades with the numbers the kit was tested with (hidden inputs depend on numpy's
  version);
- ``gradescope.json``: the assignment id, the test visibility and the scoring mode.

The zip is reproducible: sorted entries, fixed timestamps.
"""

from __future__ import annotations

import json
import re
import zipfile
from importlib.metadata import PackageNotFoundError, requires, version
from pathlib import Path

from autograder.course.paths import KIT, SUPPORT_PACKAGE, CoursePaths
from autograder.course.secret import SECRET_FILE, SECRET_FOLDER, course_secret
from autograder.gradescope.results import VISIBILITIES
from autograder.gradescope.run import CONFIG, DEFAULT_ROOT, ROOT_VARIABLE

KIT_FOLDER = "kit"
EDITOR_ONLY = {"jupyterlab"}  # in the student requirements to edit notebooks, not to grade them
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
EXECUTABLE = 0o100755
PRIVATE = 0o100600
REGULAR = 0o100644

SETUP_SH = f"""#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (dnnkit gradescope).
set -euo pipefail
ROOT="${{{ROOT_VARIABLE}:-{DEFAULT_ROOT}}}"
SOURCE="$ROOT/source"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \\
    python3 python3-venv python3-pip
fi
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
  echo "dnnkit needs Python 3.10 or newer: pick Gradescope's Ubuntu 24.04 base image" >&2
  exit 1
fi
python3 -m venv "$ROOT/venv"
"$ROOT/venv/bin/pip" install --no-cache-dir --upgrade pip
"$ROOT/venv/bin/pip" install --no-cache-dir -r "$SOURCE/requirements.txt"
chmod 700 "$SOURCE/{KIT_FOLDER}/{SECRET_FOLDER}"
chmod 600 "$SOURCE/{KIT_FOLDER}/{SECRET_FOLDER}/{SECRET_FILE}"
# Fail here, when the instructor uploads, rather than on a student's submission.
cd "$SOURCE/{KIT_FOLDER}"
PYTHONPATH="$SOURCE/{KIT_FOLDER}" "$ROOT/venv/bin/python" -c "import autograder.gradescope.run"
"""

RUN_AUTOGRADER = f"""#!/usr/bin/env bash
# Gradescope runs this for every submission; it writes $ROOT/results/results.json.
set -euo pipefail
ROOT="${{{ROOT_VARIABLE}:-{DEFAULT_ROOT}}}"
export {ROOT_VARIABLE}="$ROOT"
export PYTHONPATH="$ROOT/source/{KIT_FOLDER}"
export PYTHONDONTWRITEBYTECODE=1
# Start in the kit, never in a folder a submission could add modules to.
cd "$ROOT/source/{KIT_FOLDER}"
exec "$ROOT/venv/bin/python" -m autograder.gradescope.run
"""


class PackageError(RuntimeError):
    """The package cannot be built here (unknown assignment, the kit is not installed)."""


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _dependencies(distribution: str, extra: str | None = None) -> list[str]:
    """The names ``distribution`` requires (those of ``extra`` only, when given)."""
    names = []
    for requirement in requires(distribution) or []:
        spec, _, marker = requirement.partition(";")
        wants_extra = re.search(r"extra\s*==\s*['\"]([^'\"]+)['\"]", marker)
        if (wants_extra.group(1) if wants_extra else None) != extra:
            continue
        match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", spec)
        if match:
            names.append(match.group(1))
    return names


def pinned_requirements() -> list[str]:
    """``name==version`` for what grading imports: the student requirements (what a submitted
    notebook may import) but editors, and everything they need, as installed here."""
    try:
        roots = [n for n in _dependencies("dnnkit", "student") if _canonical(n) not in EDITOR_ONLY]
    except PackageNotFoundError as error:
        raise PackageError("dnnkit is not installed here: run `make .venv/.installed`") from error
    pins: dict[str, str] = {}
    pending = list(roots)
    while pending:
        name = _canonical(pending.pop())
        if name in pins:
            continue
        try:
            pins[name] = version(name)
        except PackageNotFoundError:  # needed only elsewhere (another platform, an old Python)
            continue
        pending += _dependencies(name)
    return [f"{name}=={pins[name]}" for name in sorted(pins)]


def _kit_files(paths: CoursePaths, assignment: str) -> list[tuple[Path, str]]:
    files = [(paths.solved_notebook(assignment), f"source/{assignment}/{assignment}.ipynb")]
    for package in ("autograder", SUPPORT_PACKAGE):
        for path in sorted((paths.root / package).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                files.append((path, path.relative_to(paths.root).as_posix()))
    return files


def _add(archive: zipfile.ZipFile, name: str, data: bytes, mode: int = REGULAR) -> None:
    info = zipfile.ZipInfo(name, ZIP_TIME)
    info.external_attr = mode << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def build_package(
    assignment: str,
    output: Path,
    *,
    visibility: str = "visible",
    partial_credit: bool = False,
    paths: CoursePaths = KIT,
) -> Path:
    """Write Gradescope's autograder zip for one assignment; returns its path."""
    if not paths.has_assignment(assignment):
        raise PackageError(f"unknown assignment {assignment!r}; known: {paths.assignment_ids()}")
    if visibility not in VISIBILITIES:
        raise PackageError(f"visibility must be one of {VISIBILITIES}")
    config = {
        "assignment": assignment,
        "visibility": visibility,
        "partial_credit": partial_credit,
        "dnnkit": version("dnnkit"),
    }
    requirements = "\n".join(
        [
            "# Pinned by `dnnkit gradescope` to the versions the kit was graded with here.",
            *pinned_requirements(),
            "",
        ]
    )
    secret = course_secret(paths) + b"\n"
    output.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(output, "w") as archive:
        _add(archive, "setup.sh", SETUP_SH.encode(), EXECUTABLE)
        _add(archive, "run_autograder", RUN_AUTOGRADER.encode(), EXECUTABLE)
        _add(archive, "requirements.txt", requirements.encode())
        _add(archive, CONFIG, (json.dumps(config, indent=1) + "\n").encode())
        for path, name in _kit_files(paths, assignment):
            _add(archive, f"{KIT_FOLDER}/{name}", path.read_bytes())
        _add(archive, f"{KIT_FOLDER}/{SECRET_FOLDER}/{SECRET_FILE}", secret, PRIVATE)
    return output
