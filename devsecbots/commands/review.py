"""`devsecbots review PATH...`: one SecBot pass, usable as a CI gate (exit 0 approved, 1 not)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from devsecbots import __version__
from devsecbots.batch import review_each
from devsecbots.errors import EXIT_APPROVED, EXIT_NOT_APPROVED, input_error
from devsecbots.inputs import load_inputs
from devsecbots.nodes.review import review_files
from devsecbots.options import (
    Analyzers,
    ApiKey,
    AuditDeps,
    BaseUrl,
    Blocking,
    Concurrency,
    MaxRetries,
    Method,
    Model,
    Offline,
    RequestTimeout,
    SecModel,
    make_context,
)
from devsecbots.output import write_atomic
from devsecbots.progress import analysis_progress, severity_summary
from devsecbots.runner import classify_error
from devsecbots.text import escape

Format = Annotated[str, typer.Option("--format", "-f", help="text | json | sarif.")]
Output = Annotated[
    Path | None, typer.Option("--output", help="Write the result to FILE instead of stdout.")
]


def review(
    paths: list[Path] = typer.Argument(..., help="Files or directories to review."),
    format: Format = "text",
    output: Output = None,
    offline: Offline = False,
    model: Model = "",
    sec_model: SecModel = "",
    base_url: BaseUrl = "",
    api_key: ApiKey = "",
    structured_method: Method = "json_schema",
    blocking_severity: Blocking = "medium",
    analyzers: Analyzers = "bandit,semgrep",
    request_timeout: RequestTimeout = 120.0,
    max_retries: MaxRetries = 3,
    concurrency: Concurrency = None,
    audit_deps: AuditDeps = False,
) -> None:
    """Review code once: analysers, plus the LLM reviewer when a model is configured."""
    if concurrency is not None:  # one review per path, combined into one result
        raise typer.Exit(review_each(review, dict(locals())))
    if format not in ("text", "json", "sarif"):
        raise input_error(f"--format {format!r}: use text, json or sarif")
    loaded = load_inputs(paths)
    ctx = make_context(
        model=model,
        sec_model=sec_model,
        dev_model=sec_model or model,
        base_url=base_url,
        api_key=api_key,
        structured_method=structured_method,
        offline=offline,
        blocking_severity=blocking_severity,
        analyzers=analyzers,
        request_timeout=request_timeout,
        max_retries=max_retries,
    )
    ctx = dataclasses.replace(ctx, audit_deps=audit_deps)
    err = Console(stderr=True, highlight=False)
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
    approved = verdict["status"] == "approved"
    if format == "sarif":
        from devsecbots.sarif import to_sarif

        text = json.dumps(
            to_sarif(verdict["findings"], tool_version=__version__, root=str(loaded.root)), indent=2
        )
    elif format == "json":
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
    if output is not None:
        write_atomic(output, ((text or _plain(verdict)) + "\n").encode("utf-8"))
        err.print(f"written to {escape(str(output))}")
    elif text:
        typer.echo(text)
    else:
        _print_text(verdict, Console(highlight=False))
    raise typer.Exit(EXIT_APPROVED if approved else EXIT_NOT_APPROVED)


def _print_text(verdict: dict, console: Console) -> None:
    findings = verdict["findings"]
    if findings:
        table = Table(show_lines=False)
        for column in ("Severity", "Where", "CWE", "Rule", "Source", "Title"):
            table.add_column(column)
        for f in findings:
            where = f"{f['file']}:{f['line']}" if f["line"] else f["file"]
            title = f["title"] + (f" (waived: {f['waiver']})" if f["waiver"] else "")
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


def _plain(verdict: dict) -> str:
    lines = [f"{verdict['status']}: {verdict['summary']}"]
    for f in verdict["findings"]:
        lines.append(
            f"{f['severity']:8} {f['file']}:{f['line']} {f['cwe'] or '-'} "
            f"{f['rule_id'] or '-'} {f['title']}"
        )
    lines += [f"advice: {a}" for a in verdict["advice"]]
    return "\n".join(lines)
