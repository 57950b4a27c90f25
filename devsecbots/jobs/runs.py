"""Inspect stored runs: `runs` lists threads, `history` shows one thread's rounds, or time-travels
(`history --round N --out DIR` restores the files as they were after round N)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from devsecbots.errors import input_error
from devsecbots.output import check_out_dir, copy_atomic, echo, safe_target, write_tree
from devsecbots.settings import HistorySettings, RunsSettings
from devsecbots.store import (
    describe_db,
    guard_store,
    is_postgres_url,
    latest_checkpoint,
    open_checkpointer,
    open_sqlite_for_reading,
    recent_threads,
    run_settings,
    settings_of,
    stored_settings,
    thread_config,
)
from devsecbots.storeread import (
    LightSnapshot,
    Unreadable,
    latest,
    light_snapshot,
    recent_thread_ids,
)
from devsecbots.text import escape

if TYPE_CHECKING:
    from langchain_core.runnables import RunnableConfig

# SQLite runs are read without LangGraph (devsecbots.storeread); the graph (and every node's
# imports) loads only for Postgres, time travel, or a run the light reader cannot read.


def run_history(settings: HistorySettings, console: Console) -> int:
    """Per round: who acted, files changed, findings, verdict, tokens; or restore its files."""
    s = settings
    if s.format not in ("text", "json"):
        raise input_error(f"--format {s.format!r}: use text or json")
    if (s.round_no is None) != (s.out is None):
        raise input_error("--round N and --out DIR go together (restore the files after round N)")
    out_dir = check_out_dir(s.out) if s.out is not None else None
    light = None if out_dir is not None or is_postgres_url(s.db) else _light_history(s)
    if light is not None:
        stored, snapshot = light
    else:
        stored, snapshot = _history_from_graph(s, out_dir, console)
        if out_dir is not None:
            return 0
    summary = _summary(s.thread_id, stored, snapshot)
    if s.format == "json":
        echo(console, json.dumps(summary, indent=2))
    else:
        _print_history(summary, console)
    return 0


def _light_history(s: HistorySettings) -> tuple[dict[str, Any], LightSnapshot] | None:
    """The thread's settings and state read without LangGraph; None when it takes the graph."""
    with open_sqlite_for_reading(s.db) as conn:
        try:
            checkpoint = latest(conn, s.thread_id)
        except Unreadable:
            return None
    stored = settings_of(checkpoint, s.thread_id, s.db)
    if checkpoint is None:  # settings_of has refused an unknown thread already
        return None
    snapshot = light_snapshot(checkpoint.checkpoint, checkpoint.pending_writes)
    return (stored, snapshot) if snapshot is not None else None


def _history_from_graph(
    s: HistorySettings, out_dir: Path | None, console: Console
) -> tuple[dict[str, Any], Any]:
    """Settings and state snapshot through the compiled graph; with `out_dir`, restore the
    files as they were after round `s.round_no` there."""
    with open_checkpointer(s.db, must_exist=True) as saver:
        stored = stored_settings(saver, s.thread_id, s.db)
        from devsecbots.graphs.devsec import build_graph

        graph = build_graph(saver)
        config = thread_config(s.thread_id)
        snapshot = guard_store(lambda: graph.get_state(config))
        if out_dir is not None:
            files = guard_store(lambda: _files_after_round(graph, config, s.round_no or 0))
            if files is None:
                done = len(snapshot.values.get("history") or [])
                raise input_error(
                    f"thread {s.thread_id} has no round {s.round_no} (rounds completed: {done})"
                )
            modes = {k: int(v) for k, v in (stored.get("modes") or {}).items()}
            try:
                written = write_tree(out_dir, files, modes)
            except (ValueError, OSError) as err:
                raise input_error(f"could not write under {out_dir}: {err}") from None
            copied = _copy_verbatim(stored, out_dir, console)
            extra = f" (+{copied} binary file(s))" if copied else ""
            console.print(
                f"restored {len(written)} file(s) as after round {s.round_no} into "
                f"{escape(str(out_dir))}{extra}"
            )
    return stored, snapshot


def run_runs(settings: RunsSettings, console: Console) -> int:
    """List recent runs (threads), newest first."""
    s = settings
    if s.format not in ("text", "json"):
        raise input_error(f"--format {s.format!r}: use text or json")
    where = describe_db(s.db)
    if not is_postgres_url(s.db) and not Path(where).exists():
        echo(console, f"no runs stored yet ({where} does not exist)")
        return 0
    rows = None if is_postgres_url(s.db) else _light_rows(s)
    if rows is None:
        rows = _rows_from_graph(s)
    if s.format == "json":
        echo(console, json.dumps(rows, indent=2))
        return 0
    console.print(
        f"[dim]runs in {escape(where)}, newest first: thread · updated (UTC) · "
        "command · rounds · state · request[/]"
    )
    for r in rows:  # one line each, the thread id first: it is what `resume`/`history` take
        when = r["updated"][5:16].replace("T", " ")
        request = escape(_clip(r["request"], 60))
        console.print(
            f"[bold]{escape(r['thread_id'])}[/]  {when}  {escape(r['command'])}  "
            f"{r['rounds']}  {escape(r['state'])}  [dim]{request}[/]",
            no_wrap=True,
            overflow="ellipsis",
        )
    if not rows:
        console.print("no runs stored yet")
    return 0


# --------------------------------------------------------------------------- helpers


def _light_rows(s: RunsSettings) -> list[dict[str, Any]] | None:
    """The listing read without LangGraph; None when a run in it takes the compiled graph."""
    rows = []
    with open_sqlite_for_reading(s.db) as conn:
        for thread in recent_thread_ids(conn, s.limit):
            try:
                stored = latest(conn, thread)
            except Unreadable:
                return None
            snap = light_snapshot(stored.checkpoint, stored.pending_writes) if stored else None
            if snap is None:
                return None
            rows.append(_row(thread, run_settings(stored) or {}, snap))
    return rows


def _rows_from_graph(s: RunsSettings) -> list[dict[str, Any]]:
    rows = []
    with open_checkpointer(s.db, must_exist=True) as saver:
        from devsecbots.graphs.devsec import build_graph

        graph = build_graph(saver)
        for thread in recent_threads(saver, s.limit):
            stored = run_settings(latest_checkpoint(saver, thread)) or {}
            snap = guard_store(lambda: graph.get_state(thread_config(thread)))  # noqa: B023
            rows.append(_row(thread, stored, snap))
    return rows


def _row(thread: str, stored: dict[str, Any], snap: Any) -> dict[str, Any]:
    """One run of the listing, from its stored settings and state snapshot."""
    return {
        "thread_id": thread,
        "updated": snap.created_at or "",
        "command": stored.get("command", "?"),
        "state": _run_state(snap),
        "rounds": snap.values.get("round", 0),
        "request": snap.values.get("request", ""),
    }


def _copy_verbatim(settings: dict[str, Any], out: Path, console: Console) -> int:
    from devsecbots.finish import verbatim_sources  # the report writers: only to restore

    copied = 0
    for rel, source in verbatim_sources(settings, [], console).items():
        copy_atomic(source, safe_target(out, rel))
        copied += 1
    return copied


def _files_after_round(graph: Any, config: RunnableConfig, round_no: int) -> dict[str, str] | None:
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
        rounds.append(
            {
                **record,
                "devbot": ", ".join(dev) or ("given code" if given else "autofix"),
                "secbot": ", ".join(sec) or "analysers",
                "human": f"{person['decision']}: {person['comment']}".rstrip(": ")
                if person
                else "",
                "tokens": record["input_tokens"] + record["output_tokens"],
            }
        )
    return {
        "thread_id": thread_id,
        "command": settings.get("command", "?"),
        "request": values.get("request", ""),
        "state": _run_state(snapshot),
        "status": values.get("status", ""),
        "reason": values.get("reason", ""),
        "next": list(snapshot.next),
        "rounds": rounds,
        "out": settings.get("out"),
    }


def _print_history(summary: dict[str, Any], console: Console) -> None:
    table = Table(
        title=escape(f"thread {summary['thread_id']} · {summary['command']}"), title_justify="left"
    )
    for column in ("Round", "Who acted", "Files changed", "Findings", "Verdict", "Tokens"):
        table.add_column(column, justify="right" if column in ("Round", "Tokens") else "left")
    for r in summary["rounds"]:
        who = f"DevBot {r['devbot']} → SecBot {r['secbot']}"
        if r["human"]:
            who += f" → person ({_clip(r['human'], 40)})"
        sev = ", ".join(f"{n} {s}" for s, n in sorted(r["by_severity"].items()))
        cells = (
            str(r["round"]),
            who,
            _clip(", ".join(r["files_changed"]), 40) or "—",
            f"{r['findings']} ({r['blocking']} blocking){'; ' + sev if sev else ''}",
            r["verdict"],
            f"{r['tokens']:,}",
        )
        table.add_row(*(Text(cell) for cell in cells))  # Text: names and comments are not markup
    console.print(table)
    console.print(
        f"state: [bold]{escape(summary['state'])}[/]"
        + (f" — {escape(summary['reason'])}" if summary["reason"] else "")
    )


def _run_state(snapshot: Any) -> str:
    if snapshot.interrupts:
        return "paused for review"
    if snapshot.next:
        return f"interrupted (next: {', '.join(snapshot.next)})"
    return snapshot.values.get("status", "?")


def _clip(text: str, width: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"
