"""A view that passes an upstream service's response through with that response's own headers.

`resp = requests.post(API + "/zones", json=request.get_json()); return resp.content,
resp.status_code, resp.headers.items()` sends the upstream's body under the upstream's own
Content-Type (a JSON API's application/json): Flask's text/html default never applies, and the
body is the service's answer, not a page this app wrote. The XSS finding on such a return is kept
at low confidence when the upstream is one the application chose: every name the request's URL
reads is no parameter of the view nor `request`, except inside quote_plus() / quote(..., safe="")
(percent-encoded: it cannot bring a scheme, host or "/"), followed through local assignments
(`=`, `+=`). A URL the visitor can steer (`requests.get(request.args["url"])`) would let them
pick an upstream that answers text/html: it keeps the finding, as does a body returned without
the upstream's headers, or with another response's.
"""

from __future__ import annotations

import ast

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.local_assignments import called_name
from devsecbots.nodes.analyzers.low_confidence import lowered_at
from devsecbots.nodes.analyzers.project_trees import tree_parents
from devsecbots.nodes.analyzers.response_headers import function_of

RULES = frozenset({"devsecbots.flask.xss"})
BODIES = frozenset({"content", "text"})
ENCODERS = frozenset({"quote_plus", "quote"})
DEPTH = 6
WHY = (
    "the view passes an upstream service's response through with that response's own headers "
    "(its Content-Type), and the application chose the upstream's URL"
)
Function = ast.FunctionDef | ast.AsyncFunctionDef


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, an XSS on such a pass-through at low confidence."""
    return lowered_at(findings, files, RULES, WHY, _passes_through)


def _passes_through(tree: ast.Module, line: int) -> bool:
    parents = tree_parents(tree)
    returns = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Return) and n.lineno <= line <= (n.end_lineno or n.lineno)
    ]
    return bool(returns) and all(_upstream_response(r, parents) for r in returns)


def _upstream_response(ret: ast.Return, parents: dict[ast.AST, ast.AST]) -> bool:
    """`return r.content, ..., <r.headers ...>` of an `r` fetched from a URL the app chose."""
    value = ret.value
    if not (isinstance(value, ast.Tuple) and len(value.elts) >= 2):
        return False
    body = value.elts[0]
    if not (
        isinstance(body, ast.Attribute) and body.attr in BODIES and isinstance(body.value, ast.Name)
    ):
        return False
    name = body.value.id
    if not any(_reads_headers(e, name) for e in value.elts[1:]):
        return False
    function = function_of(ret, parents)
    fetches = _bound(function, name) if function else None
    return bool(fetches) and all(
        isinstance(f, ast.Call) and _chosen_url(_url(f), function, DEPTH)  # type: ignore[arg-type]
        for f in fetches or []
    )


def _reads_headers(value: ast.expr, name: str) -> bool:
    return any(
        isinstance(n, ast.Attribute)
        and n.attr == "headers"
        and isinstance(n.value, ast.Name)
        and n.value.id == name
        for n in ast.walk(value)
    )


def _url(call: ast.Call) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == "url":
            return keyword.value
    return call.args[0] if call.args else None


def _chosen_url(url: ast.expr | None, function: Function, depth: int) -> bool:
    """Every name the URL reads, outside quote_plus() / quote(x, safe=""), is the app's."""
    if url is None or depth <= 0:
        return False
    for node in _outside_encoders(url):
        if not isinstance(node, ast.Name):
            continue
        if node.id == "request" or _parameter(function, node.id):
            return False
        values = _bound(function, node.id)
        if values is None or not all(_chosen_url(v, function, depth - 1) for v in values):
            return False
    return True


def _outside_encoders(value: ast.AST) -> list[ast.AST]:
    """The nodes of `value`, less the insides of calls that percent-encode every "/" and ":"."""
    found, todo = [], [value]
    while todo:
        node = todo.pop()
        found.append(node)
        if isinstance(node, ast.Call) and _encodes_all(node):
            continue
        todo.extend(ast.iter_child_nodes(node))
    return found


def _encodes_all(call: ast.Call) -> bool:
    name = called_name(call.func)
    safe = next((k.value for k in call.keywords if k.arg == "safe"), None)
    if name == "quote_plus":
        return safe is None or (isinstance(safe, ast.Constant) and safe.value == "")
    return name == "quote" and isinstance(safe, ast.Constant) and safe.value == ""


def _bound(function: Function, name: str) -> list[ast.expr] | None:
    """What `name = ...` and `name += ...` in the function give it ([] when it is not bound
    there; None when it is bound any other way)."""
    values: list[ast.expr] = []
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            values.append(node.value)
        elif isinstance(node, ast.AugAssign) and getattr(node.target, "id", "") == name:
            values.append(node.value)
        elif isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load):
            if not _plain_target(node, function):
                return None
    return values


def _plain_target(node: ast.Name, function: Function) -> bool:
    for statement in ast.walk(function):
        if isinstance(statement, ast.Assign) and node in statement.targets:
            return True
        if isinstance(statement, ast.AugAssign) and statement.target is node:
            return True
    return False


def _parameter(function: Function, name: str) -> bool:
    return any(a.arg == name for a in ast.walk(function.args) if isinstance(a, ast.arg))
