"""What a project's own helper functions return, read across files, for the taint rules' sinks.

Semgrep's taint rules follow data within one function: a view that passes request data to a
project helper sees the helper's result as tainted, whatever the helper does with it. Two kinds
of helper decide the matter by what they return, whoever calls them:

- a safe-redirect helper returns a URL only after a safe-URL check on that very value
  (`if target and is_safe_url(target): return target`), otherwise a constant, None or a
  url_for() / reverse() (directly, or a local name every assignment of which is one), or returns
  a target it replaced with url_for() when it matched none of the app's routes, where every
  route starts with a literal segment (url_map_checks.py);
- a rendering helper returns only safe response bodies: rendered templates, non-HTML responses,
  JSON data, fixed text, or other rendering helpers' results (response_bodies.py, a fixpoint).
  A definition that never returns (abstract: it only raises) is neutral.

A sink value that is a local name counts when every assignment of it is such a call or a
constant.

A finding of the open-redirect / XSS rules whose sink value is a call to such a helper (every
definition of that name in the project agreeing) is kept, at low confidence, with the reason.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.local_assignments import assigned_values as _assigned_values
from devsecbots.nodes.analyzers.local_assignments import called_name
from devsecbots.nodes.analyzers.low_confidence import lowered
from devsecbots.nodes.analyzers.project_trees import parents_of, parse_files
from devsecbots.nodes.analyzers.response_bodies import RESPONSES, rendering_helpers, safe_body
from devsecbots.nodes.analyzers.response_headers import returned_inert
from devsecbots.nodes.analyzers.summary_defs import definitions, is_abstract

SAFE_URL_CHECK = re.compile(
    r"(?i)^_*((is|check|validate|ensure)_)?(safe|allowed|local|internal|relative|same_?(site|origin|host))"
    r"(_\w+)?_?(url|uri|redirect|next|target|path|host)s?$|^url_has_allowed_host_and_scheme$"
)
SAFE_URL_VALUES = frozenset({"url_for", "reverse", "reverse_lazy"})  # the application's own URLs
REDIRECT_RULES = frozenset(
    {
        "devsecbots.flask.open-redirect",
        "devsecbots.django.open-redirect",
        "devsecbots.fastapi.open-redirect",
    }
)
REDIRECT_CALLS = frozenset(
    {"redirect", "RedirectResponse", "HttpResponseRedirect", "HttpResponsePermanentRedirect"}
)
XSS_RULES = frozenset({"devsecbots.flask.xss"})


def summarise(trees: Iterable[ast.AST]) -> dict[str, set[str]]:
    """Helper names by kind ('safe-url', 'rendered'), across every parsed file."""
    from devsecbots.nodes.analyzers.url_map_checks import map_checked  # it reads this module

    seen: dict[str, bool] = {}
    trees = tuple(trees)
    parents = parents_of(trees)
    on_map = map_checked(trees)
    for name, functions in definitions(trees).items():
        for definition in functions:
            returns = definition.returns
            if not returns and is_abstract(definition.function):
                continue  # never returns a value (a base class's abstract method): neutral
            ok = bool(returns) and all(
                _returns_safe_url(r, parents) or on_map(r, parents) for r in returns
            )
            seen[name] = seen.get(name, True) and ok
    return {
        "safe-url": {name for name, ok in seen.items() if ok},
        "rendered": rendering_helpers(trees),
    }


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, those whose sink value comes from a safe helper at low confidence."""
    relevant = [f for f in findings if f["rule_id"] in REDIRECT_RULES | XSS_RULES]
    if not relevant:
        return findings
    trees: dict[str, ast.Module] = parse_files(files)  # shared with the other cross-file passes
    helpers = summarise(trees.values())
    parents = parents_of(tuple(trees.values()))
    wanted = {id(f) for f in relevant}
    out = []
    for finding in findings:
        tree = trees.get(finding["file"])
        why = _why_low(finding, tree, helpers, parents) if id(finding) in wanted and tree else ""
        if why:
            finding = lowered(finding, why)
        out.append(finding)
    return out


def _why_low(
    finding: Finding,
    tree: ast.AST,
    helpers: dict[str, set[str]],
    parents: dict[ast.AST, ast.AST],
) -> str:
    """Why the finding's sink value is safe by its helper ('' when it is not)."""
    line = finding["line"]
    if finding["rule_id"] in REDIRECT_RULES:
        safe = helpers["safe-url"] | SAFE_URL_VALUES
        for call in _calls_at(tree, line, set(REDIRECT_CALLS)):
            if call.args and _from_helpers(call.args[0], safe, parents):
                return "the target comes from a helper that returns only checked, on-site URLs"
        return ""
    for call in _calls_at(tree, line, set(RESPONSES)):
        if safe_body(call, helpers["rendered"], parents) or returned_inert(call, parents):
            return (
                "the response is sent with a fixed type a browser does not render as a page, "
                "or as an attachment"
            )
    for node in ast.walk(tree):
        if isinstance(node, ast.Return) and node.lineno == line and node.value is not None:
            if safe_body(node.value, helpers["rendered"], parents):
                return (
                    "the body is, or comes from a helper that returns only, rendered templates, "
                    "non-HTML responses (by type, or sent as attachments), JSON data or fixed text"
                )
    return ""


def _from_helpers(value: ast.AST, names: set[str], parents: dict[ast.AST, ast.AST]) -> bool:
    """Whether the expression is a call to one of `names`, an `or` of such calls, or a local
    name every assignment of which (in its function, none after use) is one or a constant
    (`location = None` on the other branch)."""
    if isinstance(value, ast.BoolOp) and isinstance(value.op, ast.Or):
        return all(_from_helpers(v, names, parents) for v in value.values)
    if isinstance(value, ast.Name):
        values = _assigned_values(value, parents)
        calls = [v for v in values if not isinstance(v, ast.Constant)]
        return bool(calls) and all(
            not isinstance(v, ast.Name) and _from_helpers(v, names, parents) for v in calls
        )
    return isinstance(value, ast.Call) and called_name(value.func) in names


def _calls_at(tree: ast.AST, line: int, names: set[str]) -> list[ast.Call]:
    return [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
        and n.lineno <= line <= (n.end_lineno or n.lineno)
        and called_name(n.func) in names
    ]


def _returns_safe_url(ret: ast.Return, parents: dict[ast.AST, ast.AST]) -> bool:
    """A constant, None, a url_for() / reverse(), a local name only ever assigned one of those, or
    a name checked by a safe-URL check in an enclosing if."""
    value = ret.value
    if _fixed_url(value):
        return True
    if not isinstance(value, ast.Name):
        return False
    values = _assigned_values(value, parents)
    if values and all(_fixed_url(v) for v in values):
        return True
    node: ast.AST = ret
    while node in parents:
        parent = parents[node]
        if isinstance(parent, ast.If) and node in parent.body and _checks(parent.test, value.id):
            return True
        if isinstance(parent, ast.FunctionDef | ast.AsyncFunctionDef):
            return False
        node = parent
    return False


def _fixed_url(value: ast.AST | None) -> bool:
    """A constant (or None) or a url_for() / reverse() call."""
    if isinstance(value, ast.Constant):
        return True
    return isinstance(value, ast.Call) and called_name(value.func) in SAFE_URL_VALUES


def _checks(test: ast.AST, name: str) -> bool:
    """Whether the if-test requires a safe-URL check of `name` to pass (no `not`, no `or`)."""
    if isinstance(test, ast.BoolOp):
        return isinstance(test.op, ast.And) and any(_checks(v, name) for v in test.values)
    return (
        isinstance(test, ast.Call)
        and bool(SAFE_URL_CHECK.match(called_name(test.func)))
        and any(isinstance(a, ast.Name) and a.id == name for a in test.args)
    )
