"""A finding's stable identity for reports and baselines: it survives moved lines.

One definition, used by the JSON reports, SARIF's partialFingerprints and `--baseline`: a hash of
the rule, the file and the offending line's text with its whitespace normalised, plus how many
earlier findings in the same run share those three (so two identical lines stay two findings).
The line number is deliberately not part of it: inserting code above a finding keeps its
fingerprint.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable

from devsecbots.graphs.state import Finding, normalise_cwe


def rule_of(finding: Finding) -> str:
    """The finding's tool rule id; reviewers without rule ids get '<source>/<CWE>'."""
    if finding.get("rule_id"):
        return finding["rule_id"]
    return f"{finding.get('source') or 'finding'}/{normalise_cwe(finding.get('cwe')) or 'other'}"


def fingerprint(finding: Finding, occurrence: int = 0) -> str:
    """32 hex digits from rule, file, normalised snippet and the occurrence index."""
    snippet = " ".join((finding.get("snippet") or "").split())
    parts = [rule_of(finding), finding.get("file") or "", snippet]
    if occurrence:  # index 0 hashes as before the index existed: SARIF alerts keep their id
        parts.append(str(occurrence))
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]


def fingerprints(findings: Iterable[Finding]) -> list[str]:
    """The fingerprint of each finding, in order; repeats of one (rule, file, snippet) are
    numbered by line so the numbering does not depend on the order findings arrive in."""
    items = list(findings)
    order = sorted(range(len(items)), key=lambda i: (items[i].get("line") or 0, i))
    seen: Counter[tuple[str, str, str]] = Counter()
    result = [""] * len(items)
    for i in order:
        f = items[i]
        key = (rule_of(f), f.get("file") or "", " ".join((f.get("snippet") or "").split()))
        result[i] = fingerprint(f, seen[key])
        seen[key] += 1
    return result
