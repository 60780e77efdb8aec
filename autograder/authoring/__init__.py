"""Authoring: everything that turns the instructor's solved notebooks into a course.

The release step (nbgrader's ``generate_assignment`` with the kit's placeholder preprocessor),
the nbgrader configuration it shares with every course the kit builds, running notebooks top to
bottom, and the dataset builder for lesson 2. Instructor-only; nothing here runs student code.
"""
