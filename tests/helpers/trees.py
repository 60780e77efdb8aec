"""Comparing two folders file by file, as the release tests need it."""

from __future__ import annotations

import filecmp
from pathlib import Path


def tree_differences(left: Path, right: Path) -> list[str]:
    """Files present in only one of two folders, or different in both, by relative path."""
    differences: list[str] = []

    def walk(cmp: filecmp.dircmp, prefix: str) -> None:
        differences.extend(prefix + n for n in cmp.left_only + cmp.right_only + cmp.diff_files)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(left, right, ignore=["__pycache__", ".ipynb_checkpoints"]), "")
    return differences
