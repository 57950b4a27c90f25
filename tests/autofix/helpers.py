"""Shared helpers for the autofix tests: real Bandit findings, Semgrep-like findings, checks."""

from __future__ import annotations

from devsecbots.graphs.state import Finding, make_finding
from devsecbots.nodes.analyzers.bandit_runner import run_bandit
from devsecbots.nodes.autofix import FixOutcome, apply_fixes


def bandit(source: str, *rules: str, path: str = "app.py") -> list[Finding]:
    """Bandit's findings for one file, optionally only some rule ids."""
    found = run_bandit({path: source})
    return [f for f in found if not rules or f["rule_id"] in rules]


def finding_at(
    source: str,
    rule_id: str,
    needle: str,
    *,
    cwe: str = "",
    path: str = "app.py",
    source_name: str = "semgrep",
    line_shift: int = 0,
    snippet: bool = True,
) -> Finding:
    """A finding like an analyser's, on the first line containing `needle`."""
    lines = source.splitlines()
    index = next(i for i, text in enumerate(lines) if needle in text)
    return make_finding(
        severity="high",
        file=path,
        title=rule_id or cwe,
        source=source_name,
        rule_id=rule_id,
        cwe=cwe,
        line=index + 1 + line_shift,
        snippet=lines[index] if snippet else "",
    )


def assert_fixed(
    before: str, after: str, findings: list[Finding], path: str = "app.py"
) -> FixOutcome:
    """The findings are all fixed, the file becomes exactly `after`, a second pass is a no-op."""
    assert findings, "the test needs at least one finding"
    outcome = apply_fixes({path: before}, findings)
    assert [outcome.reason(f) for f in outcome.unfixable] == []
    assert outcome.files[path] == after
    assert len(outcome.fixed) == len(findings)
    assert outcome.changed == [path]
    assert outcome.notes and all(n.startswith(f"{path}: ") for n in outcome.notes)
    again = apply_fixes(outcome.files, findings)  # the same (now stale) findings again
    assert again.files == outcome.files and again.changed == []
    return outcome


def declined(source: str, findings: list[Finding], path: str = "app.py") -> list[str]:
    """Reasons given for findings left unfixed; the file must be unchanged."""
    outcome = apply_fixes({path: source}, findings)
    assert outcome.files[path] == source and outcome.changed == []
    assert outcome.fixed == []
    assert len(outcome.unfixable) == len(findings)
    return [outcome.reason(f) for f in outcome.unfixable]
