"""Lesson `step_by_step`: hidden tests and typical mistakes."""
