"""nbgrader configuration of the course kit: the repository root is the nbgrader course root.

Everything is set by ``autograder.authoring.nbgrader_setup.configure``, shared with every course
the kit builds. ``dnnkit release`` loads this file itself and stops on any error in it (nbgrader
alone would log the error and go on with its defaults, blanking every graded function).
"""

from pathlib import Path

from autograder.authoring.nbgrader_setup import configure
from autograder.course.paths import CoursePaths

configure(get_config(), CoursePaths(Path(__file__).resolve().parent))  # noqa: F821 (traitlets)
