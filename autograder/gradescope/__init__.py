"""Gradescope: the autograder package an instructor uploads, and what runs inside it.

``package`` builds ``autograder.zip`` on the instructor's machine (the kit, pinned dependencies,
``setup.sh``, ``run_autograder``); ``run`` is what ``run_autograder`` starts in Gradescope's
container for each submission: the same sandboxed grader as ``dnnkit grade``, one
``results/results.json`` in the shape Gradescope reads (``results``).
"""
