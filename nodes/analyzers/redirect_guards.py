"""Open-redirect findings that the code proves harmless, kept at low confidence with the reason.

Two readings, across the project's files, of what the taint rules (flask / django / fastapi
open-redirect) cannot see:

- the redirect runs only inside `if ... and CHECK(target)` where CHECK is a project function that
  behaves as a safe-URL check whatever its name (url_checks.py);
- the target's host is fixed before any request data reaches it: the current request's own path,
  a configured URL followed by `?` and a query, a literal `https://host/` start, a value a
  same-site test proved a path, read through the project's own functions and their callers
  (redirect_targets.py, same_site_paths.py, redirect_calls.py).
"""

from __future__ import annotations

import ast

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.helper_summaries import REDIRECT_CALLS, REDIRECT_RULES, called_name
from devsecbots.nodes.analyzers.low_confidence import lowered
from devsecbots.nodes.analyzers.project_trees import parse_files
from devsecbots.nodes.analyzers.reading_memo import ReadingMemo
from devsecbots.nodes.analyzers.receiver_classes import ProjectClasses
from devsecbots.nodes.analyzers.redirect_calls import ProjectCalls
from devsecbots.nodes.analyzers.redirect_targets import fixed_host, routed_paths
from devsecbots.nodes.analyzers.referer_redirect import back_to_referer
from devsecbots.nodes.analyzers.url_checks import guarded, replaced_when_rejected


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, open redirects to a checked or fixed-host target at low confidence."""
    if not any(f["rule_id"] in REDIRECT_RULES and f["confidence"] != "low" for f in findings):
        return findings
    trees: dict[str, ast.Module] = parse_files(files)  # shared with the other cross-file passes
    calls = ProjectCalls(t for t in trees.values() if t is not None)
    routed = routed_paths(files)
    project = ProjectClasses(trees.values())
    memo = ReadingMemo()
    out = []
    for finding in findings:
        tree = trees.get(finding["file"])
        why = ""
        if finding["rule_id"] in REDIRECT_RULES and finding["confidence"] != "low" and tree:
            why = _why_low(finding, tree, calls, routed, project, memo)
        if why:
            finding = lowered(finding, why)
        out.append(finding)
    return out


def _why_low(
    finding: Finding,
    tree: ast.AST,
    calls: ProjectCalls,
    routed: bool,
    project: ProjectClasses,
    memo: ReadingMemo,
) -> str:
    """Why the redirect at the finding's line cannot go off-site ('' when it may)."""
    parents = calls.parents
    checks = calls.checks
    framework = finding["rule_id"].split(".")[1]
    reasons = []
    for call in _redirects_at(tree, finding["line"]):
        target = (
            call.args[0]
            if call.args
            else next((k.value for k in call.keywords if k.arg == "url"), None)
        )
        if target is None:
            return ""
        if isinstance(target, ast.Name) and guarded(call, target.id, parents, checks):
            reasons.append(
                "the redirect runs only after a safe-URL check (the framework's, or a project "
                "function that rejects URLs with a host or scheme) accepted the target"
            )
            continue
        if isinstance(target, ast.Name) and replaced_when_rejected(
            call, target.id, parents, checks
        ):
            reasons.append(
                "a target the safe-URL check rejects is replaced with an on-site URL first"
            )
            continue
        if back_to_referer(target):
            reasons.append(
                "the target is the Referer: it sends the user back to the page they came from"
            )
            continue
        why = fixed_host(target, parents, framework, routed, project, calls, memo)
        if not why:
            return ""
        reasons.append(why)
    return reasons[0] if reasons else ""


def _redirects_at(tree: ast.AST, line: int) -> list[ast.Call]:
    """The redirect calls spanning the line, outermost first."""
    calls = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
        and n.lineno <= line <= (n.end_lineno or n.lineno)
        and called_name(n.func) in REDIRECT_CALLS
    ]
    return sorted(calls, key=lambda c: (c.lineno, c.col_offset))
