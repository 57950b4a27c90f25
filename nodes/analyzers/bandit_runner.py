"""Bandit, run in-process on in-memory sources (no temp files, ~ms per file)."""

from __future__ import annotations

import ast
import io
import logging
from collections.abc import Callable

import bandit
from bandit.core import config as b_config
from bandit.core import manager as b_manager
from devsecbots.graphs.state import Finding, make_finding
from devsecbots.nodes.analyzers.bandit_context import reassess
from devsecbots.nodes.analyzers.parsed import parsed_tree

_BANDIT_SEVERITY = {"LOW": "low", "MEDIUM": "medium", "HIGH": "high", "UNDEFINED": "low"}
# Advisories that flag an import or a list-style subprocess call rather than a weakness: every
# `import pickle` or `import subprocess` would carry a finding. The dangerous calls themselves are
# still reported (B301 pickle.loads, B602/B605 shell=True, ...) and untrusted data reaching
# subprocess is our Semgrep rule devsecbots.flask.command-injection.
SKIPPED_TESTS = frozenset({f"B4{n:02d}" for n in range(1, 16)} | {"B603"})
PROFILE_VERSION = (
    f"bandit-{bandit.__version__}-skip-{'.'.join(sorted(SKIPPED_TESTS))}-conf-all-context-5"
)
logging.getLogger("bandit").setLevel(logging.ERROR)


def _new_manager(skip: frozenset[str]) -> b_manager.BanditManager:
    # ignore_nosec: waivers are judged by our own policy (they need a reason), not by Bandit.
    return b_manager.BanditManager(
        b_config.BanditConfig(),
        "file",
        quiet=True,
        profile={"exclude": set(skip)},
        ignore_nosec=True,
    )


def run_bandit(
    files: dict[str, str],
    *,
    skip: frozenset[str] = SKIPPED_TESTS,
    progress: Callable[[int], None] | None = None,
) -> list[Finding]:
    """Run Bandit's default tests (minus `skip`) over Python sources (path -> content)."""
    manager = _new_manager(skip)
    remaining = list(files)
    for done, path in enumerate(list(files), start=1):
        manager._parse_file(path, io.BytesIO(files[path].encode("utf-8", "replace")), remaining)
        if progress:
            progress(done)
    # Low-confidence hits are kept: reported with their confidence, and the run's policy
    # (--min-confidence) decides that they do not block.
    trees: dict[str, ast.AST | None] = {}
    return [_to_finding(issue, files, trees) for issue in manager.get_issue_list()]


def _parsed(path: str, files: dict[str, str], trees: dict[str, ast.AST | None]) -> ast.AST | None:
    """The file's syntax tree, parsed once per run (None when it does not parse)."""
    if path not in trees:
        trees[path] = parsed_tree(files.get(path, ""))
    return trees[path]


def _to_finding(issue, files: dict[str, str], trees: dict[str, ast.AST | None]) -> Finding:
    """Map one Bandit issue onto our Finding, its confidence read against the code's meaning."""
    lines = files.get(issue.fname, "").splitlines()
    line = int(issue.lineno or 0)
    confidence, recommendation = (
        issue.confidence,
        f"See https://bandit.readthedocs.io ({issue.test_id} {issue.test})",
    )
    why_low = reassess(issue.test_id, line, _parsed(issue.fname, files, trees))
    if why_low:
        confidence, recommendation = "LOW", f"{recommendation}. Low confidence: {why_low}."
    return make_finding(
        severity=_BANDIT_SEVERITY.get(issue.severity, "low"),
        cwe=issue.cwe.id if issue.cwe else "",
        file=issue.fname,
        line=line,
        title=issue.text,
        recommendation=recommendation,
        source="bandit",
        rule_id=issue.test_id,
        snippet=lines[line - 1] if 0 < line <= len(lines) else "",
        confidence=confidence,
    )
