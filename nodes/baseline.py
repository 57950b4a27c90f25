"""Baselines: findings the project already had (an earlier report, or the code at a git ref)
are still reported, but cannot block; only new ones do. Matched by fingerprint, so a finding
whose line merely moved is not new."""

from __future__ import annotations

from collections.abc import Collection

from devsecbots.graphs.state import Finding
from devsecbots.nodes.fingerprint import fingerprints

IN_BASELINE = "in the baseline"


def apply_baseline(findings: list[Finding], baseline: Collection[str]) -> list[Finding]:
    """Copies of `findings`; those whose fingerprint is in `baseline` are exempt from blocking
    with the reason 'in the baseline' (after any reason they already had)."""
    result = []
    for finding, print_ in zip(findings, fingerprints(findings), strict=True):
        finding = Finding(**finding)
        if print_ in baseline:
            earlier = finding.get("exempt") or ""
            finding["exempt"] = f"{earlier}, {IN_BASELINE}" if earlier else IN_BASELINE
        result.append(finding)
    return result
