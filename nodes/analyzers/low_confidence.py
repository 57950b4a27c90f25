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
    trees = parse_files(files)

    def holds(finding: Finding) -> bool:
        tree = trees.get(finding["file"])
        return tree is not None and holds_at(tree, finding["line"])

    return [
        lowered(f, why) if f["rule_id"] in rules and f["confidence"] != "low" and holds(f) else f
        for f in findings
    ]
