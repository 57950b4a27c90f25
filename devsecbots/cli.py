"""The `devsecbots` command line (typer)."""

from __future__ import annotations

import os
import sys

import typer
from rich.console import Console

from devsecbots.commands import build, graph, harden, resume, review, runs
from devsecbots.errors import EXIT_RUNTIME, CliError, redact
from devsecbots.text import escape

app = typer.Typer(
    name="devsecbots",
    help="DevBot writes, SecBot reviews — until the code is secure.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("build")(build.build)
app.command("harden")(harden.harden)
app.command("review")(review.review)
app.command("graph")(graph.graph)
app.command("resume")(resume.resume)
app.command("history")(runs.history)
app.command("runs")(runs.runs)


def main() -> None:
    """Entry point: run the app; every error ends as one line and an exit code."""
    err = Console(stderr=True)
    try:
        app()
    except CliError as failure:
        err.print(
            f"[bold red]error:[/] {escape(redact(str(failure)))}", highlight=False, soft_wrap=True
        )
        sys.exit(failure.exit_code)
    except Exception as failure:  # noqa: BLE001 - a bug must still not print a traceback
        if os.environ.get("DEVSECBOTS_DEBUG"):
            raise
        err.print(
            f"[bold red]internal error:[/] {type(failure).__name__}: {escape(redact(str(failure))[:300])} "
            "(set DEVSECBOTS_DEBUG=1 for a traceback)",
            highlight=False,
            soft_wrap=True,
        )
        sys.exit(EXIT_RUNTIME)


if __name__ == "__main__":
    main()
