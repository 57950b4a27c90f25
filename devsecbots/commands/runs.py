"""`devsecbots history THREAD` and `devsecbots runs`: inspect stored runs, and time-travel."""

from __future__ import annotations

from typing import Annotated

import typer

from devsecbots.consoles import output_console
from devsecbots.options import Db, OptionalOut, ThreadId
from devsecbots.settings import HistorySettings, RunsSettings

Format = Annotated[str, typer.Option("--format", "-f", help="text | json.")]


def history(
    thread_id: ThreadId,
    db: Db = None,
    round_no: Annotated[
        int | None,
        typer.Option(
            "--round", min=1, help="With --out: restore the files as they were after this round."
        ),
    ] = None,
    out: OptionalOut = None,
    format: Format = "text",
) -> None:
    """Per round: who acted, files changed, findings, verdict, tokens; or restore its files."""
    from devsecbots.jobs.runs import run_history

    settings = HistorySettings(
        thread_id=thread_id, db=db, round_no=round_no, out=out, format=format
    )
    raise typer.Exit(run_history(settings, output_console()))


def runs(
    db: Db = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, max=1000, help="How many threads to list.")
    ] = 20,
    format: Format = "text",
) -> None:
    """List recent runs (threads), newest first."""
    from devsecbots.jobs.runs import run_runs

    settings = RunsSettings(db=db, limit=limit, format=format)
    raise typer.Exit(run_runs(settings, output_console()))
