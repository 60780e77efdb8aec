"""``dnnkit release``: build every student release from the solved notebooks, or fail loudly.

Each assignment goes through nbgrader's own ``generate_assignment`` with the kit's
``nbgrader_config.py``; then the ``support`` modules its notebook imports (and what they import in
turn) are copied beside it, so the release folder runs on its own. The result is verified before
the command reports success: a release that lost its markers or kept a hidden test is an error.
"""

from __future__ import annotations

import argparse
import ast
import re
import shutil
import sys
import time
from importlib.metadata import requires
from pathlib import Path

import nbformat
from IPython.core.inputtransformer2 import TransformerManager
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config, PyFileConfigLoader

from autograder.placeholders import BEGIN_MARKER, END_MARKER

KIT_ROOT = Path(__file__).resolve().parent.parent
CONFIG_FILE = "nbgrader_config.py"
SUPPORT_PACKAGE = "support"


class ReleaseError(RuntimeError):
    """The release could not be built or failed its verification."""


def load_config(root: Path) -> Config:
    """Load ``nbgrader_config.py``, letting any error in it surface instead of being ignored."""
    path = root / CONFIG_FILE
    if not path.is_file():
        raise ReleaseError(f"{path} not found: the kit's nbgrader configuration is missing")
    try:
        return PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()
    except Exception as error:
        raise ReleaseError(f"{path} raised {type(error).__name__}: {error}") from error


def assignment_ids(root: Path) -> list[str]:
    """Every folder under ``source/`` that holds a notebook."""
    source = root / "source"
    return sorted(
        p.parent.name for p in source.glob("*/*.ipynb") if ".ipynb_checkpoints" not in p.parts
    )


def support_modules_imported(code: str) -> tuple[set[str], set[str]]:
    """``support`` modules that ``code`` imports: (certainly modules, possibly modules).

    ``from support import x`` may name a module or just a function defined in the package, so
    those names are only "possibly" modules.
    """
    modules: set[str] = set()
    maybe: set[str] = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
            if node.module == SUPPORT_PACKAGE:
                maybe.update(f"{SUPPORT_PACKAGE}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    in_package = {m for m in modules if m.split(".")[0] == SUPPORT_PACKAGE}
    return in_package - {SUPPORT_PACKAGE}, maybe


def notebook_code(path: Path) -> str:
    """The notebook's code cells as plain Python (IPython magics translated)."""
    notebook = nbformat.read(path, as_version=4)
    transformer = TransformerManager()
    cells = [c.source for c in notebook.cells if c.cell_type == "code"]
    return "\n".join(transformer.transform_cell(source) for source in cells)


def support_closure(root: Path, code: str) -> list[Path]:
    """Files of the ``support`` package needed by ``code``: imported modules, transitively."""
    package = root / SUPPORT_PACKAGE
    needed: set[Path] = {package / "__init__.py"}
    pending = [code, (package / "__init__.py").read_text()]
    while pending:
        modules, maybe = support_modules_imported(pending.pop())
        for module in sorted(modules | maybe):
            relative = Path(*module.split(".")[1:])
            candidates = [package / relative.with_suffix(".py"), package / relative / "__init__.py"]
            path = next((c for c in candidates if c.is_file()), None)
            if path is None and module in modules:
                raise ReleaseError(f"imported module {module} not found under {package}")
            if path is not None and path not in needed:
                needed.add(path)
                pending.append(path.read_text())
    return sorted(needed)


def copy_support(root: Path, notebook: Path, destination: Path) -> list[Path]:
    """Copy the support modules the notebook needs into ``destination/support``."""
    copied = []
    for path in support_closure(root, notebook_code(notebook)):
        target = destination / path.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        copied.append(target)
    return copied


def student_requirements() -> list[str]:
    """The kit's ``student`` extra: what a release needs to run, without the instructor tools."""
    marker = re.compile(r";\s*extra\s*==\s*[\"']student[\"']")
    return [marker.split(r)[0].strip() for r in requires("dnnkit") or [] if marker.search(r)]


def write_requirements(destination: Path) -> Path:
    path = destination / "requirements.txt"
    lines = ["# Install with: pip install -r requirements.txt", *student_requirements()]
    path.write_text("\n".join(lines) + "\n")
    return path


def verify_release(notebook: Path) -> None:
    """Refuse a release whose graded cells lost their markers or that still holds hidden tests."""
    released = nbformat.read(notebook, as_version=4)
    problems = []
    for cell in released.cells:
        text = cell.source
        if "BEGIN HIDDEN TESTS" in text or "END HIDDEN TESTS" in text:
            problems.append("a hidden test block is still present")
        if cell.cell_type == "code" and text.startswith("# GRADED FUNCTION:"):
            name = text.split("\n", 1)[0].removeprefix("# GRADED FUNCTION:").strip()
            if BEGIN_MARKER not in text or END_MARKER not in text:
                problems.append(f"graded cell {name} lost its START/END markers")
            if "NotImplementedError" in text:
                problems.append(f"graded cell {name} was blanked by nbgrader's stub")
    if problems:
        raise ReleaseError(f"{notebook}: " + "; ".join(problems))


def generate(assignment: str, root: Path, output: Path, config: Config) -> Path:
    """Run nbgrader's generate_assignment for one assignment into ``output/assignment``."""
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.release_directory = str(output)
    config.GenerateAssignment.no_database = True  # the release is a file; no gradebook needed
    config.SaveCells.enabled = False
    api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
    result = api.generate_assignment(assignment, force=True, create=False)
    if not result["success"]:
        detail = "\n".join(filter(None, [result.get("log"), result.get("error")])) or "no details"
        raise ReleaseError(f"nbgrader generate_assignment failed for {assignment}:\n{detail}")
    destination = output / assignment
    notebooks = sorted(destination.glob("*.ipynb"))
    if not notebooks:
        raise ReleaseError(f"nbgrader produced no notebook in {destination}")
    for notebook in notebooks:
        verify_release(notebook)
        copy_support(root, root / "source" / assignment / notebook.name, destination)
    write_requirements(destination)
    return destination


def release(
    assignments: list[str] | None = None, root: Path = KIT_ROOT, output: Path | None = None
) -> list[Path]:
    """Build the releases of ``assignments`` (default: all) under ``output`` (default: release/)."""
    output = (output or root / "release").resolve()
    known = assignment_ids(root)
    wanted = assignments or known
    unknown = sorted(set(wanted) - set(known))
    if unknown:
        raise ReleaseError(f"unknown assignment(s) {unknown}; known: {known}")
    built = []
    for assignment in wanted:
        built.append(generate(assignment, root, output, load_config(root)))
    return built


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    try:
        built = release(args.assignments, output=args.output)
    except ReleaseError as error:
        print(f"dnnkit release: error: {error}", file=sys.stderr)
        return 1
    for path in built:
        print(f"released {path.name} -> {path}")
    print(f"{len(built)} release(s) built in {time.perf_counter() - started:.1f} s")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "release", help="build the student notebooks in release/ from the solved ones in source/"
    )
    parser.add_argument(
        "assignments", nargs="*", metavar="ASSIGNMENT", help="assignment ids (default: all)"
    )
    parser.add_argument(
        "--output", type=Path, default=None, help="release folder (default: release/ in the kit)"
    )
    parser.set_defaults(handler=run)
