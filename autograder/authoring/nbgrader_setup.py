"""The kit's nbgrader configuration, in one place for every course the kit builds.

``nbgrader_config.py`` at the course root calls :func:`configure`, and so does every throwaway
course the tests and benchmarks build, so the preprocessor list and the hidden-test delimiters
are written once.
"""

from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from nbgrader.converters import Autograde, GenerateAssignment
from nbgrader.preprocessors import ClearSolutions, Execute
from traitlets.config import Config

from autograder.authoring.placeholders import CodeHerePlaceholders
from autograder.authoring.release_files import ReleaseFiles
from autograder.course.markers import HIDDEN_TESTS_BEGIN, HIDDEN_TESTS_END
from autograder.course.paths import KIT, CoursePaths

# Never copied into a release: editor leftovers, nbgrader's own feedback, local data folders.
IGNORED = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "datasets"]


# Notebook and cell metadata that describe one run on the instructor's machine, not the lesson:
# widget state (progress bars of a run that is over), timings, and the interface's view state.
STALE_NOTEBOOK_METADATA = ("widgets",)
STALE_CELL_METADATA = ("execution", "ExecuteTime", "collapsed", "scrolled", "jupyter")
# The kernel spec exactly as ipykernel names itself, so JupyterLab has nothing to rewrite (and no
# change to save) when it opens a release.
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


class ClearNotebookState(Preprocessor):
    """Drop what the solved notebook's last run left in its metadata: a release is the lesson only.

    nbgrader's ``ClearOutput`` removes outputs and execution counts but keeps the widget state of
    the progress bars (kilobytes a student's JupyterLab would try to restore) and each cell's
    timings. The kernel spec is ipykernel's own, so the release opens unmodified.
    """

    enabled = True  # nbconvert's preprocessors are off unless switched on

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        for key in STALE_NOTEBOOK_METADATA:
            nb.metadata.pop(key, None)
        nb.metadata["kernelspec"] = dict(KERNELSPEC)
        for cell in nb.cells:
            for key in STALE_CELL_METADATA:
                cell.metadata.pop(key, None)
        return nb, resources


def generate_assignment_preprocessors() -> list[type]:
    """nbgrader's own release pipeline with its ``ClearSolutions`` step swapped for ours, the
    run's leftovers cleared, and the support modules and requirements.txt added to the release."""
    defaults = GenerateAssignment.class_traits()["preprocessors"].default()
    steps = [CodeHerePlaceholders if step is ClearSolutions else step for step in defaults]
    return [*steps, ClearNotebookState, ReleaseFiles]


def autograde_preprocessors() -> list[type]:
    """nbgrader's autograde pipeline with the kernel (``Execute``) swapped for the sandbox."""
    # Imported here: the grader is only needed where a course autogrades, not to release.
    from autograder.grading.nbgrader_autograde import SandboxedGrading

    defaults = Autograde.class_traits()["autograde_preprocessors"].default()
    if Execute not in defaults:
        raise RuntimeError("nbgrader's autograde pipeline has no Execute step to replace")
    return [SandboxedGrading if step is Execute else step for step in defaults]


def configure(config: Config, paths: CoursePaths = KIT, course_id: str = "dnnkit") -> Config:
    """Set the course folders, the placeholder step and the hidden-test delimiters."""
    config.CourseDirectory.root = str(paths.root)
    config.CourseDirectory.course_id = course_id
    config.CourseDirectory.source_directory = paths.source_folder
    config.CourseDirectory.release_directory = paths.release_folder
    config.CourseDirectory.ignore = list(IGNORED)
    # Solution blocks become `name = None` placeholders between the kept START/END markers.
    config.GenerateAssignment.preprocessors = generate_assignment_preprocessors()
    # Support modules and requirements.txt come out of nbgrader's own pipeline, so
    # `nbgrader generate_assignment --force` and formgrader's Generate keep them.
    config.ReleaseFiles.course_root = str(paths.root)
    # Autograde grades in the kit's sandbox instead of running the notebook in a kernel.
    config.Autograde.autograde_preprocessors = autograde_preprocessors()
    # ClearHiddenTests removes everything between these delimiters from the release.
    config.ClearHiddenTests.begin_test_delimeter = HIDDEN_TESTS_BEGIN
    config.ClearHiddenTests.end_test_delimeter = HIDDEN_TESTS_END
    return config
