"""Live, per-round progress of a run, printed as the graph streams."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from devsecbots.text import escape

if TYPE_CHECKING:
    from rich.status import Status

_SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan"}
_WHO = {
    "develop": "DevBot",
    "review": "SecBot",
    "probe": "Probes",
    "approval_check": "Approval check",
    "human_review": "Human review",
}


def severity_summary(findings: Sequence[Mapping[str, Any]]) -> str:
    """'1 high, 3 medium' with colours, most severe first."""
    counts = Counter(f["severity"] for f in findings)
    parts = [
        f"[{_SEVERITY_STYLE[s]}]{counts[s]} {s}[/]"
        for s in ("critical", "high", "medium", "low")
        if counts.get(s)
    ]
    return ", ".join(parts) if parts else "none"


PROGRESS_BAR_FROM = 100  # files; smaller reviews finish before a bar would help


@contextmanager
def analysis_progress(console: Console, files: int) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar for big analyses: yields a `progress(done, total)` callback, or None."""
    if files < PROGRESS_BAR_FROM:
        yield None
        return
    columns = (TextColumn("analysing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("analyse", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


class ProgressPrinter:
    """Turns the graph's task and update events into one line per step."""

    def __init__(self, console: Console, *, offline: bool) -> None:
        self.console = console
        self.offline = offline
        self.round = 0
        self._status: Status | None = None

    def started(self, node: str, state: dict[str, Any]) -> None:
        """A node began: show who is working."""
        self.round = state.get("round", 0) + (1 if node == "develop" else 0)
        who = _WHO.get(node, node)
        verb = {
            "develop": "autofixing" if self.offline else "writing",
            "review": "reviewing",
            "probe": "attacking the app",
        }
        self._stop_status()
        if self.console.is_terminal:
            self._status = self.console.status(
                f"round {self.round}: {who} {verb.get(node, 'running')}…"
            )
            self._status.start()

    def updated(self, node: str, update: dict[str, Any]) -> None:
        """A node finished: one line on what it did."""
        self._stop_status()
        tag = f"[bold]round {self.round}[/] · {_WHO.get(node, node)}"
        if node == "develop":
            changed = update.get("changed") or []
            tokens = _tokens(update)
            shown = escape(", ".join(changed[:6])) + (" …" if len(changed) > 6 else "")
            self.console.print(f"{tag}: {len(changed)} file(s) {shown}{tokens}")
            notes = update.get("notes") or []
            for note in notes[:16]:  # one line per fix: the demo's round 2 makes 13
                self.console.print(f"    [dim]{escape(note)}[/]")
            if len(notes) > 16:
                self.console.print(f"    [dim]… and {len(notes) - 16} more[/]")
        elif node == "review":
            verdict = update.get("verdict") or {}
            findings = verdict.get("findings") or []
            by_tool = Counter(s for f in findings for s in f["sources"])
            tools = ", ".join(f"{t} {n}" for t, n in sorted(by_tool.items()))
            style = "green" if verdict.get("status") == "approved" else "yellow"
            overruled = ""
            if verdict.get("reviewer_status") == "approved" and verdict.get("status") != "approved":
                overruled = " [red](the LLM reviewer approved; analyser findings overrule it)[/]"
            self.console.print(
                f"{tag}: {len(findings)} finding(s) ({severity_summary(findings)})"
                f"{' · ' + tools if tools else ''} · verdict [{style}]{verdict.get('status')}[/]"
                f"{overruled}{_tokens(update)}"
            )
        elif node == "probe":
            self.console.print(f"{tag}: {probe_line(update.get('probe_report') or {})}")
        elif node in ("approval_check", "human_review"):
            record = (update.get("history") or [{}])[-1]
            status = update.get("status", "")
            style = {"approved": "bold green", "running": "yellow"}.get(status, "bold red")
            label = "continue" if status == "running" else status
            self.console.print(f"{tag}: [{style}]{label}[/] — {escape(record.get('note', ''))}")
        else:
            found = update.get("findings") if isinstance(update, dict) else None
            extra = f": {len(found)} finding(s)" if isinstance(found, list) else ""
            self.console.print(f"{tag}{extra}")

    def close(self) -> None:
        """Stop any spinner still running."""
        self._stop_status()

    def _stop_status(self) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None


def _tokens(update: dict[str, Any]) -> str:
    usage = update.get("usage") or []
    if not usage:
        return ""
    used_in = sum(u["input_tokens"] for u in usage)
    used_out = sum(u["output_tokens"] for u in usage)
    return f" [dim](tokens {used_in:,} in / {used_out:,} out)[/]"


def probe_line(report: dict[str, Any]) -> str:
    """'13 held' or '2 of 13 failed: …' for a probed round; the reason, dimmed, otherwise."""
    if report.get("status") != "probed":
        return f"[dim]{escape(report.get('reason') or 'not probed')}[/]"
    ran = [r for r in report.get("results") or [] if r["status"] in ("passed", "failed")]
    from devsecbots.nodes.probe.catalogue import CATALOGUE

    failed = [CATALOGUE[r["id"]].title for r in ran if r["status"] == "failed"]
    timing = f" [dim]({report.get('seconds', 0):.1f}s)[/]"
    if not failed:
        return f"[green]{len(ran)} probes held[/]{timing}"
    shown = escape("; ".join(failed[:3])) + (" …" if len(failed) > 3 else "")
    return f"[red]{len(failed)} of {len(ran)} probes failed[/]: {shown}{timing}"
