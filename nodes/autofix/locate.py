"""Find the code a finding is about, even when its line number is a few lines stale."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Protocol, TypeVar

from devsecbots.graphs.state import Finding

LINE_TOLERANCE = 3


class HasSpans(Protocol):
    spans: list[tuple[int, int]]


S = TypeVar("S", bound=HasSpans)


def distance(spans: list[tuple[int, int]], line: int) -> int:
    """Lines between `line` and the nearest span (0 when inside one)."""
    best = 10**9
    for start, end in spans:
        if start <= line <= end:
            return 0
        best = min(best, abs(line - start), abs(line - end))
    return best


def _shows_snippet(spans: list[tuple[int, int]], lines: Sequence[str], snippet: str) -> bool:
    return any(
        lines[i - 1].strip() == snippet
        for start, end in spans
        for i in range(start, end + 1)
        if 0 < i <= len(lines)
    )


def locate(sites: Sequence[S], finding: Finding, lines: Sequence[str]) -> list[S]:
    """The sites a finding may point at, best first.

    The finding's snippet (its source line's text) is trusted over its line number; the line
    orders the sites the snippet matches. With no snippet, sites within a few lines count; a
    finding about the whole file (line 0) covers every site. The LLM's line numbers are rough,
    so for it a file's only site is accepted wherever it is.
    """
    if not sites:
        return []
    snippet = (finding.get("snippet") or "").strip()
    line = int(finding.get("line") or 0)
    tolerance = LINE_TOLERANCE
    if snippet:
        shown = [s for s in sites if _shows_snippet(s.spans, lines, snippet)]
        if shown:
            return sorted(shown, key=lambda s: distance(s.spans, line))
        tolerance = 0  # the quoted line is gone: only a site on that very line may still be it
    if line <= 0:
        return list(sites)
    near = [s for s in sites if distance(s.spans, line) <= tolerance]
    if near:
        return sorted(near, key=lambda s: distance(s.spans, line))
    if finding.get("source") == "llm" and len(sites) == 1:
        return [sites[0]]
    return []


def follow_edits(findings: list[Finding], before: str, after: str) -> None:
    """Move findings' lines (and snippets that were exact) from `before` to `after`, in place."""
    old, new = before.splitlines(), after.splitlines()
    moved: dict[int, int] = {}
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(
        None, old, new, autojunk=False
    ).get_opcodes():
        for i in range(i1, i2):
            moved[i + 1] = (
                j1 + (i - i1) if tag == "equal" else min(j1 + (i - i1), max(j1, j2 - 1))
            ) + 1
    for finding in findings:
        line = finding["line"]
        if not 0 < line <= len(old) or line not in moved:
            continue
        exact = finding["snippet"].strip() == old[line - 1].strip()
        finding["line"] = moved[line]
        if exact and moved[line] <= len(new):
            finding["snippet"] = new[moved[line] - 1].strip()
