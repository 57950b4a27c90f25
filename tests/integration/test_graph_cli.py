"""`devsecbots graph`: Mermaid, ASCII and PNG pictures of the loop, drawn with no network."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from devsecbots.cli import app
from devsecbots.errors import CliError, exit_code_for
from tests.conftest import cli_env
from tests.notebooks.offline_guard import GUARD

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
NODES = ("develop", "review", "probe", "approval_check", "human_review")


def offline_cli(*args: str) -> list[str]:
    """argv running the CLI in this interpreter with every non-loopback connection refused."""
    run = (
        f"{GUARD}\nsys.argv = ['devsecbots', *{list(args)!r}]\n"
        "from devsecbots.cli import main\nmain()\n"
    )
    return [sys.executable, "-c", run]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        offline_cli(*args), env=cli_env(), capture_output=True, text=True, timeout=120
    )


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk."""
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_the_guard_refuses_other_hosts() -> None:
    probe = "import socket\nsocket.create_connection(('192.0.2.1', 80), timeout=2)\n"
    run = subprocess.run(
        [sys.executable, "-c", GUARD + probe], capture_output=True, text=True, timeout=60
    )
    assert run.returncode != 0 and "no network access beyond 127.0.0.1" in run.stderr


def test_png_is_drawn_offline(tmp_path: Path) -> None:
    out = tmp_path / "graph.png"
    run = run_cli("graph", "--format", "png", "--out", str(out))
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"graph written to {out}" in " ".join(run.stdout.split())
    data = out.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    assert data.rstrip(b"\x00").endswith(b"IEND\xaeB`\x82")
    assert 5_000 < len(data) < 2_000_000
    width, height = png_size(data)
    assert 150 <= width <= 2_000 and 300 <= height <= 3_000, (width, height)
    assert height > width  # top to bottom: start, the four nodes, end


def test_png_without_out_gives_one_line_and_exit_2() -> None:
    run = run_cli("graph", "--format", "png")
    assert run.returncode == 2
    assert "--format png needs --out" in " ".join(run.stderr.split())
    assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1


# In-process from here (CliRunner): the same typer app, without paying for a fresh interpreter.


def test_mermaid_shows_the_nodes_and_the_loops() -> None:
    result = CliRunner().invoke(app, ["graph", "--format", "mermaid"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    for node in NODES:
        assert f"\t{node}({node})" in text
    assert "__start__ --> develop;" in text
    assert "develop --> review;" in text and "review --> probe;" in text
    assert "probe --> approval_check;" in text
    assert "approval_check -.-> develop;" in text  # the loop back to DevBot
    assert "approval_check -.-> __end__;" in text
    assert "approval_check -.-> human_review;" in text  # a person decides (--human-review)
    assert "human_review -.-> develop;" in text and "human_review -.-> __end__;" in text


def test_ascii_names_every_node(tmp_path: Path) -> None:
    out = tmp_path / "graph.txt"
    result = CliRunner().invoke(app, ["graph", "--format", "ascii", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert all(node in text for node in (*NODES, "__start__", "__end__"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "svg"], "use mermaid, ascii or png"),
        (["--format", "png", "--out", "."], "is a directory"),
    ],
)
def test_bad_options_are_input_errors(args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["graph", *args])
    assert isinstance(result.exception, CliError), result.output
    assert exit_code_for(result.exception) == 2 and message in str(result.exception)
