"""Instructor side of dnnkit: release generation, hidden tests, sandboxed grading, the CLI."""
