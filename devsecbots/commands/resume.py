"""`devsecbots resume THREAD`: continue a stored run from its last checkpoint.

A run's settings (context, command, --out, --report, binary files to copy) are kept in the
metadata of every checkpoint it writes (`devsecbots.store.encode_metadata`); resume rebuilds the
run from the latest one, with the model and output flags given here on top. API keys are never
stored: they come from the environment (or --api-key) again.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from langgraph.types import Command
from rich.console import Console

from devsecbots.commands.harden import finish_harden
from devsecbots.errors import input_error
from devsecbots.finish import JSON_REPORT, finish_run
from devsecbots.graphs.context import DEFAULT_ANALYZERS, Context
from devsecbots.graphs.devsec import build_graph
from devsecbots.human import Decider, resume_value
from devsecbots.options import (
    ApiKey,
    BaseUrl,
    Db,
    DevModel,
    Model,
    Report,
    SecModel,
    check_model_options,
)
from devsecbots.output import check_out_dir
from devsecbots.runner import run_graph
from devsecbots.snapshot import Snapshot, SnapshotStore, changed_since, snapshot_again
from devsecbots.store import (
    RUN_METADATA_KEY,
    guard_store,
    open_checkpointer,
    stored_settings,
    thread_config,
)
from devsecbots.text import escape

ThreadId = Annotated[
    str, typer.Argument(help="The thread id a run printed (see `devsecbots runs`).")
]
OptionalOut = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Write the results here instead of the run's own --out."),
]
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
_NOT_CONTEXT = {"started_at"}  # per-process values a resume sets afresh


def resume(
    thread_id: ThreadId,
    db: Db = None,
    model: Model = "",
    dev_model: DevModel = "",
    sec_model: SecModel = "",
    base_url: BaseUrl = "",
    api_key: ApiKey = "",
    structured_method: Annotated[
        str,
        typer.Option(
            "--structured-method",
            help="Override the run's json_schema | function_calling | json_mode.",
        ),
    ] = "",
    out: OptionalOut = None,
    report: Report = None,
    decision: Decision = None,
    comment: Comment = "",
) -> None:
    """Continue an interrupted run (crash, Ctrl-C, exit 3, review pause) where it stopped."""
    if comment and not decision:
        raise input_error("--comment goes with --decision")
    preset = resume_value(decision, comment) if decision else None
    check_model_options(structured_method=structured_method, base_url=base_url, api_key=api_key)
    console = Console(highlight=False)
    with open_checkpointer(db, must_exist=True) as saver:
        settings = _apply_overrides(
            stored_settings(saver, thread_id, db),
            model,
            dev_model,
            sec_model,
            base_url,
            structured_method,
            out,
            report,
        )
        ctx = _context(settings)
        out_dir = check_out_dir(Path(settings["out"]))
        report_path = Path(settings["report"]) if settings.get("report") else None
        graph = build_graph(saver)
        snapshot = guard_store(lambda: graph.get_state(thread_config(thread_id)))
        if snapshot.next or snapshot.interrupts:
            state = _continue(graph, snapshot, saver, ctx, settings, thread_id, preset, console)
        else:
            _check_unwritten(snapshot.values, thread_id, report_path or out_dir / JSON_REPORT)
            console.print(
                f"thread [bold]{escape(thread_id)}[/] had finished, but a crash kept its "
                "results from being written: writing them now"
            )
            state = snapshot.values
    if settings.get("command") == "harden":
        _say_if_input_changed(settings, state, console)
        skipped = [tuple(item) for item in settings.get("skipped") or []]
        code = finish_harden(
            state,
            ctx,
            out=out_dir,
            thread_id=thread_id,
            console=console,
            report=report_path,
            skipped=skipped,  # type: ignore[arg-type]
            verbatim=verbatim_sources(settings, skipped, console),
        )
    else:
        code = finish_run(
            state, ctx, out=out_dir, thread_id=thread_id, console=console, report_path=report_path
        )
    raise typer.Exit(code)


def _continue(
    graph: Any,
    snapshot: Any,
    saver: Any,
    ctx: Context,
    settings: dict[str, Any],
    thread_id: str,
    preset: dict[str, str] | None,
    console: Console,
) -> dict:
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
        f"resuming thread [bold]{escape(thread_id)}[/] · {settings.get('command')} · "
        f"round {snapshot.values.get('round', 0)} · next: "
        f"{', '.join(snapshot.next) or 'review decision'}"
    )
    return run_graph(
        inputs,
        ctx,
        thread_id=thread_id,
        checkpointer=saver,
        console=console,
        metadata={RUN_METADATA_KEY: settings},
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


def _apply_overrides(
    settings: dict[str, Any],
    model: str,
    dev_model: str,
    sec_model: str,
    base_url: str,
    method: str,
    out: Path | None,
    report: Path | None,
) -> dict[str, Any]:
    """The stored settings with the flags given to `resume` on top (kept for a later resume)."""
    merged = dict(settings)
    for key, value in (
        ("dev_model", dev_model or model),
        ("sec_model", sec_model or model),
        ("base_url", base_url),
        ("structured_method", method),
    ):
        if value:
            merged[key] = value
    if out is not None:
        merged["out"] = str(out.expanduser().absolute())
    if report is not None:
        merged["report"] = str(report)
    return merged


def _context(settings: dict[str, Any]) -> Context:
    fields = {f.name for f in dataclasses.fields(Context)} - _NOT_CONTEXT
    known = {k: v for k, v in settings.items() if k in fields}
    known["analyzers"] = tuple(known.get("analyzers") or DEFAULT_ANALYZERS)
    return Context(**known)


def _say_if_input_changed(settings: dict[str, Any], state: dict, console: Console) -> None:
    """The run continues from its snapshot of the input; say so when the input changed since."""
    root, files = settings.get("input_root"), state.get("input_files") or {}
    if not root or settings.get("in_place"):
        return
    changed = changed_since(Path(root), files)
    if changed:
        shown = ", ".join(changed[:5]) + (" …" if len(changed) > 5 else "")
        console.print(
            f"[yellow]the input changed since the run started ({escape(shown)}): the run "
            "continues from its snapshot of the input, taken when it started[/]"
        )


def verbatim_sources(
    settings: dict[str, Any], skipped: list, console: Console
) -> dict[str, Snapshot]:
    """Binary/oversized inputs to copy as-is, read again (once, without following symlinks) and
    checked against the run's snapshot; ones that changed or vanished since are reported."""
    found, store = {}, SnapshotStore()
    for rel, record in (settings.get("verbatim") or {}).items():
        snap = snapshot_again(record, store)
        if isinstance(snap, Snapshot):
            found[rel] = snap
            continue
        source = record["path"] if isinstance(record, dict) else record
        console.print(f"[yellow]{escape(f'input {source} {snap}; {rel} not copied')}[/]")
        skipped.append((rel, f"input {source} {snap} (at resume)"))
    return found
