"""The release's solution-clearing step: Coursera-style placeholders instead of nbgrader's stub.

nbgrader's ``ClearSolutions`` replaces everything between its delimiters, markers included, by
``raise NotImplementedError()``. The course keeps the ``### START CODE HERE ###`` and
``### END CODE HERE ###`` lines with their hint and turns each solution statement into a
placeholder that names what to compute (``Z = None``). This module does that, as a drop-in
subclass of ``ClearSolutions`` so nbgrader's checks on solution cells keep working.
"""

from __future__ import annotations

import ast
import re
import textwrap

from nbformat import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import ClearSolutions
from traitlets import Unicode

from autograder.course.markers import BEGIN_SOLUTION, END_SOLUTION, graded_name


class PlaceholderError(ValueError):
    """A solution block cannot be turned into placeholders; the message says where and why."""


def _placeholder_statements(block: str, body: list[ast.stmt]) -> list[str]:
    """Rewrite statements: assignments become ``target = None``; loop and branch headers stay."""
    lines = block.split("\n")
    out: list[str] = []
    for node in body:
        indent = " " * node.col_offset
        if isinstance(node, ast.Assign):
            targets = " = ".join(ast.get_source_segment(block, t) for t in node.targets)
            out.append(f"{indent}{targets} = None")
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            out.append(f"{indent}{ast.get_source_segment(block, node.target)} = None")
        elif isinstance(node, ast.For | ast.While | ast.If):
            header_end = (node.iter if isinstance(node, ast.For) else node.test).end_lineno
            out.extend(lines[node.lineno - 1 : header_end])
            out.extend(_placeholder_statements(block, node.body))
            if node.orelse:
                between = lines[node.body[-1].end_lineno : node.orelse[0].lineno - 1]
                out.extend(line for line in between if line.strip().startswith("else"))
                out.extend(_placeholder_statements(block, node.orelse))
        else:
            statement = " ".join(ln.strip() for ln in lines[node.lineno - 1 : node.end_lineno])
            raise PlaceholderError(
                f"`{statement}` is not an assignment, so it has no name to turn into a placeholder;"
                " move it out of the START/END block or write it as an assignment"
            )
    return out


def placeholder_block(solution_lines: list[str]) -> list[str]:
    """Turn the lines of one solution block into placeholder lines with the same indentation."""
    text = "\n".join(solution_lines)
    indent = re.match(r"[ \t]*", next((ln for ln in solution_lines if ln.strip()), "")).group(0)
    block = textwrap.dedent(text)
    try:
        tree = ast.parse(block)
    except SyntaxError as error:
        raise PlaceholderError(f"the solution block does not parse: {error}") from error
    if not tree.body:
        raise PlaceholderError("the solution block is empty")
    return [indent + line if line else line for line in _placeholder_statements(block, tree.body)]


def replace_solution_blocks(source: str) -> tuple[str, int]:
    """Replace every START/END block of a code cell; return the new source and the block count."""
    out: list[str] = []
    solution: list[str] | None = None
    blocks = 0
    for line in source.split("\n"):
        if BEGIN_SOLUTION in line:
            if solution is not None:
                raise PlaceholderError(f"a new `{BEGIN_SOLUTION}` before the previous block's end")
            out.append(line)
            solution = []
        elif END_SOLUTION in line:
            if solution is None:
                raise PlaceholderError(f"`{END_SOLUTION}` without a `{BEGIN_SOLUTION}` before it")
            out.extend(placeholder_block(solution))
            out.append(line)
            solution = None
            blocks += 1
        elif solution is not None:
            solution.append(line)
        else:
            out.append(line)
    if solution is not None:
        raise PlaceholderError(f"`{BEGIN_SOLUTION}` without a matching `{END_SOLUTION}`")
    return "\n".join(out), blocks


def graded_function_name(cell: NotebookNode) -> str:
    """Name of the graded function a cell defines, for error messages."""
    return graded_name(cell.source) or "(unnamed cell)"


class CodeHerePlaceholders(ClearSolutions):
    """Keep the START/END markers and hint; replace each solution statement by a placeholder.

    Only code cells are rewritten: markdown cells may mention the markers while explaining
    them. A solution cell without any block is an error, where nbgrader would silently
    replace the whole cell by its stub.
    """

    begin_solution_delimeter = Unicode(BEGIN_SOLUTION).tag(config=True)
    end_solution_delimeter = Unicode(END_SOLUTION).tag(config=True)

    def _replace_solution_region(self, cell: NotebookNode, _language: str) -> bool:
        if cell.cell_type != "code":
            return False
        try:
            cell.source, blocks = replace_solution_blocks(cell.source)
        except PlaceholderError as error:
            raise PlaceholderError(f"cell `{graded_function_name(cell)}`: {error}") from error
        return blocks > 0

    def preprocess_cell(
        self, cell: NotebookNode, resources: dict, cell_index: int
    ) -> tuple[NotebookNode, dict]:
        is_code_solution = utils.is_solution(cell) and cell.cell_type == "code"
        if is_code_solution and BEGIN_SOLUTION not in cell.source:
            raise PlaceholderError(
                f"solution cell `{graded_function_name(cell)}` has no `{BEGIN_SOLUTION}` block;"
                " nbgrader would blank the whole cell"
            )
        return super().preprocess_cell(cell, resources, cell_index)
