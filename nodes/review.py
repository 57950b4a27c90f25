"""SecBot: analyzers every round, then (with a model) an LLM review grounded in their findings."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from devsecbots.graphs.context import Context, context_of
from devsecbots.graphs.state import (
    DevSecState,
    Finding,
    ReviewVerdict,
    Usage,
    Verdict,
    make_finding,
)
from devsecbots.nodes.analyzers import analyze, apply_waivers
from devsecbots.nodes.analyzers.dedup import dedupe
from devsecbots.nodes.analyzers.dependency_audit import dependency_review
from devsecbots.nodes.baseline import apply_baseline
from devsecbots.nodes.errors import WallTimeExceeded
from devsecbots.nodes.fencing import defang, fence_files, findings_as_text
from devsecbots.nodes.llm import ask_structured, time_limit_update
from devsecbots.nodes.policy import apply_run_policy, gate, stamped
from langgraph.runtime import Runtime
from langgraph.types import Overwrite

from devsecbots import prompts


@dataclass
class ReviewOutcome:
    """One SecBot pass: the merged verdict, plus what it cost and what it skipped."""

    verdict: Verdict
    usage: list[Usage] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def review_files(
    files: dict[str, str],
    ctx: Context,
    *,
    request: str = "",
    round_no: int = 1,
    trusted: dict[str, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    baseline: Collection[str] = (),
) -> ReviewOutcome:
    """Run the analysers and, unless offline, the LLM reviewer; merge into one verdict.

    Inline waivers count only where their line also stands in `trusted` (the person's own
    code); None trusts every file, as when a person reviews their own code. Findings whose
    fingerprint is in `baseline` are reported but do not block.
    """
    report = analyze(files, ctx.analyzers, progress=progress)
    findings = apply_waivers(report.findings, files, trusted)
    usage: list[Usage] = []
    reviewer_status, summary, disputed = "", "", []
    advice, audit = dependency_review(files, ctx.audit_deps)
    findings = apply_run_policy([*findings, *audit], files, ctx)
    if not ctx.is_offline():
        task = prompts.render(
            "secbot_review",
            round=str(round_no),
            request=defang(request or "(not stated)"),
            files=fence_files(files),
            findings=findings_as_text(findings),
        )
        answer, usage = ask_structured(
            ctx,
            "sec",
            ReviewVerdict,
            prompts.load("secbot_system"),
            task,
            round_no=round_no,
            node="review",
        )
        reviewer_status, summary = answer.status, answer.summary
        advice += [a for a in answer.advice if a not in advice]
        disputed = [claim.model_dump() for claim in answer.false_positives]
        findings = dedupe([*findings, *apply_run_policy(_from_reviewer(answer, files), files, ctx)])
    if baseline:
        findings = apply_baseline(findings, baseline)
    findings = stamped(findings, ctx.blocking_severity)
    result = gate(findings, reviewer_status, ctx.blocking_severity)
    if not summary:
        summary = _analyzer_summary(findings, result.approved, ctx)
    verdict = Verdict(
        status="approved" if result.approved else "changes_requested",
        reviewer_status=reviewer_status,
        summary=summary,
        findings=findings,
        advice=advice,
        disputed=disputed,
    )
    return ReviewOutcome(verdict=verdict, usage=usage, skipped=report.skipped)


def review(state: DevSecState, runtime: Runtime[Context]) -> dict:
    """Graph node: review the current files and publish this round's verdict and findings."""
    ctx = context_of(runtime)
    if state.get("status") == "time_limit":  # DevBot's call ran out of time: nothing to review
        return {}
    try:
        outcome = review_files(
            state.get("files") or {},
            ctx,
            request=state.get("request", ""),
            round_no=state.get("round", 1),
            trusted=state.get("input_files") or {},
        )
    except WallTimeExceeded as out_of_time:
        return time_limit_update(out_of_time, "SecBot")
    return {
        "verdict": outcome.verdict,
        "findings": Overwrite(list(outcome.verdict["findings"])),
        "usage": outcome.usage,
    }


def _from_reviewer(answer: ReviewVerdict, files: dict[str, str]) -> list[Finding]:
    found = []
    for item in answer.findings:
        lines = files.get(item.file, "").splitlines()
        snippet = lines[item.line - 1] if 0 < item.line <= len(lines) else ""
        found.append(
            make_finding(
                severity=item.severity,
                cwe=item.cwe,
                file=item.file,
                line=item.line,
                title=item.title,
                recommendation=item.recommendation,
                source="llm",
                snippet=snippet,
            )
        )
    return found


def _analyzer_summary(findings: list[Finding], approved: bool, ctx: Context) -> str:
    tools = "+".join(ctx.analyzers)
    if approved:
        return f"No finding at or above {ctx.blocking_severity} from {tools}."
    return f"{len(findings)} finding(s) from {tools}; changes requested."
