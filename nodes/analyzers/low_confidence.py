"""A finding the code proves harmless keeps its place in the report, at low confidence, with why."""

from __future__ import annotations

import ast
from collections.abc import Callable, Collection

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.project_trees import parse_files


def lowered(finding: Finding, why: str) -> Finding:
    """A copy of `finding` at low confidence, its recommendation ending "Low confidence: <why>."."""
    advice = finding["recommendation"]
    joint = ". " if advice and not advice.endswith((".", "!", "?")) else " "
    note = f"{advice}{joint}Low confidence: {why}."
    return Finding(**{**finding, "confidence": "low", "recommendation": note})


def lowered_at(
    findings: list[Finding],
    files: dict[str, str],
    rules: Collection[str],
    why: str,
    holds_at: Callable[[ast.Module, int], bool],
) -> list[Finding]:
    """The findings in order, those of `rules` not yet low whose file's tree and line pass
    `holds_at` lowered with `why`."""
    return lowered_by(
        findings, files, rules, lambda tree, line: why if holds_at(tree, line) else ""
    )


def lowered_by(
    findings: list[Finding],
    files: dict[str, str],
    rules: Collection[str],
    why_at: Callable[[ast.Module, int], str],
) -> list[Finding]:
    """The findings in order, those of `rules` not yet low for whose file's tree and line
    `why_at` gives a reason lowered with it."""
    if not any(f["rule_id"] in rules and f["confidence"] != "low" for f in findings):
        return findings
    trees = parse_files(files)

    def why(finding: Finding) -> str:
        tree = trees.get(finding["file"])
        return why_at(tree, finding["line"]) if tree is not None else ""

    out = []
    for finding in findings:
        if finding["rule_id"] in rules and finding["confidence"] != "low":
            reason = why(finding)
            if reason:
                finding = lowered(finding, reason)
        out.append(finding)
    return out
