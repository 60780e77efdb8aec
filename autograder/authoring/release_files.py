"""The release's support modules and ``requirements.txt``, written by nbgrader's own pipeline.

``nbgrader generate_assignment --force`` (and formgrader's Generate button) deletes the release
folder before building it again, so anything added after nbgrader would be lost by the next
generate. :class:`ReleaseFiles` is the last step of the kit's generate pipeline instead: it puts the
files into the conversion's ``resources["outputs"]``, which nbconvert's ``FilesWriter`` (nbgrader's
writer) saves beside the notebook, so every way of generating a release produces the same folder.
"""

from __future__ import annotations

from pathlib import Path

from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from traitlets import Unicode

from autograder.authoring.support_files import SupportError, release_files
from autograder.course.paths import CoursePaths


class ReleaseFiles(Preprocessor):
    """Add the support modules the assignment's solved notebooks import, and requirements.txt."""

    enabled = True  # nbconvert's preprocessors are off unless switched on
    course_root = Unicode(
        help="The kit's course root, holding the support/ package the releases import."
    ).tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        if not self.course_root:
            raise SupportError("ReleaseFiles.course_root is not set in nbgrader_config.py")
        # nbconvert sets the folder of the notebook being converted: source/<assignment>/.
        folder = Path(resources["metadata"]["path"])
        solved = sorted(folder.glob("*.ipynb"))
        try:
            files = release_files(CoursePaths(Path(self.course_root)), solved)
        except SupportError as error:
            raise SupportError(f"{folder.name}: {error}") from error
        outputs = resources.get("outputs") or {}
        resources["outputs"] = {**outputs, **files}
        return nb, resources
