"""The notebooks run top to bottom in a fresh kernel, offline, and are committed without outputs."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from tests.conftest import ROOT
from tests.notebooks.clear_outputs import clear
from tests.notebooks.kernel import execute, tagged_text

NOTEBOOKS = ROOT / "notebooks"
EXPECTED = ["01_quickstart.ipynb", "02_add_a_node.ipynb", "03_use_a_model.ipynb"]
CLEAR = "clear them with: .venv/bin/python -m tests.notebooks.clear_outputs"


@pytest.fixture
def kernel_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the kernel inherits: no model settings (conftest), no tracing, quiet debugger."""
    for name in ("LANGSMITH_TRACING", "LANGCHAIN_TRACING_V2", "LANGSMITH_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")


def test_the_three_notebooks_exist() -> None:
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == EXPECTED


@pytest.mark.parametrize("name", EXPECTED)
def test_committed_notebook_is_valid_and_has_no_outputs(name: str) -> None:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code, "a notebook without code"
    for cell in code:
        assert cell.outputs == [], f"{name}: outputs committed ({CLEAR})"
        assert cell.execution_count is None, f"{name}: execution counts committed ({CLEAR})"
        assert "execution" not in cell.metadata, f"{name}: run timings committed ({CLEAR})"
    assert nb.metadata["kernelspec"]["name"] == "python3"


def test_clear_outputs_strips_what_a_run_leaves(tmp_path: Path) -> None:
    nb = nbformat.read(NOTEBOOKS / EXPECTED[0], as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="hi\n")]
    cell.execution_count = 7
    cell.metadata["execution"] = {"iopub.status.idle": "2025-01-01T00:00:00Z"}
    path = tmp_path / "run.ipynb"
    nbformat.write(nb, path)
    assert clear(path) is True and clear(path) is False
    assert nbformat.read(path, as_version=4) == nbformat.read(NOTEBOOKS / EXPECTED[0], as_version=4)


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_quickstart_runs_offline_and_ends_approved(kernel_env, tmp_path: Path) -> None:
    nb = execute(NOTEBOOKS / "01_quickstart.ipynb", tmp_path)
    verdict = tagged_text(nb, "verdict")
    assert verdict.startswith("status: approved"), verdict
    assert _images(nb) == 1 and "```mermaid" in _markdown(nb)
    assert re.search(r"^\+.*\n", _stdout(nb), re.MULTILINE), "no diff of app.py shown"


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_add_a_node_changes_the_outcome(kernel_env, tmp_path: Path) -> None:
    nb = execute(NOTEBOOKS / "02_add_a_node.ipynb", tmp_path)
    outcome = tagged_text(nb, "outcome")
    assert re.search(r"^package graph\s+approved\b", outcome, re.MULTILINE), outcome
    assert re.search(
        r"^with dependency_reviewer\s+(stalled|max_rounds)\b", outcome, re.MULTILINE
    ), outcome
    assert "unpinned-dependency" in outcome
    assert re.search(r"^after pinning\s+approved\b", tagged_text(nb, "pinned"), re.MULTILINE)
    assert "dependency_reviewer" in _markdown(nb) and _images(nb) == 1


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_use_a_model_runs_against_the_fake_server(kernel_env, tmp_path: Path) -> None:
    nb = execute(NOTEBOOKS / "03_use_a_model.ipynb", tmp_path)
    verdict = tagged_text(nb, "verdict")
    assert verdict.startswith("status: approved"), verdict
    assert "fake OpenAI-compatible server" in _stdout(nb)
    streamed = tagged_text(nb, "stream")
    assert "[develop]" in streamed and "[review]" in streamed


def _outputs(nb: nbformat.NotebookNode) -> list:
    return [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]


def _stdout(nb: nbformat.NotebookNode) -> str:
    return "".join(o.text for o in _outputs(nb) if o.output_type == "stream" and o.name == "stdout")


def _markdown(nb: nbformat.NotebookNode) -> str:
    return "".join(o.data.get("text/markdown", "") for o in _outputs(nb) if "data" in o)


def _images(nb: nbformat.NotebookNode) -> int:
    return sum(1 for o in _outputs(nb) if "data" in o and "image/png" in o.data)
