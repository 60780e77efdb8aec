"""Lesson 2's own student-side helpers: data loading, the provided functions, visible checks."""
