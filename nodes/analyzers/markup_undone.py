"""A Markup() that is turned back into plain text at once marks nothing safe.

`Markup(text).unescape()` and `Markup(text).striptags()` return a plain `str`: the Markup object
lives only inside the expression, so no template or response ever receives it as safe HTML.
What the plain text then reaches is checked where it goes (a view that returns it is its own
finding, on that line). A Markup XSS finding (devsecbots.flask.xss, Bandit B704) whose line
holds only such calls is kept at low confidence; for the taint rule, only when the line is no
return and builds no response there (those are sinks of their own).
"""

from __future__ import annotations

import ast

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.local_assignments import called_name
from devsecbots.nodes.analyzers.low_confidence import lowered_at

UNDOING = frozenset({"unescape", "striptags"})  # markupsafe.Markup methods returning str
MARKUP = frozenset({"Markup"})
RESPONSES = frozenset({"make_response", "Response"})
XSS_RULES = frozenset({"devsecbots.flask.xss"})
WHY = (
    "the Markup is turned back into plain text at once (.unescape() / .striptags() return str), "
    "so nothing is marked safe"
)


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, an XSS one on a line whose Markup is undone at once at low confidence."""
    if not any(f["rule_id"] in XSS_RULES for f in findings):
        return findings
    return lowered_at(findings, files, XSS_RULES, WHY, only_undone_markup)


def only_undone_markup(tree: ast.AST, line: int, sinks: frozenset[str] = RESPONSES) -> bool:
    """Whether the simple statement on `line` calls Markup only to undo it, and (unless `sinks`
    is empty) is no return and calls none of `sinks`: other sinks the finding may stand for."""
    spanning = [n for n in ast.walk(tree) if isinstance(n, ast.stmt) and _spans(n, line)]
    if not spanning:
        return False
    statement = min(spanning, key=lambda n: (n.end_lineno or n.lineno) - n.lineno)
    if isinstance(getattr(statement, "body", None), list):
        return False  # a compound statement: its line says too little
    if sinks and isinstance(statement, ast.Return):
        return False
    parents = {c: n for n in ast.walk(statement) for c in ast.iter_child_nodes(n)}
    calls = [n for n in ast.walk(statement) if isinstance(n, ast.Call)]
    if any(called_name(c.func) in sinks for c in calls):
        return False
    markups = [c for c in calls if called_name(c.func) in MARKUP]
    return bool(markups) and all(undone(c, parents) for c in markups)


def undone(call: ast.Call, parents: dict[ast.AST, ast.AST]) -> bool:
    """Whether the call's result is only the receiver of .unescape() / .striptags() called."""
    attribute = parents.get(call)
    return (
        isinstance(attribute, ast.Attribute)
        and attribute.attr in UNDOING
        and isinstance(parents.get(attribute), ast.Call)
        and parents[attribute].func is attribute  # type: ignore[attr-defined]
    )


def _spans(node: ast.stmt, line: int) -> bool:
    return node.lineno <= line <= (node.end_lineno or node.lineno)
