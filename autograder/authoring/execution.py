"""Running a notebook top to bottom in a fresh kernel, as ``dnnkit demo`` and the tests do."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbformat import NotebookNode

from autograder.course.markers import graded_name

PASSED_MARK = "All tests passed"


def execute_notebook(notebook: NotebookNode, folder: Path, timeout: int) -> None:
    """Execute every cell of ``notebook`` in place, with ``folder`` as the working directory.

    The kernel talks over Unix sockets in a private temporary folder rather than TCP ports on
    localhost, which any local user could connect to (and which ipykernel warns about on every
    start). Windows has no such sockets; there the kernel keeps TCP.
    """
    with tempfile.TemporaryDirectory(prefix="dnnkit-kernel-") as sockets:
        kernel_manager = (
            None
            if os.name == "nt"
            else AsyncKernelManager(transport="ipc", ip=os.path.join(sockets, "kernel"))
        )
        client = NotebookClient(
            notebook,
            km=kernel_manager,
            timeout=timeout,
            resources={"metadata": {"path": str(folder)}},
        )
        client.execute()


def validate_notebook(path: Path, timeout: int = 600) -> tuple[bool, str]:
    """Execute a solved notebook where it lives; report whether it ran and what it printed."""
    notebook = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    try:
        execute_notebook(notebook, path.parent, timeout)
    except CellExecutionError as error:
        last_line = str(error).strip().splitlines()[-1] if str(error).strip() else "error"
        return False, f"failed after {time.perf_counter() - started:.1f} s: {last_line}"
    printed = "".join(
        output.get("text", "")
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "stream"
    )
    graded = sum(1 for cell in notebook.cells if graded_name(cell.source))
    checks = printed.count(PASSED_MARK)
    seconds = time.perf_counter() - started
    return True, f"ran in {seconds:.1f} s; {checks} check(s) passed for {graded} graded function(s)"
