"""`devsecbots harden PATH... --out DIR`: start from existing code; offline when no model is set."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from devsecbots.consoles import output_console
from devsecbots.graphs.context import Context
from devsecbots.options import (
    LIMIT_OPTIONS,
    MODEL_OPTIONS,
    POLICY_OPTIONS,
    Concurrency,
    Config,
    Db,
    Exclude,
    NoPersist,
    Report,
    Verbose,
    with_context,
)
from devsecbots.settings import HardenSettings, InputSettings, Store


@with_context(
    "offline",
    *MODEL_OPTIONS,
    "max_rounds",
    *POLICY_OPTIONS,
    *LIMIT_OPTIONS,
    "human_review",
    "run_tests",
    "tests_python",
    "probe",
    "audit_deps",
)
def harden(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories to harden.")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Directory for the hardened copy.")
    ] = None,
    in_place: Annotated[
        bool, typer.Option("--in-place", help="Modify the input itself instead of a copy.")
    ] = False,
    request: Annotated[
        str, typer.Option("--request", help="What the code is for (helps a model).")
    ] = "",
    report: Report = None,
    concurrency: Concurrency = None,
    db: Db = None,
    no_persist: NoPersist = False,
    config: Config = None,
    exclude: Exclude = None,
    verbose: Verbose = False,
    *,
    ctx: Context,
) -> None:
    """Copy the code to --out and loop until SecBot approves or nothing more can be fixed."""
    settings = HardenSettings(
        paths=paths,
        ctx=ctx,
        out=out,
        in_place=in_place,
        request=request,
        report=report,
        store=Store(db=db, persist=not no_persist),
        # with_context has replaced the --config path by what the file says (a ProjectConfig)
        inputs=InputSettings(config=config, exclude=list(exclude or []), verbose=verbose),  # type: ignore[arg-type]
    )
    if concurrency is not None:  # one job per path, each with these same settings
        from devsecbots.batch import harden_each

        raise typer.Exit(harden_each(settings, concurrency))
    from devsecbots.jobs.harden import run_harden

    raise typer.Exit(run_harden(settings, output_console()))
