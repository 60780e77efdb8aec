"""The course as data: where its folders are, the markers its notebooks use, reading notebooks.

Shared by authoring and grading. Everything here reads and parses (``secret`` also creates the
course secret on first use); nothing executes a notebook or any code it holds.
"""
