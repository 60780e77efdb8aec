"""What ``run_autograder`` starts in Gradescope's container: grade ``submission/``'s notebook.

Every path is under ``$GRADESCOPE_ROOT`` (default ``/autograder``, Gradescope's own): the package
in ``source/``, the student's files in ``submission/``, the answer in ``results/results.json``.
A submission that cannot be graded (no notebook, several candidates) gets a results.json that says
so, with 0 points; a fault of the grader itself (the sandbox cannot start) exits non-zero without
results, so Gradescope reports an autograder failure the instructor can rerun instead of a 0.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from autograder.gradescope.results import gradescope_results, refusal, write_results
from autograder.grading.grader import grade_paths
from autograder.grading.results import ALL_OR_NOTHING, PARTIAL_CREDIT

ROOT_VARIABLE = "GRADESCOPE_ROOT"
DEFAULT_ROOT = "/autograder"
CONFIG = "gradescope.json"
METADATA = "submission_metadata.json"  # written by Gradescope beside submission/
IGNORED_FOLDERS = {".ipynb_checkpoints", "__MACOSX"}


def gradescope_root() -> Path:
    return Path(os.environ.get(ROOT_VARIABLE) or DEFAULT_ROOT)


def find_notebook(folder: Path, assignment: str) -> Path | str:
    """The notebook to grade: ``<assignment>.ipynb`` anywhere, else the only notebook there is.

    Returns a message for the student instead when there is none, or several and none is named
    after the assignment.
    """
    found = [
        path
        for path in sorted(folder.rglob("*.ipynb"))
        if not any(
            p in IGNORED_FOLDERS or p.startswith(".") for p in path.relative_to(folder).parts
        )
        and not _through_a_link(folder, path)
    ]
    named = [path for path in found if path.name == f"{assignment}.ipynb"]
    if len(named) == 1:
        return named[0]
    if len(found) == 1 and not named:
        return found[0]
    if not found:
        return f"No notebook found in your submission: upload {assignment}.ipynb."
    return (
        f"Your submission holds {len(found)} notebooks; upload only {assignment}.ipynb "
        "(or name the one to grade so)."
    )


def _through_a_link(folder: Path, path: Path) -> bool:
    """Whether a folder on the way from ``folder`` to ``path`` is a link (never followed; the
    notebook itself, if a link, is refused by name when it is read)."""
    parents = path.relative_to(folder).parents
    return any((folder / parent).is_symlink() for parent in parents if parent != Path("."))


def submitter(root: Path) -> str | None:
    """Who submitted, from Gradescope's submission_metadata.json: the hidden cases' identity.

    The same student (or group) draws the same hidden inputs on every resubmission and regrade,
    and other inputs than a classmate. None when the file is missing (a local run).
    """
    try:
        metadata = json.loads((root / METADATA).read_text(encoding="utf-8"))
        users = metadata.get("users") or []
        ids = sorted(str(user.get("email") or user.get("id")) for user in users)
    except (OSError, ValueError, AttributeError):
        return None
    return "+".join(ids) or None


def main() -> int:
    root = gradescope_root()
    config = json.loads((root / "source" / CONFIG).read_text(encoding="utf-8"))
    assignment, visibility = config["assignment"], config.get("visibility", "visible")
    results_path = root / "results" / "results.json"
    notebook = find_notebook(root / "submission", assignment)
    if isinstance(notebook, str):
        write_results(refusal(notebook, visibility=visibility), results_path)
        print(f"dnnkit: not graded: {notebook}")
        return 0
    started = time.perf_counter()
    identity = submitter(root) or notebook.stem
    scoring = PARTIAL_CREDIT if config.get("partial_credit") else ALL_OR_NOTHING
    (result,) = grade_paths([notebook], assignment, identities=[identity], scoring=scoring)
    extra = {"sha256": result.sha256, "dnnkit": config.get("dnnkit")}
    document = gradescope_results(
        result, visibility=visibility, seconds=time.perf_counter() - started, extra=extra
    )
    write_results(document, results_path)
    import autograder

    print(
        f"dnnkit: graded {notebook.relative_to(root)}: {result.score:g}/{result.max_score:g} "
        f"(kit at {Path(autograder.__file__).parent})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
