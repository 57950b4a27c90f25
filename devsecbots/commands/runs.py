"""`devsecbots history THREAD` and `devsecbots runs`: inspect stored runs, and time-travel
(`history --round N --out DIR` restores the files as they were after round N)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from devsecbots.commands.resume import OptionalOut, ThreadId, verbatim_sources
from devsecbots.errors import input_error
from devsecbots.graphs.devsec import build_graph
from devsecbots.options import Db
from devsecbots.output import check_out_dir, copy_atomic, safe_target, write_tree
from devsecbots.store import (
    describe_db,
    guard_store,
    is_postgres_url,
    latest_checkpoint,
    open_checkpointer,
    recent_threads,
    run_settings,
    stored_settings,
    thread_config,
)
from devsecbots.text import escape

Format = Annotated[str, typer.Option("--format", "-f", help="text | json.")]


def history(
    thread_id: ThreadId,
    db: Db = None,
    round_no: Annotated[
        int | None,
        typer.Option(
            "--round", min=1, help="With --out: restore the files as they were after this round."
        ),
    ] = None,
    out: OptionalOut = None,
    format: Format = "text",
) -> None:
    """Per round: who acted, files changed, findings, verdict, tokens; or restore its files."""
    if format not in ("text", "json"):
        raise input_error(f"--format {format!r}: use text or json")
    if (round_no is None) != (out is None):
        raise input_error("--round N and --out DIR go together (restore the files after round N)")
    out_dir = check_out_dir(out) if out is not None else None
    console = Console(highlight=False)
    with open_checkpointer(db, must_exist=True) as saver:
        settings = stored_settings(saver, thread_id, db)
        graph = build_graph(saver)
        config = thread_config(thread_id)
        snapshot = guard_store(lambda: graph.get_state(config))
        if out_dir is not None:
            files = guard_store(lambda: _files_after_round(graph, config, round_no or 0))
            if files is None:
                done = len(snapshot.values.get("history") or [])
                raise input_error(
                    f"thread {thread_id} has no round {round_no} (rounds completed: {done})"
                )
            try:
                written = write_tree(out_dir, files)
            except (ValueError, OSError) as err:
                raise input_error(f"could not write under {out_dir}: {err}") from None
            copied = _copy_verbatim(settings, out_dir, console)
            extra = f" (+{copied} binary file(s))" if copied else ""
            console.print(
                f"restored {len(written)} file(s) as after round {round_no} into "
                f"{escape(str(out_dir))}{extra}"
            )
            return
    summary = _summary(thread_id, settings, snapshot)
    if format == "json":
        typer.echo(json.dumps(summary, indent=2))
    else:
        _print_history(summary, console)


def runs(
    db: Db = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, max=1000, help="How many threads to list.")
    ] = 20,
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
            rows.append(
                {
                    "thread_id": thread,
                    "updated": snap.created_at or "",
                    "command": settings.get("command", "?"),
                    "state": _run_state(snap),
                    "rounds": snap.values.get("round", 0),
                    "request": snap.values.get("request", ""),
                }
            )
    if format == "json":
        typer.echo(json.dumps(rows, indent=2))
        return
    console = Console(highlight=False)
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


# --------------------------------------------------------------------------- helpers


def _copy_verbatim(settings: dict[str, Any], out: Path, console: Console) -> int:
    copied = 0
    for rel, source in verbatim_sources(settings, [], console).items():
        target = safe_target(out, rel)
        copy_atomic(source, target)
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
