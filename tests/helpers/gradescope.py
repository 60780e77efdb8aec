"""Laying out a Gradescope autograder package as Gradescope does, for the tests that run it."""

from __future__ import annotations

import shutil
import sys
import zipfile
from pathlib import Path

# The tests' virtual environment, standing in for the one ``setup.sh`` would build.
VENV = Path(sys.prefix)


def unpack(package: Path, root: Path) -> None:
    """Unzip as Gradescope does, file modes included (zipfile alone would drop them)."""
    with zipfile.ZipFile(package) as archive:
        for info in archive.infolist():
            target = root / "source" / info.filename
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(info))
            target.chmod((info.external_attr >> 16) & 0o777)
    shutil.copy2(root / "source" / "run_autograder", root / "run_autograder")
    (root / "venv").symlink_to(VENV, target_is_directory=True)
