"""Build from a request: DevBot writes the program, SecBot reviews, until approved."""

from __future__ import annotations

import dataclasses
import uuid
from pathlib import Path

from rich.console import Console

from devsecbots.errors import input_error
from devsecbots.finish import finish_run
from devsecbots.human import decider_for
from devsecbots.locks import thread_lock
from devsecbots.output import check_out_dir
from devsecbots.runner import run_graph
from devsecbots.settings import BuildSettings, run_metadata
from devsecbots.store import open_checkpointer
from devsecbots.testenv import tests_python
from devsecbots.text import escape


def run_build(settings: BuildSettings, console: Console) -> int:
    """One build run; the exit code (0 approved, 1 not)."""
    s, ctx = settings, settings.ctx
    if not s.request.strip():
        raise input_error("the request is empty: say what to build")
    out_dir = check_out_dir(s.out)
    if ctx.is_offline():
        raise input_error(
            "build needs a model: pass --model NAME (with OPENAI_API_KEY, or --base-url for a "
            "local OpenAI-compatible server such as Ollama), or harden existing code offline "
            "with `devsecbots harden PATH --out DIR`"
        )
    given = Path(ctx.tests_python) if ctx.tests_python else None
    chosen = tests_python(given, run_tests=ctx.run_tests, loaded=None, console=console)
    ctx = dataclasses.replace(ctx, tests_python=chosen)
    decide = decider_for(console, human_review=ctx.human_review, persist=s.store.persist)
    thread_id = str(uuid.uuid4())
    console.print(
        f"thread [bold]{thread_id}[/] · DevBot {escape(ctx.resolved_dev_model())} · "
        f"SecBot {escape(ctx.resolved_sec_model())} · max {ctx.max_rounds} rounds"
    )
    meta = run_metadata(ctx, command="build", out=out_dir, report=s.report)
    with open_checkpointer(s.store.db, persist=s.store.persist) as saver:
        with thread_lock(saver, thread_id):
            state = run_graph(
                {"request": s.request},
                ctx,
                thread_id=thread_id,
                checkpointer=saver,
                console=console,
                metadata=meta,
                resumable=s.store.persist,
                decide=decide,
            )
    return finish_run(
        state, ctx, out=out_dir, thread_id=thread_id, console=console, report_path=s.report
    )
