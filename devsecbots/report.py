"""The run report: JSON for tools (the contract in DESIGN.md) and Markdown for people."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from devsecbots.graphs.context import Context
from devsecbots.graphs.state import DevSecState
from devsecbots.nodes.sandbox.layout import has_tests
from devsecbots.reported import reported, waivers
from devsecbots.text import md_cell, md_code, md_text

# 2: findings carry blocking/fingerprint, `waivers` listed, review's `files` as {path, sha256}
REPORT_VERSION = 2


def build_report(
    state: DevSecState,
    *,
    thread_id: str,
    ctx: Context,
    written: list[dict[str, str]],
    skipped: Sequence[tuple[str, str]] = (),
) -> dict[str, Any]:
    """The JSON report: status, reason, rounds, thread_id, files, findings, history, usage."""
    usage = state.get("usage") or []
    status = state.get("status", "running")
    verdict: Mapping[str, Any] = state.get("verdict") or {}
    findings = reported(list(state.get("findings") or []), ctx.blocking_severity)
    return {
        "version": REPORT_VERSION,
        "status": "approved" if status == "approved" else "not_approved",
        "run_status": status,
        "reason": state.get("reason", ""),
        "rounds": state.get("round", 0),
        "thread_id": thread_id,
        "request": state.get("request", ""),
        "offline": ctx.is_offline(),
        "models": {}
        if ctx.is_offline()
        else {
            "dev": ctx.resolved_dev_model(),
            "sec": ctx.resolved_sec_model(),
            "base_url": ctx.resolved_base_url() or "https://api.openai.com/v1",
        },
        "blocking_severity": ctx.blocking_severity,
        "min_confidence": ctx.min_confidence,
        "tests": tests_summary(state, ctx),
        "files": written,
        "findings": findings,
        "waivers": waivers(findings),
        "unfixable": reported(list(state.get("unfixable_findings") or []), ctx.blocking_severity),
        "advice": list(verdict.get("advice") or []),
        "disputed": list(verdict.get("disputed") or []),
        "skipped": [{"path": p, "reason": r} for p, r in skipped],
        "probes": state.get("probe_report") or {},
        "history": [
            {**record, "tokens": record["input_tokens"] + record["output_tokens"]}
            for record in state.get("history") or []
        ],
        "usage": {
            "input_tokens": sum(u["input_tokens"] for u in usage),
            "output_tokens": sum(u["output_tokens"] for u in usage),
            "calls": len(usage),
        },
    }


def tests_summary(state: DevSecState, ctx: Context) -> str:
    """What became of the input's own tests, in words: never silent, never 'passed' unless run."""
    if state.get("tests_status"):
        return state["tests_status"]
    if not ctx.run_tests:
        return "tests not run: turned off (--no-tests)"
    if not has_tests(state.get("files") or {}):
        return "tests: the input has none"
    return "tests not run: the run ended before they were checked"


def render_markdown(report: dict[str, Any]) -> str:
    """A short human-readable report of the same content."""
    lines = [
        "# Security review by devsecbots",
        "",
        f"**Status:** {report['status'].replace('_', ' ')} — {md_text(report['reason'])}  ",
        f"**Rounds:** {report['rounds']} · **Thread:** `{report['thread_id']}` · "
        f"**Tokens:** {report['usage']['input_tokens']:,} in / "
        f"{report['usage']['output_tokens']:,} out  ",
        f"**Tests:** {md_text(report['tests'].removeprefix('tests: ').removeprefix('tests '))}",
        "",
        "## Rounds",
        "",
        "| Round | Verdict | Findings | Blocking | Files changed | Tokens | Note |",
        "|---:|---|---:|---:|---|---:|---|",
    ]
    for r in report["history"]:
        changed = ", ".join(r["files_changed"][:5]) + (" …" if len(r["files_changed"]) > 5 else "")
        lines.append(
            f"| {r['round']} | {md_cell(r['verdict'])} | {r['findings']} | {r['blocking']} | "
            f"{md_cell(changed) or '—'} | {r['tokens']:,} | {md_cell(r['note'])} |"
        )
    findings = report["findings"]
    lines += ["", f"## Remaining findings ({len(findings)})", ""]
    if not findings:
        lines.append("None.")
    counts = Counter(f["severity"] for f in findings)
    if findings:
        lines.append(", ".join(f"{n} {sev}" for sev, n in sorted(counts.items())))
        lines.append("")
        lines += [
            "| Severity | Blocks | Where | CWE | Source | Title | Waiver |",
            "|---|---|---|---|---|---|---|",
        ]
        for f in findings:
            where = f"{f['file']}:{f['line']}" if f["line"] else f["file"] or "—"
            why_not = f.get("exempt") or ("waived" if f.get("waiver") else "below the threshold")
            blocks = "yes" if f.get("blocking") else f"no ({why_not})"
            lines.append(
                f"| {md_cell(f['severity'])} | {md_cell(blocks)} | {md_code(where)} | "
                f"{md_cell(f['cwe'] or '—')} | "
                f"{md_cell('+'.join(f['sources']))} | {md_cell(f['title'])} | "
                f"{md_cell(f['waiver'] or f.get('exempt') or '—')} |"
            )
    if report.get("waivers"):
        lines += ["", f"## Waivers ({len(report['waivers'])})", ""] + [
            f"- {md_code(w['file'] + ':' + str(w['line']))} {md_code(w['rule_id'] or '—')}: "
            f"{md_text(w['waiver'])}"
            for w in report["waivers"]
        ]
    lines += _probe_lines(report.get("probes") or {})
    if report["advice"]:
        lines += ["", "## Advice (non-blocking)", ""] + [
            f"- {md_text(a)}" for a in report["advice"]
        ]
    if report["files"]:
        lines += ["", "## Files", ""] + [
            f"- {md_code(f['path'])} sha256 `{f['sha256'][:16]}…`" for f in report["files"]
        ]
    if report.get("skipped"):
        lines += ["", "## Skipped", ""] + [
            f"- {md_code(s['path'])}: {md_text(s['reason'])}" for s in report["skipped"]
        ]
    return "\n".join(lines) + "\n"


def _probe_lines(probes: dict[str, Any]) -> list[str]:
    """The probe stage of the last round: each attack and its outcome, or why none ran."""
    if not probes:
        return []
    if probes.get("status") != "probed":
        why = md_text(probes.get("reason") or "no reason given")
        return ["", "## Probes", "", f"Not probed: {why}. Static checks only."]
    where = md_text(probes.get("environment") or "its environment")
    lines = [
        "",
        "## Probes",
        "",
        f"The running app was attacked in the sandbox (env: {where}).",
        "",
        "| Probe | Result | Evidence |",
        "|---|---|---|",
    ]
    for r in probes.get("results") or []:
        status = r["status"].replace("_", " ")
        lines.append(f"| {md_cell(r['title'])} | {status} | {md_cell(r['evidence'])} |")
    return lines
