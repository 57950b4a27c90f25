"""`devsecbots graph`: draw the state machine (Mermaid text, ASCII, or PNG — all offline)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from devsecbots.consoles import output_console
from devsecbots.settings import GraphSettings


def graph(
    format: Annotated[
        str, typer.Option("--format", "-f", help="mermaid | ascii (needs [ascii]) | png.")
    ] = "mermaid",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to FILE (required for png).")
    ] = None,
) -> None:
    """Print or save a picture of the DevBot ⇄ SecBot graph."""
    from devsecbots.jobs.graph import run_graph_drawing

    settings = GraphSettings(format=format, out=out)
    raise typer.Exit(run_graph_drawing(settings, output_console()))
