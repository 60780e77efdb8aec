"""Grading, the trusted side: hidden-test schema, comparison and judging, orchestration, results.

Results travel as data (``results``) and become text in one place (``feedback``).

Nothing in this package runs student code. It prepares each hidden case's arguments and expected
output here, sends the arguments to ``autograder.sandbox``, reads back plain data, and decides
pass or fail itself, whether ``dnnkit grade``, Gradescope or ``nbgrader autograde``
(``nbgrader_autograde``) asked. The one exception is ``inline``: the solved notebook's own test
cells call it, in the instructor's kernel, to check the reference against the hidden cases.
"""
