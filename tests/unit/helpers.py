"""Small builders for unit tests of nodes."""

from __future__ import annotations

from devsecbots.graphs.context import Context
from devsecbots.graphs.state import Finding, make_finding
from langgraph.runtime import Runtime


def runtime(**settings) -> Runtime:
    """A Runtime carrying a Context with these settings."""
    return Runtime(context=Context(**settings))


def bandit(
    rule: str = "B201", severity: str = "high", file: str = "app.py", line: int = 3
) -> Finding:
    """A Bandit-like finding."""
    return make_finding(
        severity=severity,
        file=file,
        line=line,
        source="bandit",
        rule_id=rule,
        cwe="CWE-94",
        title=f"{rule} finding",
    )


def llm(severity: str = "medium", file: str = "app.py") -> Finding:
    """An LLM reviewer finding."""
    return make_finding(severity=severity, file=file, source="llm", cwe="CWE-352", title="no CSRF")


def verdict(status: str = "changes_requested", reviewer: str = "") -> dict:
    """A merged verdict as the review node publishes it."""
    return {
        "status": status,
        "reviewer_status": reviewer,
        "summary": "",
        "findings": [],
        "advice": [],
        "disputed": [],
    }
