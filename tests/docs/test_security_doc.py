"""docs/SECURITY.md names real code: every name in its layer table's "Where" column exists.

The table is read when the test runs, so rows added later are checked too. A backticked name is
a file (``zygote.py``: some file under ``autograder/`` has that name; ``autograder/x/y.py``: that
path), or a Python name found by reading the kit's source (never importing it): ``NAME`` defined
anywhere under ``autograder/`` (``def``, ``class`` or an assignment), ``module.NAME`` defined in
that module, ``Class.NAME`` a method or class attribute of that class, and ``Class.a/b`` both
``Class.a`` and ``Class.b``.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

from autograder.course.paths import KIT

SECURITY = KIT.root / "docs" / "SECURITY.md"
PACKAGE = KIT.root / "autograder"
TABLE_HEADING = "## Layers and what each defends"


def where_names(text: str) -> list[str]:
    """The backticked names of the "Where" column of the layer table."""
    lines = text.split(TABLE_HEADING, 1)[1].splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start:]:  # the table: the lines from its first row to the first other
        if not line.startswith("|"):
            break
        rows.append(line)
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    column = header.index("Where")
    names = []
    for row in rows[2:]:  # after the header and its |---| line
        cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
        names += re.findall(r"`([^`]+)`", cells[column])
    return names


class Source:
    """What the kit's modules define, read with ``ast``."""

    def __init__(self, root: Path) -> None:
        self.files = sorted(path for path in root.rglob("*.py") if "__pycache__" not in path.parts)
        self.names: dict[str, set[str]] = {}  # module stem -> names defined at any depth
        self.members: dict[str, set[str]] = defaultdict(set)  # class -> its methods, attributes
        for path in self.files:
            tree = ast.parse(path.read_text(encoding="utf-8"))
            self.names.setdefault(path.stem, set()).update(_defined(tree))
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef):
                    for statement in node.body:
                        self.members[node.name].update(_defined_here(statement))

    def has_file(self, name: str) -> bool:
        if "/" in name or (KIT.root / name).is_file():
            return (KIT.root / name).is_file()
        return any(path.name == name for path in self.files)

    def defines(self, dotted: str) -> bool:
        owner, _, name = dotted.rpartition(".")
        if not owner:
            return any(name in names for names in self.names.values())
        if owner in self.members and name in self.members[owner]:
            return True
        return owner in self.names and name in self.names[owner]

    def exists(self, written: str) -> bool:
        if written.endswith(".py"):
            return self.has_file(written)
        first, *alternatives = written.split("/")  # Class.a/b: Class.a and Class.b
        owner = first.rpartition(".")[0]
        dotted = [first] + [f"{owner}.{name}" if owner else name for name in alternatives]
        return all(self.defines(name) for name in dotted)


def _defined_here(node: ast.AST) -> set[str]:
    """Names one statement defines: def, class, assignments (tuples too), annotated fields."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
        targets = [node.target]
    names = set()
    for target in targets:
        for part in ast.walk(target):
            if isinstance(part, ast.Name):
                names.add(part.id)
    return names


def _defined(tree: ast.AST) -> set[str]:
    return {name for node in ast.walk(tree) for name in _defined_here(node)}


def test_the_parser_reads_the_layer_table() -> None:
    names = where_names(SECURITY.read_text(encoding="utf-8"))
    assert len(names) >= 20, names
    assert "zygote.py" in names
    assert "reads_the_solution" not in names  # the next table (the tests) is not read


def test_every_name_in_the_where_column_exists_in_the_code() -> None:
    source = Source(PACKAGE)
    names = where_names(SECURITY.read_text(encoding="utf-8"))
    missing = [name for name in names if not source.exists(name)]
    assert missing == [], f"docs/SECURITY.md names code that does not exist: {missing}"


def test_the_checker_refuses_names_that_do_not_exist() -> None:
    source = Source(PACKAGE)
    for name in (
        "zygote.py",
        "confinement.enter_namespaces",
        "Limits.scratch_bytes/scratch_inodes",
    ):
        assert source.exists(name), name
    for name in ("Factory.nothing", "nosuch.py", "pool.nothing", "Limits.scratch_bytes/nothing"):
        assert not source.exists(name), name


# Backticked text that reads as code: a dotted name (``pool.converse``, ``Limits.a/b``) or a file.
CODE_NAME = re.compile(r"[A-Za-z_]\w*(\.\w+)+(/\w+)?|[\w/]+\.py")


def test_every_code_name_anywhere_in_the_page_exists() -> None:
    """Not only the table: the prose and the test tables name modules, classes and tests too."""
    source = Source(PACKAGE)
    text = SECURITY.read_text(encoding="utf-8")
    names = sorted({n for n in re.findall(r"`([^`\s]+)`", text) if CODE_NAME.fullmatch(n)})
    assert len(names) >= 30, names
    missing = [name for name in names if not source.exists(name)]
    assert missing == [], f"docs/SECURITY.md names code that does not exist: {missing}"
