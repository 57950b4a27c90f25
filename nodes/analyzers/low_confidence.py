"""A finding the code proves harmless keeps its place in the report, at low confidence, with why."""

from __future__ import annotations

from devsecbots.graphs.state import Finding


def lowered(finding: Finding, why: str) -> Finding:
    """A copy of `finding` at low confidence, its recommendation ending "Low confidence: <why>."."""
    advice = finding["recommendation"]
    joint = ". " if advice and not advice.endswith((".", "!", "?")) else " "
    note = f"{advice}{joint}Low confidence: {why}."
    return Finding(**{**finding, "confidence": "low", "recommendation": note})
