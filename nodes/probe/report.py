"""The probe stage's record in the state: what ran, what held, and why when nothing ran."""

from __future__ import annotations

import re
from typing import Any, Literal

from devsecbots.nodes.probe.catalogue import CATALOGUE
from devsecbots.nodes.sandbox.ids import strip_controls
from typing_extensions import TypedDict

ProbeStatus = Literal["passed", "failed", "not_applicable", "error"]
STATUSES = ("passed", "failed", "not_applicable", "error")
_LINE_BREAKS = re.compile(r"[\t\n\r\v\f]")
MAX_EVIDENCE = 600


class ProbeResult(TypedDict):
    """One attack and its outcome."""

    id: str
    title: str
    status: ProbeStatus
    evidence: str
    seconds: float


class ProbeReport(TypedDict):
    """The probe stage of one round: `probed` with results, or `not_probed` with the reason."""

    status: Literal["probed", "not_probed", "off"]
    reason: str
    environment: str
    isolation: list[str]
    results: list[ProbeResult]
    seconds: float


def not_probed(reason: str, *, environment: str = "", status: str = "not_probed") -> ProbeReport:
    """The record for a round whose app was not attacked, and why."""
    return ProbeReport(
        status=status,  # type: ignore[typeddict-item]
        reason=clean(reason),
        environment=environment,
        isolation=[],
        results=[],
        seconds=0.0,
    )


def read_results(raw: Any) -> list[ProbeResult]:
    """The script's results, kept only where they name a known probe and a known status.

    The script runs beside the app's own code, so what it wrote is treated as untrusted data.
    """
    results = []
    seen = set()
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        probe_id, status = item.get("id"), item.get("status")
        if probe_id not in CATALOGUE or status not in STATUSES or probe_id in seen:
            continue
        seen.add(probe_id)
        seconds = item.get("seconds")
        results.append(
            ProbeResult(
                id=probe_id,
                title=CATALOGUE[probe_id].check or CATALOGUE[probe_id].title,
                status=status,
                evidence=clean(str(item.get("evidence") or ""))[:MAX_EVIDENCE],
                seconds=float(seconds) if isinstance(seconds, int | float) else 0.0,
            )
        )
    return results


def clean(text: str) -> str:
    """Text from the sandbox on one line, without control or bidi characters (as test ids)."""
    return strip_controls(_LINE_BREAKS.sub(" ", text)).strip()


def headline(report: ProbeReport | None) -> str:
    """One line for the verdict: '13 probes held', '2 of 13 probes failed' or 'not probed: …'."""
    if not report:
        return ""
    if report["status"] != "probed":
        why = f"not probed: {report['reason']}" if report["reason"] else "not probed"
        return f"static checks only ({why})"
    ran = [r for r in report["results"] if r["status"] in ("passed", "failed")]
    failed = [r for r in ran if r["status"] == "failed"]
    if failed:
        return f"{len(failed)} of {len(ran)} probes failed"
    return f"{len(ran)} probes held"
