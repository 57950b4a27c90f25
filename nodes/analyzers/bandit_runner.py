"""Bandit, run in-process on in-memory sources (no temp files, ~ms per file)."""

from __future__ import annotations

import io
import logging

from bandit.core import config as b_config
from bandit.core import manager as b_manager

from graphs.state import Finding, make_finding

_BANDIT_SEVERITY = {"LOW": "low", "MEDIUM": "medium", "HIGH": "high", "UNDEFINED": "low"}
logging.getLogger("bandit").setLevel(logging.ERROR)


def _new_manager() -> b_manager.BanditManager:
    # ignore_nosec: waivers are judged by our own policy (they need a reason), not by Bandit.
    return b_manager.BanditManager(b_config.BanditConfig(), "file", quiet=True, ignore_nosec=True)


def run_bandit(files: dict[str, str]) -> list[Finding]:
    """Run Bandit's default test set over the given Python sources (path -> content)."""
    manager = _new_manager()
    paths = list(files)
    remaining = list(paths)
    for path in paths:
        manager._parse_file(path, io.BytesIO(files[path].encode("utf-8")), remaining)
    findings: list[Finding] = []
    for issue in manager.get_issue_list():
        if issue.confidence == "LOW":
            continue  # low-confidence Bandit hits are too noisy to block or autofix on
        lines = files.get(issue.fname, "").splitlines()
        line = int(issue.lineno or 0)
        findings.append(
            make_finding(
                severity=_BANDIT_SEVERITY.get(issue.severity, "low"),
                cwe=issue.cwe.id if issue.cwe else "",
                file=issue.fname,
                line=line,
                title=issue.text,
                recommendation=f"See https://bandit.readthedocs.io ({issue.test_id} {issue.test})",
                source="bandit",
                rule_id=issue.test_id,
                snippet=lines[line - 1] if 0 < line <= len(lines) else "",
            )
        )
    return findings
