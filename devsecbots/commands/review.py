"""`devsecbots review PATH...`: one SecBot pass, usable as a CI gate (exit 0 approved, 1 not)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from devsecbots.graphs.context import Context
from devsecbots.options import MODEL_OPTIONS, POLICY_OPTIONS, Concurrency, with_context
from devsecbots.settings import ReviewSettings

Format = Annotated[str, typer.Option("--format", "-f", help="text | json | sarif.")]
Output = Annotated[
    Path | None, typer.Option("--output", help="Write the result to FILE instead of stdout.")
]


@with_context(
    "offline",
    *(o for o in MODEL_OPTIONS if o != "dev_model"),
    *POLICY_OPTIONS,
    "request_timeout",
    "max_retries",
    "audit_deps",
)
def review(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories to review.")],
    format: Format = "text",
    output: Output = None,
    concurrency: Concurrency = None,
    *,
    ctx: Context,
) -> None:
    """Review code once: analysers, plus the LLM reviewer when a model is configured."""
    settings = ReviewSettings(paths=paths, ctx=ctx, format=format, output=output)
    if concurrency is not None:  # one review per path, combined into one result
        from devsecbots.batch import review_each

        raise typer.Exit(review_each(settings, concurrency))
    from devsecbots.jobs.review import run_review

    raise typer.Exit(run_review(settings, Console(highlight=False)))
