"""Human review: a person sees what the checks approved and decides (LangGraph `interrupt`).

The graph routes here from approval_check only when the checks approve and `Context.human_review`
is on. The pause lives in this node alone, so answering it (``Command(resume=...)``) re-runs
nothing but this node: the approval check's sandboxed tests are not run a second time, and a
flaky test cannot undo the person's answer.
"""

from __future__ import annotations

import difflib
from typing import Literal

from devsecbots.graphs.context import Context, context_of
from devsecbots.graphs.state import DevSecState, Finding, RoundRecord, make_finding
from devsecbots.nodes.policy import stamped
from langgraph.runtime import Runtime
from langgraph.types import interrupt

HUMAN_DECISIONS = ("approve", "reject", "stop")
_MAX_DIFF_CHARS = 100_000


def human_review(state: DevSecState, runtime: Runtime[Context]) -> dict:
    """Graph node: pause for a person's decision on an approved round, then act on it.

    Resume with ``Command(resume={"decision": "approve"|"reject"|"stop", "comment": "..."})``.
    """
    ctx = context_of(runtime)
    round_no = state.get("round", 1)
    findings = list(state.get("findings") or [])
    record = RoundRecord(**(state.get("history") or [])[-1])  # approval_check's, this round
    reason = state.get("reason", "")
    payload = {
        "kind": "human_review",
        "round": round_no,
        "reason": reason,
        "question": "Approve this version, reject it with a comment for DevBot, or stop the run?",
        "options": list(HUMAN_DECISIONS),
        "files": sorted(state.get("files") or {}),
        "findings": findings,
        "diff": _diff(state.get("input_files") or {}, state.get("files") or {}),
    }
    decision, comment, problem = parse_decision(interrupt(payload))
    while problem:  # a malformed answer asks again instead of failing the run
        decision, comment, problem = parse_decision(interrupt({**payload, "error": problem}))
    update: dict = {"decisions": [{"round": round_no, "decision": decision, "comment": comment}]}
    said = f": {comment}" if comment else ""
    if decision == "approve":
        record["note"] += f"; approved by a person{said}"
        status, reason = "approved", f"{reason}; approved by a person"
    elif decision == "stop":
        record["verdict"], record["note"] = "stopped", f"stopped by a person{said}"
        status, reason = "stopped", f"stopped by a person in round {round_no}{said}"
    else:
        record["verdict"], record["note"] = "changes_requested", f"rejected by a person{said}"
        update["findings"] = stamped([_rejection(comment)], ctx.blocking_severity, findings)
        status, reason = _after_rejection(ctx, round_no, said)
    return {**update, "history": [record], "status": status, "reason": reason}


def route_after_human_review(state: DevSecState) -> Literal["develop", "__end__"]:
    """Router: a rejection with rounds left goes back to DevBot; any other decision ends the run."""
    return "develop" if state.get("status") == "running" else "__end__"


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


def _after_rejection(ctx: Context, round_no: int, said: str) -> tuple[str, str]:
    if ctx.is_offline():
        return "rejected", (
            f"rejected by a person in round {round_no}{said} (the offline DevBot "
            "cannot act on comments; run with a model)"
        )
    if round_no >= ctx.max_rounds:
        return "rejected", f"rejected by a person in round {round_no}, the last round{said}"
    return "running", f"changes requested by a person{said}"


def _rejection(comment: str) -> Finding:
    """The person's comment as a blocking finding DevBot works on in the next round."""
    return make_finding(
        severity="high",
        file="",
        source="human",
        rule_id="human-review",
        title=f"A reviewer rejected this version: {comment[:200]}",
        recommendation=comment,
    )


def _diff(before: dict[str, str], after: dict[str, str]) -> str:
    """Unified diff of the files against the input, cut at _MAX_DIFF_CHARS."""
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
    return diff
