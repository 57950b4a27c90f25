"""The approval check: gate the verdict, enforce the fix checks, decide whether to go on."""

from __future__ import annotations

import time
from collections import Counter
from typing import Literal

from devsecbots.graphs.context import Context, context_of
from devsecbots.graphs.state import DevSecState, Finding, RoundRecord, Snapshot, make_finding
from devsecbots.nodes.checks import fix_check_failures, newly_fixed, progress_measure
from devsecbots.nodes.policy import finding_key, gate, is_blocking, stamped
from devsecbots.nodes.probe.report import headline
from devsecbots.nodes.sandbox.check import TestsCheck, check_project_tests
from langgraph.runtime import Runtime
from langgraph.types import Overwrite


def approval_check(state: DevSecState, runtime: Runtime[Context]) -> dict:
    """Graph node: approve, roll back a round that broke something, or send DevBot back."""
    ctx = context_of(runtime)
    round_no = state.get("round", 1)
    findings = list(state.get("findings") or [])
    verdict = state.get("verdict")
    snapshot = state.get("snapshot")
    fixed = list(state.get("fixed_keys") or [])
    threshold = ctx.blocking_severity
    if state.get("status") == "time_limit":  # a model call of this round ran out of time
        return _out_of_time(state, round_no, findings, threshold)

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
            python=ctx.tests_python,
        )
    )
    if tests.failure:
        broken.append(tests.failure)
    update: dict = {} if tests.baseline is None else {"test_baseline": tests.baseline}
    if broken:
        assert snapshot is not None  # a change can break only what an earlier round accepted
        note = "rolled back: " + "; ".join(broken)
        feedback = make_finding(
            severity="high",
            file="",
            source="check",
            rule_id="rolled-back",
            title=f"Your previous change was rolled back because {'; '.join(broken)}",
            recommendation="Fix the open findings without introducing new problems.",
        )
        findings = [
            *snapshot["findings"],
            *stamped([feedback], threshold, earlier=snapshot["findings"]),
        ]
        update.update(
            files=snapshot["files"],
            findings=Overwrite(findings),
            verdict=snapshot["verdict"],
            changed=[],
            declined_keys=sorted(
                set(state.get("declined_keys") or []) | set(state.get("attempted_keys") or [])
            ),
        )
        approved = False
        record_verdict = "rolled_back"
    else:
        if snapshot:
            fixed = sorted(set(fixed) | set(newly_fixed(snapshot["findings"], findings, threshold)))
        update.update(
            snapshot=Snapshot(files=state.get("files") or {}, findings=findings, verdict=verdict),
            fixed_keys=fixed,
        )
        reviewer = verdict.get("reviewer_status", "") if verdict else ""
        result = gate(findings, reviewer, threshold)
        approved = result.approved
        note = "; ".join(result.reasons) if result.reasons else "approved"
        note += f"; {tests.note}" if tests.note else ""
        if tests.note:
            update["tests_status"] = tests.note
        record_verdict = "approved" if approved else "changes_requested"

    record = _round_record(state, round_no, record_verdict, findings, threshold, note)
    declined = set(update.get("declined_keys") or state.get("declined_keys") or [])
    status, reason = _decide(state, ctx, round_no, approved, findings, record, broken, declined)
    if status == "stalled" and ctx.is_offline():
        update["unfixable_findings"] = _left_unfixable(state, findings, threshold, declined)
    update.update(history=[record], status=status, reason=reason)
    return update


def route_after_approval(
    state: DevSecState, runtime: Runtime[Context]
) -> Literal["develop", "human_review", "__end__"]:
    """Router: back to DevBot while the run goes on; a person sees an approval first when asked."""
    status = state.get("status")
    if status == "approved" and context_of(runtime).human_review:
        return "human_review"
    return "develop" if status == "running" else "__end__"


def _out_of_time(
    state: DevSecState, round_no: int, findings: list[Finding], threshold: str
) -> dict:
    """End a round whose model call the wall time cut short; keep the last accepted files."""
    snapshot = state.get("snapshot")
    update: dict = {}
    if snapshot and state.get("changed"):  # DevBot's unchecked changes are not kept
        findings = list(snapshot["findings"])
        update.update(
            files=snapshot["files"],
            findings=Overwrite(findings),
            verdict=snapshot["verdict"],
            changed=[],
        )
    record = _round_record(state, round_no, "time_limit", findings, threshold, state["reason"])
    record["files_changed"] = []
    return {**update, "history": [record]}


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
        from devsecbots.nodes import autofix  # libcst: loaded when an offline round needs it

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
    from devsecbots.nodes import autofix  # libcst: loaded when an offline round needs it

    refused = declined | {finding_key(f) for f in state.get("unfixable_findings") or []}
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
    latest = state.get("verdict")
    reviewer = latest.get("reviewer_status", "") if latest else ""
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


__all__ = ["approval_check", "finding_key", "route_after_approval"]
