"""Draw the DevBot ⇄ SecBot graph: Mermaid text, ASCII (grandalf, optional) or PNG."""

from __future__ import annotations

from rich.console import Console

from devsecbots.errors import input_error, runtime_error
from devsecbots.graphs import topology
from devsecbots.output import echo, write_atomic
from devsecbots.settings import GraphSettings

FORMATS = ("mermaid", "ascii", "png")


def run_graph_drawing(settings: GraphSettings, console: Console) -> int:
    """Print or save a picture of the graph; the exit code (0)."""
    s = settings
    if s.format not in FORMATS:
        raise input_error(f"--format {s.format!r}: use mermaid, ascii or png")
    if s.format == "png" and s.out is None:
        raise input_error("--format png needs --out FILE.png")
    if s.format == "ascii":
        try:
            import grandalf  # noqa: F401 - optional: the [ascii] extra
        except ImportError:
            raise input_error(
                "ASCII drawing needs grandalf: pip install 'devsecbots[ascii]'"
            ) from None
    if s.out is not None and s.out.is_dir():
        raise input_error(f"--out {s.out} is a directory; give a file name")
    if s.format == "mermaid":  # from the plain description: no LangGraph, no node imports
        data = topology.draw_mermaid().encode("utf-8")
    else:
        data = _draw_compiled(s.format)
    if s.out is None:
        echo(console, data.decode("utf-8"))
        return 0
    write_atomic(s.out, data)
    echo(console, f"graph written to {s.out}")
    return 0


def _draw_compiled(format: str) -> bytes:
    """ASCII or PNG, drawn by LangGraph from the compiled graph."""
    from devsecbots.graphs.devsec import build_graph

    drawable = build_graph().get_graph()
    if format == "ascii":
        data = drawable.draw_ascii().encode("utf-8")
    else:
        try:
            data = drawable.draw_png(None)  # no file: the PNG's bytes
        except ImportError:
            raise input_error(
                "PNG drawing needs pygraphviz: pip install 'devsecbots[png]'"
            ) from None
        except Exception as err:  # noqa: BLE001 - graphviz failures are reported in one line
            raise runtime_error(f"could not draw the PNG: {err}") from err
    return data
