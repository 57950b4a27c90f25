"""Run the configured analysers over a project's files and return normalised findings."""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass, field

from graphs.state import Finding, make_finding
from nodes.analyzers.bandit_runner import run_bandit


@dataclass
class AnalysisReport:
    """What one analysis pass found, and what it could not look at."""

    findings: list[Finding] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    analysed: list[str] = field(default_factory=list)


def syntax_findings(files: dict[str, str]) -> list[Finding]:
    """A blocking finding for every Python file that does not parse."""
    found = []
    for path, source in files.items():
        if not path.endswith(".py"):
            continue
        try:
            ast.parse(source, filename=path)
        except SyntaxError as err:
            found.append(
                make_finding(
                    severity="high", file=path, line=err.lineno or 0, source="parser",
                    rule_id="syntax-error", title=f"File does not parse: {err.msg}",
                    recommendation="Fix the syntax error; nothing else can be checked until it parses.",
                )
            )
    return found


def analyse(files: dict[str, str], analyzers: Sequence[str] = ("bandit",)) -> AnalysisReport:
    """Run the named analysers over the Python files among `files` (path -> content)."""
    python = {p: c for p, c in files.items() if p.endswith(".py")}
    report = AnalysisReport(analysed=sorted(python))
    report.skipped = [(p, "not a Python file") for p in sorted(files) if p not in python]
    broken = syntax_findings(python)
    report.findings.extend(broken)
    parseable = {p: c for p, c in python.items() if p not in {f["file"] for f in broken}}
    if "bandit" in analyzers:
        report.findings.extend(run_bandit(parseable))
    return report
