"""End of a run: write the files and reports under --out, print the summary, pick the exit code."""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from devsecbots.errors import EXIT_APPROVED, EXIT_NOT_APPROVED, runtime_error
from devsecbots.graphs.context import Context
from devsecbots.graphs.state import DevSecState
from devsecbots.output import copy_atomic, safe_target, write_atomic, write_tree
from devsecbots.progress import severity_summary
from devsecbots.report import build_report, render_markdown
from devsecbots.snapshot import Snapshot, SnapshotStore, changed_since, snapshot_again
from devsecbots.text import escape

MARKDOWN_REPORT = "SECURITY-REPORT.md"
JSON_REPORT = "devsecbots-report.json"


def finish_run(
    state: DevSecState,
    ctx: Context,
    *,
    out: Path,
    thread_id: str,
    console: Console,
    report_path: Path | None = None,
    skipped: Sequence[tuple[str, str]] = (),
    verbatim: dict[str, Snapshot] | None = None,
    modes: dict[str, int] | None = None,
) -> int:
    """Write files + reports, print the summary table; return exit code 0 or 1."""
    files = state.get("files") or {}
    try:
        written = write_tree(out, files, modes)
        for rel, source in (verbatim or {}).items():
            copy_atomic(source, safe_target(out, rel))
    except (ValueError, OSError) as err:
        raise runtime_error(f"could not write under {out}: {err}") from err
    report = build_report(state, thread_id=thread_id, ctx=ctx, written=written, skipped=skipped)
    write_atomic(out / MARKDOWN_REPORT, render_markdown(report).encode("utf-8"))
    json_path = report_path or out / JSON_REPORT
    write_atomic(json_path, (json.dumps(report, indent=2) + "\n").encode("utf-8"))
    print_summary(report, console)
    console.print(
        f"files written under [bold]{escape(str(out))}[/]; report {escape(str(json_path))}"
    )
    return EXIT_APPROVED if report["status"] == "approved" else EXIT_NOT_APPROVED


def print_summary(report: dict, console: Console) -> None:
    """The per-round table and the final status line."""
    table = Table(title="devsecbots run", title_justify="left")
    for column in ("Round", "Verdict", "Findings", "Blocking", "Files changed", "Tokens"):
        table.add_column(
            column,
            justify="right" if column in ("Round", "Findings", "Blocking", "Tokens") else "left",
        )
    for r in report["history"]:
        changed = ", ".join(r["files_changed"][:3]) + (" …" if len(r["files_changed"]) > 3 else "")
        table.add_row(
            str(r["round"]),
            r["verdict"],
            str(r["findings"]),
            str(r["blocking"]),
            escape(changed) or "—",
            f"{r['tokens']:,}",
        )
    console.print(table)
    style = "bold green" if report["status"] == "approved" else "bold red"
    console.print(
        f"[{style}]{report['status'].replace('_', ' ').upper()}[/]: {escape(report['reason'])}"
    )
    tests = report["tests"]
    console.print(escape(tests), style="yellow" if tests.startswith("tests not run") else None)
    if report["findings"]:
        console.print(f"remaining findings: {severity_summary(report['findings'])}")
    for advice in report["advice"]:  # e.g. the dependency reminder with the command to run
        console.print(f"[dim]advice:[/] {escape(advice)}")
    usage = report["usage"]
    if usage["calls"]:
        console.print(
            f"tokens: {usage['input_tokens']:,} in / {usage['output_tokens']:,} out "
            f"over {usage['calls']} model call(s)"
        )


def print_diff_summary(before: dict[str, str], after: dict[str, str], console: Console) -> None:
    """Per file: lines added and removed between the input and the result."""
    table = Table(title="changes", title_justify="left")
    table.add_column("File")
    table.add_column("+", justify="right", style="green")
    table.add_column("−", justify="right", style="red")
    rows = 0
    for path in sorted(set(before) | set(after)):
        old, new = before.get(path, ""), after.get(path, "")
        if old == new:
            continue
        added = removed = 0
        for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0):
            if line.startswith("+") and not line.startswith("+++"):
                added += 1
            elif line.startswith("-") and not line.startswith("---"):
                removed += 1
        table.add_row(escape(path) + ("" if path in before else " (new)"), str(added), str(removed))
        rows += 1
    if rows:
        console.print(table)
    else:
        console.print("no file changed")


def finish_harden(
    state: DevSecState,
    ctx: Context,
    *,
    out: Path,
    thread_id: str,
    console: Console,
    report_path: Path | None,
    skipped: list[tuple[str, str]],
    verbatim: dict[str, Snapshot],
    modes: dict[str, int] | None = None,
) -> int:
    """A harden run's end (also after `resume`): the diff, what autofix could not fix, then
    finish_run; the exit code."""
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
        report_path=report_path,
        skipped=skipped,
        verbatim=verbatim or None,
        modes=modes,
    )


def say_if_input_changed(settings: dict[str, Any], state: dict, console: Console) -> None:
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
