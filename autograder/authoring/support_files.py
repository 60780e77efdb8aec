"""What a release carries besides its notebook: the ``support`` modules it imports, and
``requirements.txt``, so the release folder runs on its own.
"""

from __future__ import annotations

import ast
import re
import shutil
from importlib.metadata import requires
from pathlib import Path

import nbformat
from IPython.core.inputtransformer2 import TransformerManager

from autograder.course.paths import SUPPORT_PACKAGE, CoursePaths


class SupportError(RuntimeError):
    """A notebook imports a ``support`` module that does not exist."""


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


def module_file(package: Path, module: str) -> Path | None:
    """The file of ``support.a.b``: ``a/b.py`` or ``a/b/__init__.py`` under the package, if any."""
    relative = Path(*module.split(".")[1:])
    candidates = [package / relative.with_suffix(".py"), package / relative / "__init__.py"]
    return next((candidate for candidate in candidates if candidate.is_file()), None)


def support_closure(package: Path, code: str) -> list[Path]:
    """Files of the ``support`` package needed by ``code``: imported modules, transitively.

    Importing ``support.a.b`` runs ``support/__init__.py`` and ``support/a/__init__.py`` first, so
    every enclosing package's ``__init__.py`` comes along (and whatever it imports).
    """
    init = package / "__init__.py"
    needed: set[Path] = {init}
    pending = [code, init.read_text()]
    while pending:
        modules, maybe = support_modules_imported(pending.pop())
        for module in sorted(modules | maybe):
            parts = module.split(".")
            enclosing = [".".join(parts[:i]) for i in range(2, len(parts))]
            for name in [*enclosing, module]:
                path = module_file(package, name)
                if path is None and name not in maybe:
                    raise SupportError(f"imported module {name} not found under {package}")
                if path is not None and path not in needed:
                    needed.add(path)
                    pending.append(path.read_text())
    return sorted(needed)


def copy_support(course: CoursePaths, notebook: Path, destination: Path) -> list[Path]:
    """Copy the support modules the notebook needs into ``destination/support``."""
    copied = []
    for path in support_closure(course.support, notebook_code(notebook)):
        target = destination / path.relative_to(course.root)
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
