"""Fix checks: what a DevBot round must not break, judged against the last accepted round."""

from __future__ import annotations

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.registry import analyzer_names
from devsecbots.nodes.policy import blocking_counts, finding_key, is_blocking

PARSER_SOURCE = "parser"  # the syntax check's findings (analyzers.engine.syntax_findings)


def _deterministic_sources() -> set[str]:
    """Sources whose findings are the same on the same code: the analyzers, the parser, the
    project-level checks and the dependency audit."""
    return {*analyzer_names(), PARSER_SOURCE, "project", "pip-audit"}


def _deterministic(findings: list[Finding]) -> list[Finding]:
    sources = _deterministic_sources()
    return [f for f in findings if f["source"] in sources]


def fix_check_failures(
    before: list[Finding], after: list[Finding], fixed: list[str], threshold: str
) -> list[str]:
    """Reasons the latest round must be rolled back; empty when it may stand.

    Only deterministic findings count (an LLM's findings vary from call to call): a file that
    stopped parsing, a blocking finding that is new, or one fixed earlier that came back.
    """
    reasons = []
    broken = {f["file"] for f in after if f["rule_id"] == "syntax-error"}
    broken -= {f["file"] for f in before if f["rule_id"] == "syntax-error"}
    if broken:
        reasons.append(f"{', '.join(sorted(broken))} no longer parse(s)")
    old = blocking_counts(_deterministic(before), threshold)
    new = blocking_counts(_deterministic(after), threshold)
    returned = sorted(k for k in new if k in fixed)
    if returned:
        reasons.append("fixed finding(s) came back: " + ", ".join(_short(k) for k in returned))
    grown = sorted(k for k, n in new.items() if n > old.get(k, 0) and k not in fixed)
    if grown and not broken:
        reasons.append("new blocking finding(s): " + ", ".join(_short(k) for k in grown))
    return reasons


def newly_fixed(before: list[Finding], after: list[Finding], threshold: str) -> list[str]:
    """Keys of blocking deterministic findings present before and gone now."""
    old = blocking_counts(_deterministic(before), threshold)
    new = blocking_counts(_deterministic(after), threshold)
    return sorted(k for k in old if k not in new)


def progress_measure(findings: list[Finding], reviewer_status: str, threshold: str) -> int:
    """How far from approval: blocking findings, plus the reviewer's own when it objects."""
    count = sum(1 for f in findings if is_blocking(f, threshold))
    if reviewer_status == "changes_requested":
        count += max(1, sum(1 for f in findings if f["source"] == "llm"))
    return count


def _short(key: str) -> str:
    file, _source, rule = key.split("|", 2)
    return f"{rule} in {file}"


__all__ = ["fix_check_failures", "finding_key", "newly_fixed", "progress_measure"]
