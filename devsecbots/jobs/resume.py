"""Continue a stored run from its last checkpoint.

A run's settings (its Context, command, --out, --report, binary files to copy, file modes) are
kept in the metadata of every checkpoint it writes (devsecbots.settings.run_metadata); resume
rebuilds the run from the latest one, with the options given to `resume` on top. API keys are
never stored: they come from the environment (or --api-key) again. One writer per thread: a
second `resume` of a thread that is running is refused (devsecbots.locks).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from langgraph.types import Command
from rich.console import Console

from devsecbots.errors import input_error
from devsecbots.finish import (
    JSON_REPORT,
    finish_harden,
    finish_run,
    say_if_input_changed,
    verbatim_sources,
)
from devsecbots.graphs.context import Context
from devsecbots.graphs.devsec import build_graph
from devsecbots.graphs.state import DevSecState
from devsecbots.human import Decider, resume_value
from devsecbots.locks import thread_lock
from devsecbots.output import check_out_dir
from devsecbots.runner import run_graph
from devsecbots.settings import (
    RUN_METADATA_KEY,
    ResumeSettings,
    context_from_cli,
    context_from_metadata,
    context_to_metadata,
)
from devsecbots.store import guard_store, open_checkpointer, stored_settings, thread_config
from devsecbots.text import escape


def run_resume(settings: ResumeSettings, console: Console) -> int:
    """Resume (or finish writing) one thread; the exit code (0 approved, 1 not)."""
    s = settings
    if s.comment and not s.decision:
        raise input_error("--comment goes with --decision")
    preset = resume_value(s.decision, s.comment) if s.decision else None
    context_from_cli(s.overrides)  # bad flags end here, before the store is opened
    with open_checkpointer(s.db, must_exist=True) as saver:
        stored = stored_settings(saver, s.thread_id, s.db)
        with thread_lock(saver, s.thread_id):
            return _resume(s, saver, stored, preset, console)


def _resume(
    s: ResumeSettings,
    saver: Any,
    stored: dict[str, Any],
    preset: dict[str, str] | None,
    console: Console,
) -> int:
    ctx = context_from_cli(s.overrides, base=context_from_metadata(stored))
    run = {**stored, **context_to_metadata(ctx)}  # what a later resume restores
    if s.out is not None:
        run["out"] = str(s.out.expanduser().absolute())
    if s.report is not None:
        run["report"] = str(s.report)
    out_dir = check_out_dir(Path(run["out"]))
    report_path = Path(run["report"]) if run.get("report") else None
    graph = build_graph(saver)
    snapshot = guard_store(lambda: graph.get_state(thread_config(s.thread_id)))
    state: DevSecState
    if snapshot.next or snapshot.interrupts:
        say_if_input_changed(run, snapshot.values, console)
        state = _continue(graph, snapshot, saver, ctx, run, s.thread_id, preset, console)
    else:
        _check_unwritten(snapshot.values, s.thread_id, report_path or out_dir / JSON_REPORT)
        console.print(
            f"thread [bold]{escape(s.thread_id)}[/] had finished, but a crash kept its "
            "results from being written: writing them now"
        )
        state = snapshot.values
    modes = {k: int(v) for k, v in (run.get("modes") or {}).items()}
    if run.get("command") == "harden":
        skipped = [(item[0], item[1]) for item in run.get("skipped") or []]
        return finish_harden(
            state,
            ctx,
            out=out_dir,
            thread_id=s.thread_id,
            console=console,
            report_path=report_path,
            skipped=skipped,
            verbatim=verbatim_sources(run, skipped, console),
            modes=modes,
        )
    return finish_run(
        state, ctx, out=out_dir, thread_id=s.thread_id, console=console, report_path=report_path
    )


def _continue(
    graph: Any,
    snapshot: Any,
    saver: Any,
    ctx: Context,
    run: dict[str, Any],
    thread_id: str,
    preset: dict[str, str] | None,
    console: Console,
) -> DevSecState:
    """Run the thread on from its last checkpoint, answering a review pause first if any."""
    paused = [i.value for i in snapshot.interrupts if isinstance(i.value, dict)]
    if preset and not paused:
        raise input_error(f"thread {thread_id} is not waiting for a decision; drop --decision")
    decider = Decider(console, interactive=sys.stdin.isatty(), preset=preset)
    inputs: Any = None
    if paused:
        answer = decider(paused[0])
        if answer is None:
            raise input_error(
                f"thread {thread_id} is waiting for a human decision: pass "
                "--decision approve|reject|stop [--comment TEXT]"
            )
        inputs = Command(resume=answer)
    console.print(
        f"resuming thread [bold]{escape(thread_id)}[/] · {run.get('command')} · "
        f"round {snapshot.values.get('round', 0)} · next: "
        f"{', '.join(snapshot.next) or 'review decision'}"
    )
    return run_graph(
        inputs,
        ctx,
        thread_id=thread_id,
        checkpointer=saver,
        console=console,
        metadata={RUN_METADATA_KEY: run},
        decide=decider,
    )


def _check_unwritten(values: dict[str, Any], thread_id: str, report: Path) -> None:
    """A finished thread may only be finished again when its report was never written (the
    report is written last: a crash while writing the results leaves none)."""
    if report.exists():
        rounds = values.get("round", 0)
        raise input_error(
            f"thread {thread_id} already finished ({values.get('status', '?')} after {rounds} "
            f"round(s)) and {report} exists; restore its files with `devsecbots history "
            f"{thread_id} --round {rounds} --out DIR`"
        )
