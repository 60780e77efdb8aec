"""The tests' own layout: shared code lives in ``tests/helpers/``, never in another test module.

A test module that imports from another one runs (or half-runs) that module's fixtures and
collection-time code, and couples the two so that moving one breaks the other. Whatever tests
share is a helper: ``tests/helpers/<module>.py``, imported as ``tests.helpers.<module>``.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
HELPERS = "tests.helpers"


def module_name(path: Path) -> str:
    """The dotted name of a file under ``tests/`` (``tests/a/b.py`` -> ``tests.a.b``)."""
    parts = path.relative_to(TESTS.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, source: str | None = None) -> list[tuple[int, str]]:
    """Every module the file at ``path`` (or ``source``, as if it were that file) imports from:
    absolute names, relative imports resolved, with their line numbers."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path.parent)
    source = path.read_text() if source is None else source
    found = []
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*parent, *([base] if base else [])])
            # From a package (``from tests import x``, ``from . import x``): the modules named x.
            package_dir = TESTS.parent.joinpath(*base.split("."))
            names = [f"{base}.{a.name}" for a in node.names] if package_dir.is_dir() else [base]
            found += [(node.lineno, name) for name in names]
    return found


def is_shared_helper(name: str) -> bool:
    return name == HELPERS or name.startswith(HELPERS + ".")


def test_tests_import_shared_code_from_tests_helpers_only() -> None:
    offending = [
        f"{path.relative_to(TESTS.parent)}:{line} imports {name}"
        for path in sorted(TESTS.rglob("*.py"))
        for line, name in imported_modules(path)
        if (name == "tests" or name.startswith("tests.")) and not is_shared_helper(name)
    ]
    assert not offending, (
        "tests import shared code from tests/helpers/ only, never from another test module "
        "(move what they share into tests/helpers/):\n" + "\n".join(offending)
    )


def test_the_layout_check_sees_every_kind_of_import() -> None:
    """The check itself: absolute, ``from``, package and relative imports of a test module."""
    probe = TESTS / "lessons" / "probe_module.py"  # never written: its source is given
    source = (
        "import tests.authoring.test_release\n"
        "from tests.deploy.test_gradescope import unpack\n"
        "from tests import conftest\n"
        "from . import test_hints\n"
        "from .digits.test_mistakes import NAMES\n"
        "from tests.helpers.submissions import write\n"
        "from ..helpers import data\n"
    )
    probe_names = dict.fromkeys(name for _, name in imported_modules(probe, source))
    assert list(probe_names) == [
        "tests.authoring.test_release",
        "tests.deploy.test_gradescope",
        "tests.conftest",
        "tests.lessons.test_hints",
        "tests.lessons.digits.test_mistakes",
        "tests.helpers.submissions",
        "tests.helpers.data",
    ]
    assert [is_shared_helper(name) for name in probe_names] == [False] * 5 + [True] * 2
