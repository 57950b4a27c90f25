"""`devsecbots resume THREAD`: continue a stored run from its last checkpoint."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from devsecbots.consoles import output_console
from devsecbots.options import MODEL_OPTIONS, Db, OptionalOut, Report, ThreadId, with_context
from devsecbots.settings import ResumeSettings

Decision = Annotated[
    str | None,
    typer.Option(
        "--decision", help="Answer a run paused for human review: approve | reject | stop."
    ),
]
Comment = Annotated[
    str,
    typer.Option(
        "--comment",
        help="With --decision: a note; required for reject (DevBot gets it as a finding).",
    ),
]


@with_context(*MODEL_OPTIONS, keep_stored=True)
def resume(
    thread_id: ThreadId,
    db: Db = None,
    out: OptionalOut = None,
    report: Report = None,
    decision: Decision = None,
    comment: Comment = "",
    *,
    overrides: dict[str, Any],
) -> None:
    """Continue an interrupted run (crash, Ctrl-C, exit 3, review pause) where it stopped.

    Only one process runs a thread at a time: a second `resume` of a thread that is running
    stops at once with exit 2.
    """
    from devsecbots.jobs.resume import run_resume

    settings = ResumeSettings(
        thread_id=thread_id,
        overrides=overrides,
        db=db,
        out=out,
        report=report,
        decision=decision,
        comment=comment,
    )
    raise typer.Exit(run_resume(settings, output_console()))
