"""`devsecbots harden PATH... --out DIR`: start from existing code; offline when no model is set."""

from __future__ import annotations

import dataclasses
import uuid
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from devsecbots.batch import harden_each
from devsecbots.errors import input_error
from devsecbots.finish import finish_run, print_diff_summary
from devsecbots.graphs.context import Context
from devsecbots.human import HumanReview, decider_for
from devsecbots.inputs import load_inputs
from devsecbots.options import (
    Analyzers,
    ApiKey,
    AuditDeps,
    BaseUrl,
    Blocking,
    Budget,
    Concurrency,
    Db,
    DevModel,
    MaxRetries,
    MaxRounds,
    MaxWallTime,
    Method,
    Model,
    NoPersist,
    Offline,
    Report,
    RequestTimeout,
    SecModel,
    TestsPython,
    context_metadata,
    make_context,
)
from devsecbots.output import check_out_dir
from devsecbots.progress import severity_summary
from devsecbots.runner import run_graph
from devsecbots.snapshot import Snapshot
from devsecbots.store import open_checkpointer, resolved_models
from devsecbots.text import escape
from devsecbots.testenv import tests_python

DEFAULT_REQUEST = "Harden this code: fix every security finding without changing what it does."


def harden(
    paths: list[Path] = typer.Argument(..., help="Files or directories to harden."),
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Directory for the hardened copy.")
    ] = None,
    in_place: Annotated[
        bool, typer.Option("--in-place", help="Modify the input itself instead of a copy.")
    ] = False,
    request: Annotated[
        str, typer.Option("--request", help="What the code is for (helps a model).")
    ] = "",
    offline: Offline = False,
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
    concurrency: Concurrency = None,
    db: Db = None,
    no_persist: NoPersist = False,
    human_review: HumanReview = False,
    audit_deps: AuditDeps = False,
    no_tests: Annotated[
        bool,
        typer.Option(
            "--no-tests",
            help="Do not run the input's own tests (they run sandboxed after every round by default).",
        ),
    ] = False,
    python: TestsPython = None,
) -> None:
    """Copy the code to --out and loop until SecBot approves or nothing more can be fixed."""
    if concurrency is not None:  # one job per path, each with these same options
        raise typer.Exit(harden_each(harden, dict(locals())))
    loaded = load_inputs(paths)
    if in_place == (out is not None):
        raise input_error("give exactly one of --out DIR or --in-place")
    if not loaded.files:
        raise input_error(f"no text files to harden under {', '.join(map(str, paths))}")
    out_dir = loaded.root if in_place else check_out_dir(out)  # type: ignore[arg-type]
    if not in_place and (
        out_dir.resolve() == loaded.root or out_dir.resolve().is_relative_to(loaded.root)
    ):
        raise input_error(
            f"--out {out} is inside the input {loaded.root}; choose a directory outside it"
        )
    ctx = make_context(
        model=model,
        dev_model=dev_model,
        sec_model=sec_model,
        base_url=base_url,
        api_key=api_key,
        structured_method=structured_method,
        max_rounds=max_rounds,
        offline=offline,
        blocking_severity=blocking_severity,
        analyzers=analyzers,
        max_tokens_budget=max_tokens_budget,
        request_timeout=request_timeout,
        max_retries=max_retries,
        max_wall_time=max_wall_time,
    )
    console = Console(highlight=False)
    chosen = tests_python(python, run_tests=not no_tests, loaded=loaded, console=console)
    ctx = dataclasses.replace(ctx, run_tests=not no_tests, tests_python=chosen)
    ctx = dataclasses.replace(ctx, human_review=human_review, audit_deps=audit_deps)
    decide = decider_for(console, human_review=human_review, persist=not no_persist)
    for path, reason in loaded.skipped:
        console.print(f"[dim]skipped {escape(path)}: {reason}[/]")
    thread_id = str(uuid.uuid4())
    mode = (
        "offline (analysers + autofix)"
        if ctx.is_offline()
        else (
            f"DevBot {escape(ctx.resolved_dev_model())} · SecBot {escape(ctx.resolved_sec_model())}"
        )
    )
    console.print(f"thread [bold]{thread_id}[/] · {len(loaded.files)} file(s) · {mode}")
    verbatim = {} if in_place else loaded.verbatim
    meta = context_metadata(
        ctx,
        command="harden",
        out=out_dir,
        report=report,
        human_review=human_review,
        in_place=in_place,
        verbatim={rel: snap.record() for rel, snap in verbatim.items()},
        input_root=str(loaded.root),
        skipped=[list(item) for item in loaded.skipped],
        **resolved_models(ctx),
        run_tests=ctx.run_tests,
        tests_python=ctx.tests_python,
        audit_deps=ctx.audit_deps,
    )
    with open_checkpointer(db, persist=not no_persist) as saver:
        state = run_graph(
            {"request": request or DEFAULT_REQUEST, "files": loaded.files},
            ctx,
            thread_id=thread_id,
            checkpointer=saver,
            console=console,
            metadata=meta,
            resumable=not no_persist,
            decide=decide,
        )
    raise typer.Exit(
        finish_harden(
            state,
            ctx,
            out=out_dir,
            thread_id=thread_id,
            console=console,
            report=report,
            skipped=loaded.skipped,
            verbatim=verbatim,
        )
    )


def finish_harden(
    state: dict,
    ctx: Context,
    *,
    out: Path,
    thread_id: str,
    console: Console,
    report: Path | None,
    skipped: list[tuple[str, str]],
    verbatim: dict[str, Snapshot],
) -> int:
    """Show the diff and what autofix could not fix, write everything; the exit code (also
    used by `devsecbots resume` for a harden run)."""
    print_diff_summary(state.get("input_files") or {}, state.get("files") or {}, console)
    unfixable = state.get("unfixable_findings") or []
    if unfixable and state.get("status") != "approved":
        console.print(f"no automatic fix for: {severity_summary(unfixable)}")
        for f in unfixable[:20]:
            where = f"{f['file']}:{f['line']} {f['rule_id'] or f['cwe']} {f['title']}"
            console.print(f"  [dim]{escape(where)}[/]")
    return finish_run(
        state,
        ctx,
        out=out,
        thread_id=thread_id,
        console=console,
        report_path=report,
        skipped=skipped,
        verbatim=verbatim or None,
    )
