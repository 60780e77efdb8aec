"""Lesson `application`: hidden tests and typical mistakes."""
