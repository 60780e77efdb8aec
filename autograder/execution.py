"""Running a notebook top to bottom in a fresh kernel, as ``dnnkit demo`` and the tests do."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbformat import NotebookNode


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
