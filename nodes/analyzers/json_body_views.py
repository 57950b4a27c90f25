"""Flask views whose only request data is a JSON body cannot be made to render in a victim's page.

Reflected XSS needs the victim's browser to open the response as a page: a link or a form on
another site. Neither can send a JSON body: a link sends none, and an HTML form's encodings are
urlencoded, multipart and text/plain, while `request.get_json()` / `request.json` read the body
only when its Content-Type is application/json (unless `force=True`); a script on another site
that sets that type needs a CORS preflight and never shows the response as a page.

A flask.xss finding in a routed view that reads no other request data (no args, form, cookies,
headers, raw data, path...; `get_json(force=True)` counts as raw data) and has no URL variable
but ones converted to numbers is kept at low confidence.
"""

from __future__ import annotations

import ast

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.local_assignments import called_name
from devsecbots.nodes.analyzers.low_confidence import lowered_at
from devsecbots.nodes.analyzers.typed_route_params import ROUTES, typed_parameters

XSS_RULES = frozenset({"devsecbots.flask.xss"})
JSON_BODY = frozenset({"json", "get_json"})
REQUEST_DATA = frozenset(
    {"args", "form", "values", "files", "cookies", "headers", "data", "stream", "input_stream"}
    | {"view_args", "query_string", "full_path", "url", "environ", "authorization", "referrer"}
    | {"user_agent", "get_data", "path", "base_url", "url_root", "host_url", "script_root"}
    | {"access_route", "remote_addr", "host", "range", "if_match", "accept_mimetypes"}
)
WHY = (
    "the view's only request data is a JSON body, which no link or cross-site form can send: "
    "the response cannot be opened as a page in a victim's browser"
)


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, an XSS one in a view reading only a JSON body at low confidence."""
    if not any(f["rule_id"] in XSS_RULES for f in findings):
        return findings
    return lowered_at(findings, files, XSS_RULES, WHY, in_json_body_view)


def in_json_body_view(tree: ast.AST, line: int) -> bool:
    """Whether `line` is in a routed view whose only request data is a JSON body."""
    views = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        and n.lineno <= line <= (n.end_lineno or n.lineno)
        and any(isinstance(d, ast.Call) and called_name(d.func) in ROUTES for d in n.decorator_list)
    ]
    return len(views) == 1 and _reads_only_json(views[0])


def _reads_only_json(view: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Reads `request.json` / `request.get_json()` (not forced), no other request data, and
    takes no parameter but URL variables converted to numbers."""
    parameters = {a.arg for a in view.args.posonlyargs + view.args.args + view.args.kwonlyargs}
    if view.args.vararg or view.args.kwarg or not parameters <= typed_parameters(view):
        return False
    parents = {c: n for n in ast.walk(view) for c in ast.iter_child_nodes(n)}
    reads = [n for n in ast.walk(view) if isinstance(n, ast.Attribute) and _is_request(n.value)]
    if any(
        _is_request(n) and not isinstance(parents.get(n), ast.Attribute) for n in ast.walk(view)
    ):
        return False  # the request object itself handed on
    json_reads = [r for r in reads if r.attr in JSON_BODY]
    if any(r.attr in REQUEST_DATA for r in reads) or not json_reads:
        return False
    return not any(r.attr == "get_json" and _forced(parents.get(r), r) for r in json_reads)


def _forced(call: ast.AST | None, func: ast.Attribute) -> bool:
    """Whether `request.get_json(...)` may ignore the Content-Type (force, or not a plain call)."""
    if not (isinstance(call, ast.Call) and call.func is func):
        return True
    if call.args:
        return True  # get_json(force, silent, cache): positional force
    return any(
        k.arg == "force" and not (isinstance(k.value, ast.Constant) and k.value.value is False)
        for k in call.keywords
    ) or any(k.arg is None for k in call.keywords)


def _is_request(node: ast.AST) -> bool:
    """`request` or `flask.request`."""
    if isinstance(node, ast.Name):
        return node.id == "request"
    return isinstance(node, ast.Attribute) and node.attr == "request"
