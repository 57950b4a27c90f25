"""`devsecbots review PATH...`: one SecBot pass, usable as a CI gate (exit 0 approved, 1 not)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from devsecbots.consoles import output_console
from devsecbots.graphs.context import Context
from devsecbots.options import (
    MODEL_OPTIONS,
    POLICY_OPTIONS,
    Concurrency,
    Config,
    Exclude,
    Verbose,
    with_context,
)
from devsecbots.settings import InputSettings, ReviewSettings

Format = Annotated[str, typer.Option("--format", "-f", help="text | json | sarif.")]
Output = Annotated[
    Path | None, typer.Option("--output", help="Write the result to FILE instead of stdout.")
]
Baseline = Annotated[
    Path | None,
    typer.Option(
        "--baseline",
        help="A JSON or SARIF report of an earlier devsecbots review: its findings (matched by "
        "fingerprint) are reported but do not block.",
    ),
]
BaselineRef = Annotated[
    str | None,
    typer.Option(
        "--baseline-ref",
        help="A git ref (e.g. origin/main): the same paths at that ref are reviewed offline "
        "with the same analysers, and their findings do not block.",
    ),
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
    config: Config = None,
    exclude: Exclude = None,
    verbose: Verbose = False,
    baseline: Baseline = None,
    baseline_ref: BaselineRef = None,
    *,
    ctx: Context,
) -> None:
    """Review code once: analysers, plus the LLM reviewer when a model is configured."""
    settings = ReviewSettings(
        paths=paths,
        ctx=ctx,
        format=format,
        output=output,
        # with_context has replaced the --config path by what the file says (a ProjectConfig)
        inputs=InputSettings(config=config, exclude=list(exclude or []), verbose=verbose),  # type: ignore[arg-type]
        baseline=baseline,
        baseline_ref=baseline_ref,
    )
    if concurrency is not None:  # one review per path, combined into one result
        from devsecbots.batch import review_each

        raise typer.Exit(review_each(settings, concurrency))
    from devsecbots.jobs.review import run_review

    raise typer.Exit(run_review(settings, output_console()))
