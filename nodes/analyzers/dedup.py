"""Merge findings that several tools (or rules) report for the same weakness on the same line.

Two findings are the same when they share file, line and weakness. Tools label the same weakness
with different CWEs, so the weakness is compared through `weakness_key`:

- CWE families that name one weakness at different granularity count as one
  (e.g. Bandit's CWE-259 "hard-coded password" and our CWE-798 "hard-coded credentials");
- rules whose CWE is too generic are read as what they detect: each analyzer's
  `cwe_overrides` in the registry (e.g. Bandit's B201 `debug=True` says CWE-94 but is active
  debug code, CWE-489; see nodes/analyzers/builtin.py).

Each finding keeps its own CWE; only the comparison uses the family. The merged finding is the
one of the analyzer with the lowest `merge_rank` (Semgrep's when there is one: its rule id and
CWE are the more specific), with the highest severity of the group and every reporting source
in `sources`.
"""

from __future__ import annotations

from devsecbots.graphs.state import SEVERITY_ORDER, Finding, normalise_cwe
from devsecbots.nodes.analyzers.registry import find_analyzer

CWE_FAMILIES: tuple[frozenset[str], ...] = tuple(
    frozenset(f"CWE-{n}" for n in family)
    for family in (
        (22, 23, 36, 73),  # path traversal / external control of a path
        (77, 78, 88),  # command / argument injection
        (79, 80),  # cross-site scripting
        (94, 95),  # code / eval injection
        (259, 321, 798),  # hard-coded password / key / credentials
        (327, 328),  # broken crypto / weak hash
        (330, 338),  # weak randomness / weak PRNG
        (489, 215),  # active debug code / debug information
        (605, 1327),  # binding to all interfaces
        (611, 776),  # XML external / recursive entities
    )
)
UNRANKED = 1_000  # merge rank of sources that are not registered analyzers (llm, checks, ...)


def weakness_key(finding: Finding) -> str:
    """The name of the weakness a finding is about, equal for equivalent CWEs."""
    cwe = normalise_cwe(finding.get("cwe"))
    analyzer = find_analyzer(finding.get("source", ""))
    if analyzer is not None:
        cwe = analyzer.cwe_overrides.get(finding.get("rule_id", ""), cwe)
    if not cwe:
        return f"rule:{finding.get('source')}:{finding.get('rule_id')}:{finding.get('title')}"
    for family in CWE_FAMILIES:
        if cwe in family:
            return min(family, key=lambda c: int(c.split("-")[1]))
    return cwe


def dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per (file, line, weakness), listing every source that reported it."""
    groups: dict[tuple[str, int, str], list[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding["file"], finding["line"], weakness_key(finding)), []).append(
            finding
        )
    return [_merge(group) for group in groups.values()]


def _merge(group: list[Finding]) -> Finding:
    """Merge findings about one weakness on one line."""
    if len(group) == 1:
        return group[0]
    primary = min(group, key=_preference)
    merged = Finding(**primary)
    merged["severity"] = max((f["severity"] for f in group), key=SEVERITY_ORDER.__getitem__)
    sources: list[str] = []
    for finding in sorted(group, key=_preference):
        for source in finding.get("sources") or [finding["source"]]:
            if source not in sources:
                sources.append(source)
    merged["sources"] = sources
    return merged


def _preference(finding: Finding) -> tuple[int, int]:
    """Analyzers by merge rank (Semgrep, then Bandit), then others; most severe first."""
    analyzer = find_analyzer(finding.get("source", ""))
    rank = analyzer.merge_rank if analyzer is not None else UNRANKED
    return rank, -SEVERITY_ORDER.get(finding["severity"], 0)
