"""Ruff's flake8-bandit suppressions read as waivers: `# noqa: S324` names Bandit's B324.

Ruff re-implements Bandit's checks as `S` rules numbered like Bandit's ids (S101 is B101 `assert`,
S324 is B324 insecure hash, S608 is B608 SQL built from strings), so a project that already
silenced one with Ruff has said that this line is accepted. Such a comment covers a finding on
its own line whose rule is the Bandit id it names; prefixes cover their whole group, as flake8
reads them (`# noqa: S3` covers B3xx, `# noqa: S` every Bandit id). A bare `# noqa`, or codes of
other linters, name no security check and waive nothing.

When Bandit and Semgrep report one weakness on one line, the merged finding carries Semgrep's
rule id; it is covered when Bandit itself, run on that file, reports the named id on that line
for the same weakness (so `# noqa: S324` covers our weak-hash rule on that md5 call, and
`# noqa: S105` on the same line does not).

Ruff's comment carries no reason; the waiver is recorded as `ruff noqa S324` (the code that
matched) so the report's waivers section says where the acceptance came from.
"""

from __future__ import annotations

import re

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.dedup import weakness_key
from devsecbots.nodes.analyzers.registry import find_analyzer

_NOQA = re.compile(r"#\s*noqa\s*:\s*(?P<codes>[A-Za-z]+[0-9]*(?:[\s,]+[A-Za-z]+[0-9]*)*)", re.I)
_BANDIT_ID = re.compile(r"^B(\d{3})$", re.IGNORECASE)
_RUFF_BANDIT = re.compile(r"^S(\d{0,3})$", re.IGNORECASE)


def noqa_codes(comment: str) -> list[str]:
    """The codes a `# noqa: ...` comment names (upper case), [] when it is not one."""
    match = _NOQA.search(comment)
    if match is None:
        return []
    return [c.upper() for c in re.split(r"[\s,]+", match.group("codes")) if c]


def noqa_waiver(codes: list[str], finding: Finding) -> str:
    """'ruff noqa <code>' when one of `codes` is the Ruff name (or a prefix of it) of the
    finding's Bandit rule; '' otherwise."""
    bandit = _BANDIT_ID.match(finding.get("rule_id") or "")
    if bandit is None:
        return ""
    number = bandit.group(1)
    for code in codes:
        ruff = _RUFF_BANDIT.match(code)
        if ruff is not None and number.startswith(ruff.group(1)):
            return f"ruff noqa {code}"
    return ""


def merged_noqa_waiver(
    codes: list[str], finding: Finding, source: str, cache: dict[str, list[Finding]]
) -> str:
    """For a finding Bandit reported too under another tool's rule id: the waiver of a noqa code
    naming the Bandit check that found the same weakness on the same line, or ''."""
    bandit = find_analyzer("bandit")
    if bandit is None or "bandit" not in (finding.get("sources") or []):
        return ""
    path = finding["file"]
    if path not in cache:  # Bandit once per file, only for files with such a comment
        runnable = not bandit.unavailable()
        cache[path] = bandit.run({path: source}, lambda _n: None) if runnable else []
    same = weakness_key(finding)
    for other in cache[path]:
        if other["line"] == finding["line"] and weakness_key(other) == same:
            waiver = noqa_waiver(codes, other)
            if waiver:
                return waiver
    return ""
