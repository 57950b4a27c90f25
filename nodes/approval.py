"""The approval check: gate the verdict, enforce the fix checks, decide whether to go round again."""

from __future__ import annotations

import difflib
import time
from collections import Counter
from typing import Literal

from devsecbots.graphs.context import Context, context_of
from devsecbots.graphs.state import DevSecState, Finding, RoundRecord, make_finding
from devsecbots.nodes import autofix
from devsecbots.nodes.checks import fix_check_failures, newly_fixed, progress_measure
from devsecbots.nodes.policy import finding_key, gate, is_blocking
from devsecbots.nodes.probe.report import headline
from devsecbots.nodes.sandbox.check import TestsCheck, check_project_tests
from langgraph.graph import END
from langgraph.runtime import Runtime
from langgraph.types import Overwrite, interrupt


def approval_check(state: DevSecState, runtime: Runtime[Context]) -> dict:
    """Graph node: approve, roll back a round that broke something, or send DevBot back."""
    ctx = context_of(runtime)
    round_no = state.get("round", 1)
    findings = list(state.get("findings") or [])
    verdict = state.get("verdict") or {}
    snapshot = state.get("snapshot")
    fixed = list(state.get("fixed") or [])
    threshold = ctx.blocking_severity

    broken = []
    if snapshot and round_no > 1:
        broken = fix_check_failures(snapshot["findings"], findings, fixed, threshold)
    tests = (
        TestsCheck()
        if broken
        else check_project_tests(
            state,
            enabled=ctx.run_tests,
            round_no=round_no,
            snapshot_files=snapshot["files"] if snapshot else None,
        )
    )
    if tests.failure:
        broken.append(tests.failure)
    update: dict = {} if tests.baseline is None else {"test_baseline": tests.baseline}
    if broken:
        note = "rolled back: " + "; ".join(broken)
        feedback = make_finding(
            severity="high",
            file="",
            source="check",
            rule_id="rolled-back",
            title=f"Your previous change was rolled back because {'; '.join(broken)}",
            recommendation="Fix the open findings without introducing new problems.",
        )
        findings = [*snapshot["findings"], feedback]
        update.update(
            files=snapshot["files"],
            findings=Overwrite(findings),
            verdict=snapshot["verdict"],
            changed=[],
            declined=sorted(set(state.get("declined") or []) | set(state.get("attempted") or [])),
        )
        approved = False
        record_verdict = "rolled_back"
    else:
        if snapshot:
            fixed = sorted(set(fixed) | set(newly_fixed(snapshot["findings"], findings, threshold)))
        update.update(
            snapshot={"files": state.get("files") or {}, "findings": findings, "verdict": verdict},
            fixed=fixed,
        )
        result = gate(findings, verdict.get("reviewer_status", ""), threshold)
        approved = result.approved
        note = "; ".join(result.reasons) if result.reasons else "approved"
        note += f"; {tests.note}" if tests.note else ""
        record_verdict = "approved" if approved else "changes_requested"

    record = _round_record(state, round_no, record_verdict, findings, threshold, note)
    declined = set(update.get("declined") or state.get("declined") or [])
    status, reason = _decide(state, ctx, round_no, approved, findings, record, broken, declined)
    if status == "stalled" and ctx.is_offline():
        update["unfixable"] = _left_unfixable(state, findings, threshold, declined)
    if status == "approved" and ctx.human_review:
        status, reason, asked = _ask_person(state, ctx, round_no, findings, record, reason)
        update.update(asked)
    update.update(history=[record], status=status, reason=reason)
    return update


def route_after_approval(state: DevSecState) -> Literal["develop", "__end__"]:
    """Router: back to DevBot while the run is still going, otherwise end."""
    return "develop" if state.get("status") == "running" else END


def _decide(
    state: DevSecState,
    ctx: Context,
    round_no: int,
    approved: bool,
    findings: list[Finding],
    record: RoundRecord,
    broken: list[str],
    declined: set[str],
) -> tuple[str, str]:
    threshold = ctx.blocking_severity
    if approved:
        probes = headline(state.get("probe_report"))  # type: ignore[arg-type]
        why = f"approved in round {round_no}: no finding at or above {threshold}"
        return "approved", f"{why}; {probes}" if probes else why
    if round_no >= ctx.max_rounds:
        return "max_rounds", f"not approved after {round_no} round(s) (max rounds {ctx.max_rounds})"
    if ctx.max_tokens_budget and _tokens_used(state) >= ctx.max_tokens_budget:
        return "budget_exhausted", f"token budget of {ctx.max_tokens_budget:,} used up"
    if ctx.max_wall_time and ctx.started_at:
        elapsed = time.time() - ctx.started_at
        if elapsed >= ctx.max_wall_time:
            limit = f"{ctx.max_wall_time:g}s"
            return "time_limit", f"wall time limit of {limit} reached after {elapsed:.3g}s"
    if round_no > 1 and not broken and not state.get("changed"):
        return "stalled", f"round {round_no} changed no file"
    history = [*(state.get("history") or []), record]
    measures = [r["blocking"] for r in history if r["verdict"] != "rolled_back"]
    n = ctx.stall_rounds
    if len(measures) > n and min(measures[-n:]) >= measures[-n - 1]:
        return "stalled", f"no fewer blocking findings in the last {n} round(s)"
    if ctx.is_offline():
        fixable = [
            f
            for f in findings
            if is_blocking(f, threshold) and autofix.can_fix(f) and finding_key(f) not in declined
        ]
        if not fixable:
            left = sum(1 for f in findings if is_blocking(f, threshold))
            return "stalled", f"no automatic fix for the {left} remaining blocking finding(s)"
    return "running", "changes requested"


def _left_unfixable(
    state: DevSecState, findings: list[Finding], threshold: str, declined: set[str]
) -> list[Finding]:
    """Blocking findings the offline DevBot has no fix for, or whose fix it declined."""
    refused = declined | {finding_key(f) for f in state.get("unfixable") or []}
    return [
        f
        for f in findings
        if is_blocking(f, threshold) and (not autofix.can_fix(f) or finding_key(f) in refused)
    ]


def _round_record(
    state: DevSecState,
    round_no: int,
    verdict: str,
    findings: list[Finding],
    threshold: str,
    note: str,
) -> RoundRecord:
    tokens = [u for u in state.get("usage") or [] if u["round"] == round_no]
    reviewer = (state.get("verdict") or {}).get("reviewer_status", "")
    return RoundRecord(
        round=round_no,
        verdict=verdict,
        findings=len(findings),
        blocking=progress_measure(findings, reviewer, threshold),
        by_severity=dict(Counter(f["severity"] for f in findings)),
        files_changed=list(state.get("changed") or []),
        input_tokens=sum(u["input_tokens"] for u in tokens),
        output_tokens=sum(u["output_tokens"] for u in tokens),
        note=note,
    )


def _tokens_used(state: DevSecState) -> int:
    return sum(u["input_tokens"] + u["output_tokens"] for u in state.get("usage") or [])


HUMAN_DECISIONS = ("approve", "reject", "stop")
_MAX_DIFF_CHARS = 100_000


def parse_decision(answer: object) -> tuple[str, str, str]:
    """(decision, comment, problem) from a resume value: {"decision", "comment"} or a bare word."""
    raw = answer if isinstance(answer, dict) else {"decision": answer}
    decision = str(raw.get("decision") or "").strip().lower()
    aliases = {"approved": "approve", "rejected": "reject", "stopped": "stop"}
    decision = aliases.get(decision, decision)
    comment = str(raw.get("comment") or "").strip()
    if decision not in HUMAN_DECISIONS:
        return "", comment, f"decision must be one of {', '.join(HUMAN_DECISIONS)} (got {answer!r})"
    if decision == "reject" and not comment:
        return "", comment, "a rejection needs a comment telling DevBot what to change"
    return decision, comment, ""


def _ask_person(
    state: DevSecState,
    ctx: Context,
    round_no: int,
    findings: list[Finding],
    record: RoundRecord,
    reason: str,
) -> tuple[str, str, dict]:
    """Human review: pause (LangGraph interrupt) before approving; the person decides.

    Resume with ``Command(resume={"decision": "approve"|"reject"|"stop", "comment": "..."})``.
    """
    before, after = state.get("input_files") or {}, state.get("files") or {}
    diff = "".join(
        line
        for path in sorted(set(before) | set(after))
        for line in difflib.unified_diff(
            before.get(path, "").splitlines(keepends=True),
            after.get(path, "").splitlines(keepends=True),
            f"a/{path}",
            f"b/{path}",
        )
    )
    if len(diff) > _MAX_DIFF_CHARS:
        diff = diff[:_MAX_DIFF_CHARS] + "\n… (diff truncated)\n"
    payload = {
        "kind": "human_review",
        "round": round_no,
        "reason": reason,
        "question": "Approve this version, reject it with a comment for DevBot, or stop the run?",
        "options": list(HUMAN_DECISIONS),
        "files": sorted(after),
        "findings": findings,
        "diff": diff,
    }
    decision, comment, problem = parse_decision(interrupt(payload))
    while problem:  # a malformed answer asks again instead of failing the run
        decision, comment, problem = parse_decision(interrupt({**payload, "error": problem}))
    asked: dict = {"decisions": [{"round": round_no, "decision": decision, "comment": comment}]}
    said = f": {comment}" if comment else ""
    if decision == "approve":
        record["note"] += f"; approved by a person{said}"
        return "approved", f"{reason}; approved by a person", asked
    if decision == "stop":
        record["verdict"], record["note"] = "stopped", f"stopped by a person{said}"
        return "stopped", f"stopped by a person in round {round_no}{said}", asked
    record["verdict"], record["note"] = "changes_requested", f"rejected by a person{said}"
    asked["findings"] = [
        make_finding(
            severity="high",
            file="",
            source="human",
            rule_id="human-review",
            title=f"A reviewer rejected this version: {comment[:200]}",
            recommendation=comment,
        )
    ]
    if ctx.is_offline():
        return (
            "rejected",
            (
                f"rejected by a person in round {round_no}{said} (the offline DevBot "
                "cannot act on comments; run with a model)"
            ),
            asked,
        )
    if round_no >= ctx.max_rounds:
        return "rejected", f"rejected by a person in round {round_no}, the last round{said}", asked
    return "running", f"changes requested by a person{said}", asked


__all__ = ["approval_check", "finding_key", "route_after_approval"]
