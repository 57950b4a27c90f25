"""`devsecbots graph`: draw the state machine (Mermaid text, ASCII, or PNG — all offline)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from devsecbots.errors import input_error, runtime_error
from devsecbots.graphs.devsec import build_graph
from devsecbots.output import write_atomic


def graph(
    format: Annotated[
        str, typer.Option("--format", "-f", help="mermaid | ascii | png.")
    ] = "mermaid",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to FILE (required for png).")
    ] = None,
) -> None:
    """Print or save a picture of the DevBot ⇄ SecBot graph."""
    drawable = build_graph().get_graph()
    if format == "mermaid":
        data = drawable.draw_mermaid().encode("utf-8")
    elif format == "ascii":
        data = drawable.draw_ascii().encode("utf-8")
    elif format == "png":
        if out is None:
            raise input_error("--format png needs --out FILE.png")
        try:
            data = drawable.draw_png()
        except ImportError:
            raise input_error(
                "PNG drawing needs pygraphviz: pip install 'devsecbots[png]'"
            ) from None
        except Exception as err:  # noqa: BLE001 - graphviz failures are reported in one line
            raise runtime_error(f"could not draw the PNG: {err}") from err
    else:
        raise input_error(f"--format {format!r}: use mermaid, ascii or png")
    if out is None:
        typer.echo(data.decode("utf-8"))
        return
    if out.is_dir():
        raise input_error(f"--out {out} is a directory; give a file name")
    write_atomic(out, data)
    typer.echo(f"graph written to {out}")
