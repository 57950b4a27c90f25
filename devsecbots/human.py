"""Human review in the terminal: show what the run wants approved, and ask the person.

The graph side is `nodes.human_review` (a LangGraph `interrupt` before a run ends approved); this
module answers it — with a decision given on the command line, a prompt, or not at all (the run
then stays paused and `devsecbots resume THREAD --decision ...` continues it).
"""

from __future__ import annotations

import sys
from typing import Any

from rich.console import Console
from rich.prompt import Prompt
from rich.syntax import Syntax

from devsecbots.errors import input_error
from devsecbots.nodes.human_review import HUMAN_DECISIONS, parse_decision
from devsecbots.progress import severity_summary
from devsecbots.text import escape

MAX_DIFF_LINES = 300


def decider_for(console: Console, *, human_review: bool, persist: bool) -> Decider:
    """The Decider for a new run: prompts on a terminal; elsewhere the run pauses (exit 3)."""
    interactive = sys.stdin.isatty()
    if human_review and not persist and not interactive:
        raise input_error(
            "--human-review without a terminal pauses the run for `devsecbots "
            "resume`, which needs a persisted run: drop --no-persist"
        )
    return Decider(console, interactive=interactive)


def resume_value(decision: str, comment: str = "") -> dict[str, str]:
    """The `Command(resume=...)` value for a decision given as options; bad input exits 2."""
    choice, text, problem = parse_decision({"decision": decision, "comment": comment})
    if problem:
        raise input_error(f"--decision {decision!r}: {problem}")
    return {"decision": choice, "comment": text}


def show_review(payload: dict[str, Any], console: Console, *, full: bool = True) -> None:
    """What the person is asked to approve: the reason, the diff against the input, findings."""
    console.rule(f"[bold]human review · round {payload.get('round', '?')}[/]")
    console.print(f"the checks approve: {escape(str(payload.get('reason', '')))}")
    if payload.get("error"):
        console.print(f"[red]previous answer not accepted: {escape(str(payload['error']))}[/]")
    findings = payload.get("findings") or []
    console.print(f"remaining findings: {severity_summary(findings)}")
    if full:
        for f in findings[:20]:
            where = f"{f.get('file', '')}:{f.get('line', 0)}" if f.get("line") else f.get("file")
            text = escape(f"{f.get('severity')} {where or '—'} {f.get('title', '')}")
            console.print(f"  [dim]{text}[/]")
        diff = (payload.get("diff") or "").splitlines()
        if diff:
            shown = "\n".join(diff[:MAX_DIFF_LINES])
            console.print(Syntax(shown, "diff", theme="ansi_dark", word_wrap=True))
            if len(diff) > MAX_DIFF_LINES:
                console.print(f"[dim]… {len(diff) - MAX_DIFF_LINES} more diff line(s)[/]")
        else:
            console.print("[dim]no change against the input[/]")


class Decider:
    """Answers the graph's review pauses: a decision given up front (once), else the terminal
    when there is one, else nothing — and the run stays paused."""

    def __init__(
        self, console: Console, *, interactive: bool, preset: dict[str, str] | None = None
    ) -> None:
        """`interactive`: prompt on this terminal; `preset`: answer the first pause with it."""
        self.console = console
        self.interactive = interactive
        self.preset = preset

    def __call__(self, payload: dict[str, Any]) -> dict[str, str] | None:
        """The person's answer to one pause, or None to leave the run paused."""
        if self.preset is not None:
            answer, self.preset = self.preset, None
            show_review(payload, self.console, full=False)
            self.console.print(
                f"decision: [bold]{answer['decision']}[/]"
                + (f" — {escape(answer['comment'])}" if answer["comment"] else "")
            )
            return answer
        show_review(payload, self.console)
        if not self.interactive:
            return None
        try:
            return self._prompt()
        except EOFError:  # the terminal went away: stay paused, resumable
            return None

    def _prompt(self) -> dict[str, str]:
        choice = Prompt.ask(
            "approve, reject (with a comment for DevBot) or stop?",
            choices=list(HUMAN_DECISIONS),
            console=self.console,
        )
        comment = ""
        while choice == "reject" and not comment.strip():
            comment = Prompt.ask("comment for DevBot", console=self.console)
        if choice != "reject":
            comment = Prompt.ask("comment (optional)", default="", console=self.console)
        return {"decision": choice, "comment": comment.strip()}
