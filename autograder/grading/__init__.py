"""Grading, the trusted side: hidden-test schema, comparison and judging, orchestration, results.

Results travel as data (``results``) and become text in one place (``feedback``).

Nothing in this package runs student code. It prepares each hidden case's arguments and expected
output here, sends the arguments to ``autograder.sandbox``, reads back plain data, and decides
pass or fail itself. The one exception is ``inline``, the nbgrader path, which by design runs in
the student's own kernel and is documented as unsafe for untrusted work.
"""
