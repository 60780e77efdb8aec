"""``python -m autograder.cli``: the ``dnnkit`` command without an installed console script."""

import sys

from autograder.cli import main

sys.exit(main())
