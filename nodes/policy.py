"""The approval policy in one place: what blocks, and how a finding is recognised across rounds."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from devsecbots.graphs.context import Context
from devsecbots.graphs.state import CONFIDENCE_ORDER, SEVERITY_ORDER, Finding
from devsecbots.nodes.fingerprint import fingerprints
from devsecbots.nodes.roles import APP, line_role

LLM_SOURCE = "llm"
PROBE_SOURCE = "probe"


def at_or_above(severity: str, threshold: str) -> bool:
    """Whether `severity` reaches the blocking `threshold`."""
    return SEVERITY_ORDER.get(severity, 0) >= SEVERITY_ORDER[threshold]


def is_blocking(finding: Finding, threshold: str) -> bool:
    """Deterministic findings (analysers, checks, people, extra reviewers) block by severity.

    The LLM reviewer's own findings block through its status instead: it can ask for changes,
    but it can never wave an analyser's finding through. A waived finding never blocks.
    """
    if finding["waiver"] or finding.get("exempt") or finding["source"] == LLM_SOURCE:
        return False
    if finding["source"] == PROBE_SOURCE:  # the running app failed an attack: always blocks
        return True
    return at_or_above(finding["severity"], threshold)


def stamped(
    findings: list[Finding], threshold: str, earlier: list[Finding] | None = None
) -> list[Finding]:
    """Copies of `findings` with `blocking` under `threshold` and their `fingerprint` (repeats
    numbered after those in `earlier`, the findings already in the state)."""
    before = list(earlier or [])
    prints = fingerprints([*before, *findings])[len(before) :]
    return [
        Finding(**{**f, "blocking": is_blocking(f, threshold), "fingerprint": p})
        for f, p in zip(findings, prints, strict=True)
    ]


def finding_key(finding: Finding) -> str:
    """Identity of a finding that survives line shifts: file, tool and rule."""
    rule = finding["rule_id"] or finding["cwe"] or finding["title"]
    return f"{finding['file']}|{finding['source']}|{rule}"


def blocking_counts(findings: list[Finding], threshold: str) -> Counter[str]:
    """How many blocking findings each key has."""
    return Counter(finding_key(f) for f in findings if is_blocking(f, threshold))


@dataclass
class GateResult:
    """The approval decision for the current files and findings."""

    approved: bool
    blocking: list[Finding] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


def gate(findings: list[Finding], reviewer_status: str, threshold: str) -> GateResult:
    """Approve only if no finding blocks and the LLM reviewer (when one ran) approved."""
    blocking = [f for f in findings if is_blocking(f, threshold)]
    reasons = []
    if blocking:
        reasons.append(f"{len(blocking)} finding(s) at or above {threshold} remain")
    if reviewer_status == "changes_requested":
        reasons.append("the LLM reviewer requested changes")
    return GateResult(approved=not reasons, blocking=blocking, reasons=reasons)


def apply_run_policy(findings: list[Finding], files: dict[str, str], ctx: Context) -> list[Finding]:
    """Copies of `findings` with the role of each finding's code and, where the run's settings
    say a finding cannot block (code that is not the application's, confidence below the
    minimum), why: the exemption names the role and what gave it away."""
    result = []
    for finding in findings:
        role = line_role(finding["file"], files.get(finding["file"], ""), finding["line"], files)
        reasons = []
        if role.name != APP and not ctx.block_tests:
            reasons.append(role.describe())
        if (
            CONFIDENCE_ORDER.get(finding.get("confidence", "medium"), 0)
            < CONFIDENCE_ORDER[ctx.min_confidence]
        ):
            reasons.append(f"{finding.get('confidence', 'low')} confidence")
        exempt = ", ".join(reasons) if finding["source"] != PROBE_SOURCE else ""
        result.append(Finding(**{**finding, "role": role.name, "exempt": exempt}))
    return result
