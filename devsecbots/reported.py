"""Findings as reports show them (JSON, SARIF, baselines): each with `blocking` under the run's
threshold and its stable `fingerprint`; nothing is left out, whatever blocks or not."""

from __future__ import annotations

from typing import Any

from devsecbots.graphs.state import Finding
from devsecbots.nodes.fingerprint import fingerprints
from devsecbots.nodes.policy import is_blocking

# Every finding in a report has these, besides the Finding's own fields (docs/report.schema.json).
REPORTED_DEFAULTS: dict[str, Any] = {"confidence": "medium", "role": "", "exempt": "", "waiver": ""}


# A finding as reports show it: `blocking` and `fingerprint` always set.
ReportedFinding = Finding


def reported(findings: list[Finding], threshold: str) -> list[ReportedFinding]:
    """Copies of `findings` with `blocking` and `fingerprint` (and the policy fields filled)."""
    result = []
    for finding, print_ in zip(findings, fingerprints(findings), strict=True):
        full = Finding(**{**REPORTED_DEFAULTS, **finding})  # type: ignore[typeddict-item]
        blocking = is_blocking(full, threshold)
        result.append(Finding(**{**full, "blocking": blocking, "fingerprint": print_}))
    return result


def waivers(findings: list[ReportedFinding]) -> list[dict[str, Any]]:
    """The report's waivers section: every waived finding, where, which rule and why."""
    return [
        {
            "file": f["file"],
            "line": f["line"],
            "rule_id": f["rule_id"],
            "waiver": f["waiver"],
            "fingerprint": f.get("fingerprint", ""),
        }
        for f in findings
        if f.get("waiver")
    ]
