"""Scaffolding for demos, benchmarks and tests: sample submissions, throwaway nbgrader courses.

Instructor-only, like the rest of ``autograder``, but outside the grading rooms: nothing in
``autograder.grading``, ``autograder.sandbox`` or ``autograder.course`` imports it
(``tests/test_rooms.py``).
"""
