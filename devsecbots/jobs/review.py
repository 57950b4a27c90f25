"""Review code once: analysers, plus the LLM reviewer when a model is configured."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from devsecbots import __version__
from devsecbots.errors import EXIT_APPROVED, EXIT_NOT_APPROVED, input_error
from devsecbots.inputs import load_inputs, require_python
from devsecbots.nodes.review import review_files
from devsecbots.output import echo, write_atomic
from devsecbots.progress import analysis_progress, severity_summary
from devsecbots.runner import classify_error
from devsecbots.settings import ReviewSettings
from devsecbots.text import escape

FORMATS = ("text", "json", "sarif")


def run_review(settings: ReviewSettings, console: Console, err: Console | None = None) -> int:
    """One review of `settings.paths`: the result on `console` (or --output), notes on `err`;
    the exit code (0 approved, 1 not)."""
    s, ctx = settings, settings.ctx
    err = err or Console(stderr=True, highlight=False)
    if s.format not in FORMATS:
        raise input_error(f"--format {s.format!r}: use text, json or sarif")
    loaded = load_inputs(s.paths)
    require_python(loaded, s.paths, "review")
    if ctx.is_offline():
        err.print(f"[dim]no model configured: analysers only ({', '.join(ctx.analyzers)})[/]")
    try:
        with analysis_progress(err, len(loaded.files)) as progress:
            outcome = review_files(
                loaded.files, ctx, request="Review this code.", progress=progress
            )
    except Exception as failure:  # noqa: BLE001
        raise classify_error(failure, ctx, "", resumable=False) from failure
    skipped = [*loaded.skipped, *outcome.skipped]
    for path, reason in skipped:
        err.print(f"[dim]skipped {escape(path)}: {escape(reason)}[/]")
    verdict = outcome.verdict
    if s.format == "sarif":
        from devsecbots.sarif import to_sarif

        log = to_sarif(
            verdict["findings"], tool_version=__version__, root=str(Path.cwd()), source=loaded.root
        )
        text = json.dumps(log, indent=2)
    elif s.format == "json":
        text = json.dumps(
            {
                "status": verdict["status"],
                "reviewer_status": verdict["reviewer_status"],
                "summary": verdict["summary"],
                "blocking_severity": ctx.blocking_severity,
                "findings": verdict["findings"],
                "advice": verdict["advice"],
                "disputed": verdict["disputed"],
                "skipped": [{"path": p, "reason": r} for p, r in skipped],
                "files": sorted(loaded.files),
            },
            indent=2,
        )
    else:
        text = ""
    if s.output is not None:
        write_atomic(s.output, ((text or plain_text(verdict)) + "\n").encode("utf-8"))
        err.print(f"written to {escape(str(s.output))}")
    elif text:
        echo(console, text)
    else:
        print_text(verdict, console)
    return EXIT_APPROVED if verdict["status"] == "approved" else EXIT_NOT_APPROVED


def print_text(verdict: dict, console: Console) -> None:
    """The findings as a table and the verdict line."""
    findings = verdict["findings"]
    if findings:
        table = Table(show_lines=False)
        for column in ("Severity", "Where", "CWE", "Rule", "Source", "Title"):
            table.add_column(column)
        for f in findings:
            where = f"{f['file']}:{f['line']}" if f["line"] else f["file"]
            title = f["title"] + _why_not_blocking(f)
            # Titles quote the code ("hardcoded password: '[/red]'"): data, never Rich markup.
            table.add_row(
                f["severity"],
                escape(where),
                escape(f["cwe"] or "—"),
                escape(f["rule_id"] or "—"),
                escape("+".join(f["sources"])),
                escape(title),
            )
        console.print(table)
    style = "bold green" if verdict["status"] == "approved" else "bold red"
    console.print(
        f"[{style}]{verdict['status']}[/] · {len(findings)} finding(s) "
        f"({severity_summary(findings)}) · {escape(verdict['summary'])}"
    )
    for advice in verdict["advice"]:  # non-blocking, e.g. the pip-audit reminder
        console.print(f"[dim]advice:[/] {escape(advice)}")


def plain_text(verdict: dict) -> str:
    """The verdict and one line per finding, for --output FILE in text format."""
    lines = [f"{verdict['status']}: {verdict['summary']}"]
    for f in verdict["findings"]:
        lines.append(
            f"{f['severity']:8} {f['file']}:{f['line']} {f['cwe'] or '-'} "
            f"{f['rule_id'] or '-'} {f['title']}{_why_not_blocking(f)}"
        )
    lines += [f"advice: {a}" for a in verdict["advice"]]
    return "\n".join(lines)


def _why_not_blocking(finding: dict) -> str:
    """' (waived: ...)' or ' (not blocking: test code ...)'; '' for a finding that can block."""
    if finding["waiver"]:
        return f" (waived: {finding['waiver']})"
    return f" (not blocking: {finding['exempt']})" if finding.get("exempt") else ""
