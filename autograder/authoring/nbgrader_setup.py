"""The kit's nbgrader configuration, in one place for every course the kit builds.

``nbgrader_config.py`` at the course root calls :func:`configure`, and so does every throwaway
course the tests and benchmarks build, so the preprocessor list and the hidden-test delimiters
are written once.
"""

from __future__ import annotations

from nbgrader.converters import GenerateAssignment
from nbgrader.preprocessors import ClearSolutions
from traitlets.config import Config

from autograder.authoring.placeholders import CodeHerePlaceholders
from autograder.course.markers import HIDDEN_TESTS_BEGIN, HIDDEN_TESTS_END
from autograder.course.paths import KIT, CoursePaths

# Never copied into a release: editor leftovers, nbgrader's own feedback, local data folders.
IGNORED = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "datasets"]


def generate_assignment_preprocessors() -> list[type]:
    """nbgrader's own release pipeline with its ``ClearSolutions`` step swapped for ours."""
    defaults = GenerateAssignment.class_traits()["preprocessors"].default()
    return [CodeHerePlaceholders if step is ClearSolutions else step for step in defaults]


def configure(config: Config, paths: CoursePaths = KIT, course_id: str = "dnnkit") -> Config:
    """Set the course folders, the placeholder step and the hidden-test delimiters."""
    config.CourseDirectory.root = str(paths.root)
    config.CourseDirectory.course_id = course_id
    config.CourseDirectory.source_directory = paths.source_folder
    config.CourseDirectory.release_directory = paths.release_folder
    config.CourseDirectory.ignore = list(IGNORED)
    # Solution blocks become `name = None` placeholders between the kept START/END markers.
    config.GenerateAssignment.preprocessors = generate_assignment_preprocessors()
    # ClearHiddenTests removes everything between these delimiters from the release.
    config.ClearHiddenTests.begin_test_delimeter = HIDDEN_TESTS_BEGIN
    config.ClearHiddenTests.end_test_delimeter = HIDDEN_TESTS_END
    return config
