"""`devsecbots resume`, `history` and `runs`: continue, inspect and time-travel stored runs.

A run's settings (context, command, --out, --report, binary files to copy) are kept in the
metadata of every checkpoint it writes (see `devsecbots.store.encode_metadata`); `resume`
rebuilds the run from the latest one. API keys are never stored: they come from the
environment (or --api-key) again.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from langgraph.types import Command
from rich.console import Console
from rich.table import Table

from devsecbots.commands.harden import finish_harden
from devsecbots.errors import input_error
from devsecbots.finish import finish_run
from devsecbots.human import Decider, resume_value, show_review
from devsecbots.options import ApiKey, BaseUrl, Db, DevModel, Method, Model, Report, SecModel
from devsecbots.output import check_out_dir, safe_target, write_tree
from devsecbots.runner import run_graph
from devsecbots.store import (
    RUN_METADATA_KEY, describe_db, guard_store, is_postgres_url, latest_checkpoint,
    open_checkpointer, recent_threads, run_settings, thread_config,
)
from graphs.context import DEFAULT_ANALYZERS, Context
from graphs.devsec import build_graph

ThreadId = Annotated[str, typer.Argument(help="The thread id a run printed (see `devsecbots runs`).")]
OptionalOut = Annotated[Optional[Path], typer.Option("--out", "-o", help="Write the results here instead of the run's own --out.")]
Decision = Annotated[Optional[str], typer.Option("--decision", help="Answer a run paused for human review: approve | reject | stop.")]
Comment = Annotated[str, typer.Option("--comment", help="With --decision: a note; required for reject (DevBot gets it as a finding).")]
Format = Annotated[str, typer.Option("--format", "-f", help="text | json.")]
_NOT_CONTEXT = {"started_at"}  # per-process values a resume sets afresh


def resume(
    thread_id: ThreadId,
    db: Db = None,
    model: Model = "",
    dev_model: DevModel = "",
    sec_model: SecModel = "",
    base_url: BaseUrl = "",
    api_key: ApiKey = "",
    structured_method: Annotated[str, typer.Option("--structured-method", help="Override the run's json_schema | function_calling | json_mode.")] = "",
    out: OptionalOut = None,
    report: Report = None,
    decision: Decision = None,
    comment: Comment = "",
) -> None:
    """Continue an interrupted run (crash, Ctrl-C, exit 3, review pause) from its last checkpoint."""
    if comment and not decision:
        raise input_error("--comment goes with --decision")
    preset = resume_value(decision, comment) if decision else None
    if base_url and not base_url.startswith(("http://", "https://")):
        raise input_error(f"--base-url {base_url!r}: must start with http:// or https://")
    if structured_method not in ("", "json_schema", "function_calling", "json_mode"):
        raise input_error(f"--structured-method {structured_method!r}: use json_schema, "
                          "function_calling or json_mode")
    if api_key:
        os.environ["OPENAI_API_KEY"] = api_key  # read by the client inside nodes; never stored
    console = Console(highlight=False)
    with open_checkpointer(db, must_exist=True) as saver:
        settings = _stored_settings(saver, thread_id, db)
        graph = build_graph(saver)
        snapshot = guard_store(lambda: graph.get_state(thread_config(thread_id)))
        if not snapshot.next and not snapshot.interrupts:
            values = snapshot.values
            raise input_error(
                f"thread {thread_id} already finished ({values.get('status', '?')} after "
                f"{values.get('round', 0)} round(s)); restore its files with `devsecbots history "
                f"{thread_id} --round {values.get('round', 0)} --out DIR`")
        paused = [i.value for i in snapshot.interrupts if isinstance(i.value, dict)]
        if preset and not paused:
            raise input_error(f"thread {thread_id} is not waiting for a decision; drop --decision")
        settings = _apply_overrides(settings, model, dev_model, sec_model, base_url,
                                    structured_method, out, report)
        ctx = _context(settings)
        out_dir = check_out_dir(Path(settings["out"]))
        decider = Decider(console, interactive=sys.stdin.isatty(), preset=preset)
        inputs: Any = None
        if paused:
            answer = decider(paused[0])
            if answer is None:
                raise input_error(f"thread {thread_id} is waiting for a human decision: pass "
                                  "--decision approve|reject|stop [--comment TEXT]")
            inputs = Command(resume=answer)
        console.print(f"resuming thread [bold]{thread_id}[/] · {settings.get('command')} · "
                      f"round {snapshot.values.get('round', 0)} · next: "
                      f"{', '.join(snapshot.next) or 'review decision'}")
        state = run_graph(inputs, ctx, thread_id=thread_id, checkpointer=saver, console=console,
                          metadata={RUN_METADATA_KEY: settings}, decide=decider)
    report_path = Path(settings["report"]) if settings.get("report") else None
    if settings.get("command") == "harden":
        skipped = [tuple(item) for item in settings.get("skipped") or []]
        code = finish_harden(state, ctx, out=out_dir, thread_id=thread_id, console=console,
                             report=report_path, skipped=skipped,  # type: ignore[arg-type]
                             verbatim=_verbatim(settings, skipped, console))
    else:
        code = finish_run(state, ctx, out=out_dir, thread_id=thread_id, console=console,
                          report_path=report_path)
    raise typer.Exit(code)


def history(
    thread_id: ThreadId,
    db: Db = None,
    round_no: Annotated[Optional[int], typer.Option("--round", min=1, help="With --out: restore the files as they were after this round.")] = None,
    out: OptionalOut = None,
    format: Format = "text",
) -> None:
    """Per round: who acted, files changed, findings, verdict, tokens; or restore a round's files."""
    if format not in ("text", "json"):
        raise input_error(f"--format {format!r}: use text or json")
    if (round_no is None) != (out is None):
        raise input_error("--round N and --out DIR go together (restore the files after round N)")
    out_dir = check_out_dir(out) if out is not None else None
    console = Console(highlight=False)
    with open_checkpointer(db, must_exist=True) as saver:
        settings = _stored_settings(saver, thread_id, db)
        graph = build_graph(saver)
        config = thread_config(thread_id)
        snapshot = guard_store(lambda: graph.get_state(config))
        if out_dir is not None:
            files = guard_store(lambda: _files_after_round(graph, config, round_no))  # type: ignore[arg-type]
            if files is None:
                done = len(snapshot.values.get("history") or [])
                raise input_error(f"thread {thread_id} has no round {round_no} (rounds completed: "
                                  f"{done})")
            try:
                written = write_tree(out_dir, files)
            except (ValueError, OSError) as err:
                raise input_error(f"could not write under {out_dir}: {err}") from None
            copied = _copy_verbatim(settings, out_dir, console)
            console.print(f"restored {len(written)} file(s) as after round {round_no} "
                          f"into {out_dir}" + (f" (+{copied} binary file(s))" if copied else ""))
            return
    summary = _summary(thread_id, settings, snapshot)
    if format == "json":
        typer.echo(json.dumps(summary, indent=2))
    else:
        _print_history(summary, console)


def runs(
    db: Db = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=1000, help="How many threads to list.")] = 20,
    format: Format = "text",
) -> None:
    """List recent runs (threads), newest first."""
    if format not in ("text", "json"):
        raise input_error(f"--format {format!r}: use text or json")
    where = describe_db(db)
    if not is_postgres_url(db) and not Path(where).exists():
        typer.echo(f"no runs stored yet ({where} does not exist)")
        return
    rows = []
    with open_checkpointer(db, must_exist=True) as saver:
        graph = build_graph(saver)
        for thread in recent_threads(saver, limit):
            settings = run_settings(latest_checkpoint(saver, thread)) or {}
            snap = guard_store(lambda: graph.get_state(thread_config(thread)))
            rows.append({
                "thread_id": thread, "updated": snap.created_at or "",
                "command": settings.get("command", "?"), "state": _run_state(snap),
                "rounds": snap.values.get("round", 0), "request": snap.values.get("request", ""),
            })
    if format == "json":
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table(title=f"runs in {where}", title_justify="left")
    for column in ("Thread", "Updated", "Command", "State", "Rounds", "Request"):
        table.add_column(column, no_wrap=column == "Thread")
    for r in rows:
        table.add_row(r["thread_id"], r["updated"][:19].replace("T", " "), r["command"],
                      r["state"], str(r["rounds"]), _clip(r["request"], 40))
    Console(highlight=False).print(table)


# --------------------------------------------------------------------------- helpers


def _stored_settings(saver: Any, thread_id: str, db: str | None) -> dict[str, Any]:
    checkpoint = latest_checkpoint(saver, thread_id)
    if checkpoint is None:
        raise input_error(f"unknown thread {thread_id!r} in {describe_db(db)}; list runs with "
                          "`devsecbots runs`")
    settings = run_settings(checkpoint)
    if settings is None or "out" not in settings:
        raise input_error(f"thread {thread_id} was not started by the devsecbots CLI; it cannot "
                          "be resumed or restored from here")
    return settings


def _apply_overrides(settings: dict[str, Any], model: str, dev_model: str, sec_model: str,
                     base_url: str, method: str, out: Path | None,
                     report: Path | None) -> dict[str, Any]:
    """The stored settings with the flags given to `resume` on top (kept for a later resume)."""
    merged = dict(settings)
    for key, value in (("dev_model", dev_model or model), ("sec_model", sec_model or model),
                       ("base_url", base_url), ("structured_method", method)):
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


def _verbatim(settings: dict[str, Any], skipped: list, console: Console) -> dict[str, Path]:
    """Binary/oversized inputs to copy as-is; ones that vanished since the run are reported."""
    found = {}
    for rel, source in (settings.get("verbatim") or {}).items():
        if Path(source).is_file():
            found[rel] = Path(source)
        else:
            console.print(f"[yellow]{source} is gone since the run started; {rel} not copied[/]")
            skipped.append((rel, f"input {source} no longer exists at resume"))
    return found


def _copy_verbatim(settings: dict[str, Any], out: Path, console: Console) -> int:
    copied = 0
    for rel, source in _verbatim(settings, [], console).items():
        target = safe_target(out, rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
        copied += 1
    return copied


def _files_after_round(graph: Any, config: dict, round_no: int) -> dict[str, str] | None:
    """Time travel: the files of the first checkpoint that holds round `round_no`'s record."""
    found = None
    for snap in graph.get_state_history(config):  # newest first
        done = len(snap.values.get("history") or [])
        if done == round_no:
            found = snap
        elif done < round_no:
            break
    return dict(found.values.get("files") or {}) if found is not None else None


def _summary(thread_id: str, settings: dict[str, Any], snapshot: Any) -> dict[str, Any]:
    values = snapshot.values
    usage = values.get("usage") or []
    decisions = {d["round"]: d for d in values.get("decisions") or []}
    rounds = []
    for record in values.get("history") or []:
        n = record["round"]
        dev = sorted({u["model"] for u in usage if u["round"] == n and u["node"] == "develop"})
        sec = sorted({u["model"] for u in usage if u["round"] == n and u["node"] == "review"})
        given = n == 1 and bool(values.get("input_files"))
        person = decisions.get(n)
        rounds.append({
            **record,
            "devbot": ", ".join(dev) or ("given code" if given else "autofix"),
            "secbot": ", ".join(sec) or "analysers",
            "human": f"{person['decision']}: {person['comment']}".rstrip(": ") if person else "",
            "tokens": record["input_tokens"] + record["output_tokens"],
        })
    return {
        "thread_id": thread_id, "command": settings.get("command", "?"),
        "request": values.get("request", ""), "state": _run_state(snapshot),
        "status": values.get("status", ""), "reason": values.get("reason", ""),
        "next": list(snapshot.next), "rounds": rounds, "out": settings.get("out"),
    }


def _print_history(summary: dict[str, Any], console: Console) -> None:
    table = Table(title=f"thread {summary['thread_id']} · {summary['command']}",
                  title_justify="left")
    for column in ("Round", "Who acted", "Files changed", "Findings", "Verdict", "Tokens"):
        table.add_column(column, justify="right" if column in ("Round", "Tokens") else "left")
    for r in summary["rounds"]:
        who = f"DevBot {r['devbot']} → SecBot {r['secbot']}"
        if r["human"]:
            who += f" → person ({_clip(r['human'], 40)})"
        sev = ", ".join(f"{n} {s}" for s, n in sorted(r["by_severity"].items()))
        table.add_row(str(r["round"]), who, _clip(", ".join(r["files_changed"]), 40) or "—",
                      f"{r['findings']} ({r['blocking']} blocking){'; ' + sev if sev else ''}",
                      r["verdict"], f"{r['tokens']:,}")
    console.print(table)
    console.print(f"state: [bold]{summary['state']}[/]"
                  + (f" — {summary['reason']}" if summary["reason"] else ""))


def _run_state(snapshot: Any) -> str:
    if snapshot.interrupts:
        return "paused for review"
    if snapshot.next:
        return f"interrupted (next: {', '.join(snapshot.next)})"
    return snapshot.values.get("status", "?")


def _clip(text: str, width: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"
