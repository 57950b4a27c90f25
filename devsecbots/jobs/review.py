"""Review code once: analysers, plus the LLM reviewer when a model is configured."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from devsecbots import __version__
from devsecbots.baseline import Baseline, baseline_from_ref, load_baseline
from devsecbots.consoles import notes_console
from devsecbots.errors import EXIT_APPROVED, EXIT_NOT_APPROVED, input_error
from devsecbots.graphs.context import Context
from devsecbots.graphs.state import Finding
from devsecbots.inputs import LoadedInput, left_out_lines, load_selected, require_python
from devsecbots.nodes.baseline import IN_BASELINE
from devsecbots.nodes.policy import is_blocking
from devsecbots.nodes.review_pass import review_files
from devsecbots.output import echo, sha256_text, write_atomic
from devsecbots.progress import analysis_progress, severity_summary
from devsecbots.report import REPORT_VERSION
from devsecbots.reported import reported, waivers
from devsecbots.settings import ReviewSettings
from devsecbots.text import escape

FORMATS = ("text", "json", "sarif")


def run_review(settings: ReviewSettings, console: Console, err: Console | None = None) -> int:
    """One review of `settings.paths`: the result on `console` (or --output), notes on `err`;
    the exit code (0 approved, 1 not)."""
    s, ctx = settings, settings.ctx
    err = err or notes_console()
    if s.format not in FORMATS:
        raise input_error(f"--format {s.format!r}: use text, json or sarif")
    if s.baseline is not None and s.baseline_ref:
        raise input_error("give one of --baseline FILE or --baseline-ref GIT_REF, not both")
    loaded = load_selected(s.paths, s.inputs)
    require_python(loaded, s.paths, "review")
    baseline = _baseline(s)  # every bad input is refused before the review starts
    if ctx.is_offline():
        err.print(f"[dim]no model configured: analysers only ({', '.join(ctx.analyzers)})[/]")
    try:
        with analysis_progress(err, len(loaded.files)) as progress:
            outcome = review_files(
                loaded.files,
                ctx,
                request="Review this code.",
                progress=progress,
                baseline=baseline.fingerprints if baseline else (),
            )
    except Exception as failure:  # noqa: BLE001
        from devsecbots.runner import classify_error  # the graph's runner: not loaded offline

        raise classify_error(failure, ctx, "", resumable=False) from failure
    skipped = [*loaded.skipped, *outcome.skipped]
    for line in left_out_lines(skipped, loaded.excluded, s.inputs.verbose):
        err.print(f"[dim]{escape(line)}[/]")
    verdict = outcome.verdict
    text = _document(s, verdict, loaded, skipped, baseline)
    if baseline is not None:
        matched = _in_baseline(verdict["findings"])
        err.print(f"[dim]baseline {escape(baseline.source)}: {matched} finding(s) already there[/]")
    if s.output is not None:
        write_atomic(
            s.output, ((text or plain_text(verdict, ctx.blocking_severity)) + "\n").encode("utf-8")
        )
        err.print(f"written to {escape(str(s.output))}")
    elif text:
        echo(console, text)
    else:
        print_text(verdict, console, ctx.blocking_severity)
    return EXIT_APPROVED if verdict["status"] == "approved" else EXIT_NOT_APPROVED


def _document(
    s: ReviewSettings,
    verdict: Mapping[str, Any],
    loaded: LoadedInput,
    skipped: list[tuple[str, str]],
    baseline: Baseline | None,
) -> str:
    """The review as SARIF or JSON text; '' for the text format (printed as a table)."""
    ctx = s.ctx
    if s.format == "sarif":
        from devsecbots.sarif import to_sarif

        log = to_sarif(
            verdict["findings"],
            tool_version=__version__,
            root=str(Path.cwd()),
            source=loaded.root,
            threshold=ctx.blocking_severity,
        )
        return json.dumps(log, indent=2)
    if s.format == "json":
        document = review_json(verdict, ctx, loaded.files, skipped)
        if baseline is not None:
            document["baseline"] = {
                "source": baseline.source,
                "fingerprints": len(baseline.fingerprints),
                "matched": _in_baseline(verdict["findings"]),
            }
        return json.dumps(document, indent=2)
    return ""


def _in_baseline(findings: list) -> int:
    """How many findings the baseline exempts."""
    return sum(1 for f in findings if IN_BASELINE in (f.get("exempt") or ""))


def _baseline(s: ReviewSettings) -> Baseline | None:
    """The baseline --baseline or --baseline-ref names, read before anything is reviewed."""
    if s.baseline is not None:
        return load_baseline(s.baseline)
    if s.baseline_ref:
        return baseline_from_ref(s.baseline_ref, s.paths, s.ctx, s.inputs)
    return None


def review_json(
    verdict: Mapping[str, Any], ctx: Context, files: dict[str, str], skipped: list[tuple[str, str]]
) -> dict[str, Any]:
    """The review's JSON document (docs/report.schema.json): every finding, blocking or not."""
    findings = reported(verdict["findings"], ctx.blocking_severity)
    return {
        "version": REPORT_VERSION,
        "status": verdict["status"],
        "reviewer_status": verdict["reviewer_status"],
        "summary": verdict["summary"],
        "blocking_severity": ctx.blocking_severity,
        "min_confidence": ctx.min_confidence,
        "findings": findings,
        "waivers": waivers(findings),
        "advice": verdict["advice"],
        "disputed": verdict["disputed"],
        "skipped": [{"path": p, "reason": r} for p, r in skipped],
        "files": [{"path": rel, "sha256": sha256_text(files[rel])} for rel in sorted(files)],
    }


def print_text(verdict: Mapping[str, Any], console: Console, threshold: str = "medium") -> None:
    """The findings as a table (paths and rule ids whole, only titles wrap; a list of lines
    when the terminal is too narrow for that) and the verdict line."""
    findings = verdict["findings"]
    rows = [_row(f, threshold) for f in findings]
    if rows and _table_fits(rows, console.width):
        table = Table(show_lines=False)
        for i, column in enumerate(COLUMNS[:-1]):
            longest = max(len(row[i]) for row in rows)
            table.add_column(column, no_wrap=True, overflow="fold", min_width=longest)
        table.add_column(COLUMNS[-1], overflow="fold", min_width=MIN_TITLE)
        for row in rows:  # titles quote the code ("password: '[/red]'"): data, never markup
            table.add_row(*(escape(cell) for cell in row))
        console.print(table)
    else:
        for row in rows:  # soft_wrap: the terminal folds a long line; nothing is cut
            console.print(escape("  ".join(row[:-1])), soft_wrap=True)
            console.print(f"    {escape(row[-1])}", soft_wrap=True)
    style = "bold green" if verdict["status"] == "approved" else "bold red"
    blocking = sum(1 for f in findings if is_blocking(f, threshold))
    console.print(
        f"[{style}]{verdict['status']}[/] · {len(findings)} finding(s) "
        f"({severity_summary(findings)}), {blocking} blocking · {escape(verdict['summary'])}",
        soft_wrap=True,
    )
    for advice in verdict["advice"]:  # non-blocking, e.g. the pip-audit reminder
        console.print(f"[dim]advice:[/] {escape(advice)}", soft_wrap=True)


COLUMNS = ("Severity", "Blocks", "Where", "CWE", "Rule", "Source", "Title")
MIN_TITLE = 20


def _table_fits(rows: list[tuple[str, ...]], width: int) -> bool:
    """Whether every column but the title fits whole beside a title of MIN_TITLE columns."""
    widths = [max(len(COLUMNS[i]), *(len(row[i]) for row in rows)) for i in range(6)]
    return sum(widths) + MIN_TITLE + 3 * len(COLUMNS) + 1 <= width


def _row(f: Finding, threshold: str) -> tuple[str, ...]:
    """One finding's cells: severity, whether it blocks (or why not), where, CWE, rule,
    sources, title."""
    where = f"{f['file']}:{f['line']}" if f["line"] else f["file"]
    blocks = "yes" if is_blocking(f, threshold) else "no"
    why_not = f.get("exempt") or ("waived" if f.get("waiver") else "")
    title = f["title"] + (f" (waived: {f['waiver']})" if f["waiver"] else "")
    return (
        f["severity"],
        f"{blocks} ({why_not})" if why_not else blocks,
        where or "—",
        f["cwe"] or "—",
        f["rule_id"] or "—",
        "+".join(f["sources"]),
        title,
    )


def plain_text(verdict: Mapping[str, Any], threshold: str = "medium") -> str:
    """The verdict and one line per finding, for --output FILE in text format."""
    lines = [f"{verdict['status']}: {verdict['summary']}"]
    for f in verdict["findings"]:
        blocks = _row(f, threshold)[1]
        lines.append(
            f"{f['severity']:8} {f['file']}:{f['line']} {f['cwe'] or '-'} "
            f"{f['rule_id'] or '-'} [blocks: {blocks}] {f['title']}"
        )
    lines += [f"advice: {a}" for a in verdict["advice"]]
    return "\n".join(lines)
