"""`devsecbots build "REQUEST" --out DIR`: DevBot writes from scratch, SecBot reviews."""

from __future__ import annotations

import dataclasses
import uuid

import typer
from rich.console import Console

from devsecbots.errors import input_error
from devsecbots.finish import finish_run
from devsecbots.human import HumanReview, decider_for
from devsecbots.options import (
    Analyzers,
    ApiKey,
    BaseUrl,
    Blocking,
    Budget,
    Db,
    DevModel,
    MaxRetries,
    MaxRounds,
    MaxWallTime,
    Method,
    Model,
    NoPersist,
    Out,
    Report,
    RequestTimeout,
    SecModel,
    TestsPython,
    context_metadata,
    make_context,
)
from devsecbots.output import check_out_dir
from devsecbots.runner import run_graph
from devsecbots.store import open_checkpointer, resolved_models
from devsecbots.text import escape
from devsecbots.testenv import tests_python


def build(
    request: str = typer.Argument(..., help="What to build, e.g. 'a Flask app for file upload'."),
    out: Out = ...,
    model: Model = "",
    dev_model: DevModel = "",
    sec_model: SecModel = "",
    base_url: BaseUrl = "",
    api_key: ApiKey = "",
    structured_method: Method = "json_schema",
    max_rounds: MaxRounds = 4,
    report: Report = None,
    blocking_severity: Blocking = "medium",
    analyzers: Analyzers = "bandit,semgrep",
    max_tokens_budget: Budget = 0,
    request_timeout: RequestTimeout = 120.0,
    max_retries: MaxRetries = 3,
    max_wall_time: MaxWallTime = 0.0,
    db: Db = None,
    no_persist: NoPersist = False,
    human_review: HumanReview = False,
    python: TestsPython = None,
) -> None:
    """DevBot writes the program from REQUEST; the loop runs until SecBot approves."""
    if not request.strip():
        raise input_error("the request is empty: say what to build")
    out_dir = check_out_dir(out)
    ctx = make_context(
        model=model,
        dev_model=dev_model,
        sec_model=sec_model,
        base_url=base_url,
        api_key=api_key,
        structured_method=structured_method,
        max_rounds=max_rounds,
        blocking_severity=blocking_severity,
        analyzers=analyzers,
        max_tokens_budget=max_tokens_budget,
        request_timeout=request_timeout,
        max_retries=max_retries,
        max_wall_time=max_wall_time,
    )
    if ctx.is_offline():
        raise input_error(
            "build needs a model: pass --model NAME (with OPENAI_API_KEY, or --base-url for a "
            "local OpenAI-compatible server such as Ollama), or harden existing code offline "
            "with `devsecbots harden PATH --out DIR`"
        )
    console = Console(highlight=False)
    chosen = tests_python(python, run_tests=ctx.run_tests, loaded=None, console=console)
    ctx = dataclasses.replace(ctx, human_review=human_review, tests_python=chosen)
    decide = decider_for(console, human_review=human_review, persist=not no_persist)
    thread_id = str(uuid.uuid4())
    console.print(
        f"thread [bold]{thread_id}[/] · DevBot {escape(ctx.resolved_dev_model())} · "
        f"SecBot {escape(ctx.resolved_sec_model())} · max {ctx.max_rounds} rounds"
    )
    meta = context_metadata(
        ctx,
        command="build",
        out=out_dir,
        report=report,
        human_review=human_review,
        **resolved_models(ctx),
        tests_python=ctx.tests_python,
    )
    with open_checkpointer(db, persist=not no_persist) as saver:
        state = run_graph(
            {"request": request},
            ctx,
            thread_id=thread_id,
            checkpointer=saver,
            console=console,
            metadata=meta,
            resumable=not no_persist,
            decide=decide,
        )
    raise typer.Exit(
        finish_run(
            state, ctx, out=out_dir, thread_id=thread_id, console=console, report_path=report
        )
    )
