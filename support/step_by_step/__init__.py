"""Lesson 1's own student-side helpers: the visible checks."""
