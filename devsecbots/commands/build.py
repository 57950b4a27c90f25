"""`devsecbots build "REQUEST" --out DIR`: DevBot writes from scratch, SecBot reviews."""

from __future__ import annotations

from typing import Annotated

import typer

from devsecbots.consoles import output_console
from devsecbots.graphs.context import Context
from devsecbots.options import (
    LIMIT_OPTIONS,
    MODEL_OPTIONS,
    POLICY_OPTIONS,
    Db,
    NoPersist,
    Out,
    Report,
    with_context,
)
from devsecbots.settings import BuildSettings, Store


@with_context(
    *MODEL_OPTIONS,
    "max_rounds",
    *POLICY_OPTIONS,
    *LIMIT_OPTIONS,
    "human_review",
    "run_tests",
    "tests_python",
    "probe",
)
def build(
    request: Annotated[
        str, typer.Argument(help="What to build, e.g. 'a Flask app for file upload'.")
    ],
    out: Out,
    report: Report = None,
    db: Db = None,
    no_persist: NoPersist = False,
    *,
    ctx: Context,
) -> None:
    """DevBot writes the program from REQUEST; the loop runs until SecBot approves."""
    from devsecbots.jobs.build import run_build

    settings = BuildSettings(
        request=request, out=out, ctx=ctx, report=report, store=Store(db, not no_persist)
    )
    raise typer.Exit(run_build(settings, output_console()))
