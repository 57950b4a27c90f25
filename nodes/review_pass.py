"""One SecBot pass over files: the analysers every round, then (with a model) the LLM reviewer.

The graph node (nodes/review.py) and the CLI's review run it. An offline review loads no model
client: the LLM side is imported only when a model is asked.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from devsecbots.graphs.context import Context
from devsecbots.graphs.state import Finding, ReviewVerdict, Usage, Verdict, make_finding
from devsecbots.nodes.analyzers import analyze, apply_waivers
from devsecbots.nodes.analyzers.dedup import dedupe
from devsecbots.nodes.analyzers.dependency_audit import dependency_review
from devsecbots.nodes.baseline import apply_baseline
from devsecbots.nodes.policy import apply_run_policy, gate, stamped


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
        answer, usage = _ask_reviewer(files, ctx, findings, request, round_no)
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


def _ask_reviewer(
    files: dict[str, str], ctx: Context, findings: list[Finding], request: str, round_no: int
) -> tuple[ReviewVerdict, list[Usage]]:
    """The LLM reviewer's verdict on the files, given the analysers' findings."""
    from devsecbots.nodes.fencing import defang, fence_files, findings_as_text
    from devsecbots.nodes.llm import ask_structured

    from devsecbots import prompts

    task = prompts.render(
        "secbot_review",
        round=str(round_no),
        request=defang(request or "(not stated)"),
        files=fence_files(files),
        findings=findings_as_text(findings),
    )
    return ask_structured(
        ctx,
        "sec",
        ReviewVerdict,
        prompts.load("secbot_system"),
        task,
        round_no=round_no,
        node="review",
    )


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
