"""docs/ARCHITECTURE.md is the map: every file it names exists, and every module of the package is
on it.

The map is the first code block under "## The rooms": a folder line (``grading/``) opens a folder
for the lines indented below it; a line's first column holds one or more names (``release.py
grade.py``, ``<id>/hidden_tests.py`` for every lesson), the rest is its description; lines that
only continue a description start far to the right.
"""

from __future__ import annotations

import re
from pathlib import Path

from autograder.course.paths import KIT

MAP = KIT.root / "docs" / "ARCHITECTURE.md"
PLUMBING = {"__init__.py", "__main__.py"}  # package plumbing, not rooms' modules
DESCRIPTION_COLUMN = 20  # a line whose text starts this far right continues a description


def mapped_entries(text: str) -> list[str]:
    """Every path the map names (folders end with ``/``; ``<id>`` stands for any folder)."""
    block = text.split("## The rooms", 1)[1].split("```", 2)[1]
    entries: list[str] = []
    folders: list[tuple[int, str]] = []  # (indent, path) of the open folders
    for line in block.splitlines():
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        if indent >= DESCRIPTION_COLUMN:
            continue
        while folders and folders[-1][0] >= indent:
            folders.pop()
        names = re.split(r"\s{2,}", line.strip(), maxsplit=1)[0].split()
        parent = folders[-1][1] if folders else ""
        for name in names:
            entries.append(parent + name)
        if len(names) == 1 and names[0].endswith("/"):
            folders.append((indent, parent + names[0]))
    return entries


def exists(entry: str) -> bool:
    pattern = entry.rstrip("/").replace("<id>", "*")
    return any(path.exists() for path in KIT.root.glob(pattern))


def test_the_parser_reads_the_map() -> None:
    entries = mapped_entries(MAP.read_text(encoding="utf-8"))
    assert "autograder/sandbox/zygote.py" in entries
    assert "autograder/cli/demo.py" in entries
    assert "autograder/lessons/<id>/hidden_tests.py" in entries
    assert "source/<id>/<id>.ipynb" in entries


def test_every_file_and_folder_on_the_map_exists() -> None:
    entries = mapped_entries(MAP.read_text(encoding="utf-8"))
    missing = [entry for entry in entries if not exists(entry)]
    assert missing == [], f"docs/ARCHITECTURE.md names what does not exist: {missing}"


def _matcher(entry: str) -> re.Pattern:
    return re.compile(re.escape(entry).replace(re.escape("<id>"), "[^/]+"))


def test_every_module_of_the_package_is_on_the_map() -> None:
    """A module is on the map by name, or its folder is and the map names none of its modules."""
    entries = [_matcher(e) for e in mapped_entries(MAP.read_text(encoding="utf-8"))]
    unmapped = []
    for path in sorted((KIT.root / "autograder").rglob("*.py")):
        relative = str(path.relative_to(KIT.root))
        folder = str(Path(relative).parent) + "/"
        in_folder = [e for e in entries if e.pattern.startswith(re.escape(folder))]
        if path.name in PLUMBING or any(e.fullmatch(relative) for e in entries):
            continue
        if not (any(e.fullmatch(folder) for e in entries) and len(in_folder) == 1):
            unmapped.append(relative)
    assert unmapped == [], f"modules missing from docs/ARCHITECTURE.md: {unmapped}"
