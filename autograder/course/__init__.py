"""The course as data: where its folders are, the markers its notebooks use, reading notebooks.

Shared by authoring and grading. Everything here only reads and parses; nothing executes a
notebook.
"""
