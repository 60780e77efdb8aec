"""The ``dnnkit`` console script: one subcommand per instructor task.

Each subcommand lives in its own module, which exposes ``register(subparsers)``; that adds the
subparser and sets ``handler`` (a function taking the parsed arguments and returning an exit code).
Only the module of the command being run is imported, so a quick command never pays for the
heavy imports (nbgrader, Jupyter) of another one.
"""

from __future__ import annotations

import argparse
import importlib
import sys

SUBCOMMAND_MODULES = {
    "release": "autograder.cli.release",
    "grade": "autograder.cli.grade",
    "dataset": "autograder.cli.dataset",
    "demo": "autograder.cli.demo",
    "export": "autograder.cli.export",
    "gradescope": "autograder.cli.gradescope",
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser with every subcommand, or with just ``command`` when it is known."""
    parser = argparse.ArgumentParser(
        prog="dnnkit", description="Course kit: deep neural networks from scratch with numpy."
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module_name in SUBCOMMAND_MODULES.items():
        if command in (None, name):
            importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = argv[0] if argv and argv[0] in SUBCOMMAND_MODULES else None
    args = build_parser(command).parse_args(argv)
    return int(args.handler(args) or 0)
