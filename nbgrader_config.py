"""nbgrader configuration of the course kit: the repository root is the nbgrader course root.

`dnnkit release` loads this file itself and stops on any error in it (nbgrader alone would log
the error and go on with its defaults, blanking every graded function).
"""

from pathlib import Path

from autograder.placeholders import generate_assignment_preprocessors

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

c.CourseDirectory.root = str(Path(__file__).resolve().parent)
c.CourseDirectory.course_id = "dnnkit"
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "datasets"]

# Solution blocks become `name = None` placeholders between the kept START/END markers.
c.GenerateAssignment.preprocessors = generate_assignment_preprocessors()
# Hidden tests sit between nbgrader's default delimiters, `### BEGIN HIDDEN TESTS` and
# `### END HIDDEN TESTS`; ClearHiddenTests removes them from the release.
c.ClearHiddenTests.begin_test_delimeter = "BEGIN HIDDEN TESTS"
c.ClearHiddenTests.end_test_delimeter = "END HIDDEN TESTS"
