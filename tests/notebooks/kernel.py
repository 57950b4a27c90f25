"""Execute a notebook in a fresh kernel of this very interpreter (the project's .venv)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

from tests.notebooks.offline_guard import GUARD

KERNEL_NAME = "devsecbots-test"
CELL_TIMEOUT = 600


def kernel_manager(spec_root: Path) -> KernelManager:
    """A kernel manager whose only kernelspec runs `sys.executable -m ipykernel_launcher`."""
    spec_dir = spec_root / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "devsecbots tests (project venv)",
        "language": "python",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    specs = KernelSpecManager(kernel_dirs=[str(spec_root / "kernels")])
    return KernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=specs)


def execute(path: Path, spec_root: Path) -> nbformat.NotebookNode:
    """Run every cell of `path` top to bottom in a fresh kernel (cwd: the notebook's folder).

    Raises nbclient's CellExecutionError on the first failing cell. The guard cell is removed
    again, so the returned notebook lines up with the committed one.
    """
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(GUARD))
    client = NotebookClient(
        nb,
        km=kernel_manager(spec_root),
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    nb.cells.pop(0)
    return nb


def tagged_text(nb: nbformat.NotebookNode, tag: str) -> str:
    """All text output (stdout and text/plain) of the cells tagged `tag`."""
    pieces = []
    for cell in nb.cells:
        if cell.cell_type != "code" or tag not in cell.metadata.get("tags", []):
            continue
        for output in cell.outputs:
            if output.output_type == "stream" and output.name == "stdout":
                pieces.append(output.text)
            elif "data" in output:
                pieces.append(output.data.get("text/plain", ""))
    assert pieces, f"no cell tagged {tag!r} printed anything"
    return "".join(pieces)
