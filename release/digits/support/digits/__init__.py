"""Lesson 3's own student-side helpers: data loading, fixtures, utilities, visible checks."""
