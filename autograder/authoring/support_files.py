"""What a release carries besides its notebook: the ``support`` modules it imports, and
``requirements.txt``, so the release folder runs on its own.

Both are worked out from the assignment's solved notebooks with their hidden tests left out: what
a finished solution imports is what a student's finished notebook will import.
"""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions, requires
from pathlib import Path

import nbformat
from IPython.core.inputtransformer2 import TransformerManager

from autograder.course.markers import strip_hidden_tests
from autograder.course.paths import SUPPORT_PACKAGE, CoursePaths

REQUIREMENTS = "requirements.txt"


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
    """The notebook's code cells as plain Python (IPython magics translated), hidden tests left
    out (they import the instructor's grader, which students never get)."""
    notebook = nbformat.read(path, as_version=4)
    transformer = TransformerManager()
    cells = [strip_hidden_tests(c.source) for c in notebook.cells if c.cell_type == "code"]
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


# What every release needs besides its imports: the environment a student opens it in, and the
# widgets that draw the progress bars (tqdm.auto falls back to text fragments without them).
ENVIRONMENT = ("jupyterlab", "ipywidgets")


def student_requirements() -> list[str]:
    """The kit's ``student`` extra: what a release may need to run, without the instructor tools."""
    marker = re.compile(r";\s*extra\s*==\s*[\"']student[\"']")
    return [marker.split(r)[0].strip() for r in requires("dnnkit") or [] if marker.search(r)]


def requirement_name(requirement: str) -> str:
    """The normalised distribution name of a requirement line (``scikit_image>=1`` -> ...)."""
    return re.sub(r"[-_.]+", "-", re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0]).lower()


def third_party_imports(code: str) -> set[str]:
    """Top-level names of the modules ``code`` imports, leaving out the standard library and
    the kit's own ``support`` package. Imports inside functions count: they run too."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
    return names - set(sys.stdlib_module_names) - {SUPPORT_PACKAGE, "__future__"}


def release_requirements(code: str, files: list[Path]) -> list[str]:
    """The student extra's lines for what ``code`` and its support ``files`` import, plus
    :data:`ENVIRONMENT`; an import that the extra does not declare is an error."""
    imported = third_party_imports("\n".join([code, *(path.read_text() for path in files)]))
    distributions = packages_distributions()
    wanted = {requirement_name(name) for name in ENVIRONMENT}
    for module in sorted(imported):
        found = distributions.get(module)
        if not found:
            raise SupportError(f"the notebook imports {module}, which no installed package has")
        wanted.add(requirement_name(found[0]))
    declared = {requirement_name(line): line for line in student_requirements()}
    undeclared = sorted(wanted - set(declared))
    if undeclared:
        raise SupportError(
            f"the notebook needs {undeclared}: add them to the student extra in pyproject.toml"
        )
    return [line for name, line in declared.items() if name in wanted]


def release_files(course: CoursePaths, solved: list[Path]) -> dict[str, bytes]:
    """Every file a release of the ``solved`` notebooks needs beside them, by relative path:
    the support modules they import (transitively) and ``requirements.txt``."""
    code = "\n".join(notebook_code(path) for path in solved)
    modules = support_closure(course.support, code)
    requirements = release_requirements(code, modules)
    files = {path.relative_to(course.root).as_posix(): path.read_bytes() for path in modules}
    lines = ["# Install with: pip install -r requirements.txt", *requirements]
    files[REQUIREMENTS] = ("\n".join(lines) + "\n").encode()
    return files
