"""The `devsecbots` command line (typer): registers the commands and maps errors to exit codes.

Start-up is kept instant: the command modules import only typer, rich and the settings; each
imports the heavy job (LangGraph, the models, the analysers) when it runs.
"""

from __future__ import annotations

import os
import sys

import typer

from devsecbots.commands import build, completion, graph, harden, resume, review, runs
from devsecbots.consoles import notes_console
from devsecbots.errors import CliError, exit_code_for, redact
from devsecbots.text import escape

app = typer.Typer(
    name="devsecbots",
    help="DevBot writes, SecBot reviews — until the code is secure.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # Plain click help: typer's rich help panels import markdown-it and pygments, and would
    # double the start-up time of `devsecbots --help` (bench/startup.py).
    rich_markup_mode=None,
    add_completion=False,  # `devsecbots completion SHELL` instead: it never edits dotfiles
)
app.command("build")(build.build)
app.command("harden")(harden.harden)
app.command("review")(review.review)
app.command("graph")(graph.graph)
app.command("resume")(resume.resume)
app.command("history")(runs.history)
app.command("runs")(runs.runs)
app.command("completion")(completion.completion)


def version_string() -> str:
    """'devsecbots X.Y.Z', from the installed distribution's metadata."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"devsecbots {version('devsecbots')}"
    except PackageNotFoundError:  # running from a source tree that was never installed
        from devsecbots import __version__

        return f"devsecbots {__version__}"


def _show_version(value: bool) -> None:
    if value:
        typer.echo(version_string())
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        "-V",
        callback=_show_version,
        is_eager=True,
        help="Print the version and exit.",
    ),
) -> None:
    """DevBot writes, SecBot reviews — until the code is secure."""


def main() -> None:
    """Entry point: run the app; every error ends as one line and an exit code."""
    err = notes_console()
    if os.environ.get(completion.COMPLETE_VAR):  # a shell asking for completion candidates
        completion.enable_completion_requests()
    try:
        app(prog_name="devsecbots", complete_var=completion.COMPLETE_VAR)  # also for python -m
    except CliError as failure:
        err.print(
            f"[bold red]error:[/] {escape(redact(str(failure)))}", highlight=False, soft_wrap=True
        )
        sys.exit(exit_code_for(failure))
    except Exception as failure:  # noqa: BLE001 - a bug must still not print a traceback
        if os.environ.get("DEVSECBOTS_DEBUG"):
            raise
        err.print(
            f"[bold red]internal error:[/] {type(failure).__name__}: "
            f"{escape(redact(str(failure))[:300])} (set DEVSECBOTS_DEBUG=1 for a traceback)",
            highlight=False,
            soft_wrap=True,
        )
        sys.exit(exit_code_for(failure))


if __name__ == "__main__":
    main()
