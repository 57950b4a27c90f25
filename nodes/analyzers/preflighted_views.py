"""CSRF exemptions on Flask views that another site cannot reach without a CORS preflight.

A forged request comes from another site's form or script. A form sends only GET or POST, with
an urlencoded, multipart or text/plain body, and sets no header; a script's request with another
method or a JSON Content-Type is preflighted, and the browser then sends it with the user's
cookies or Basic credentials only if the app answers the preflight with
Access-Control-Allow-Credentials. An exempt view is out of a forger's reach when

- every route of it accepts only PUT, PATCH or DELETE (literal methods), or
- it reads its input as a JSON body first: `request.get_json()` / `request.json`, neither forced
  nor silent, which since Werkzeug 2.1 aborts (400; 415 since 2.3) unless the Content-Type is
  application/json or application/*+json. Before that read the view may only have a docstring,
  assignments and exiting guards that only read (read_only_calls.py); the read is unconditional
  (not behind an if/else expression, a later operand of and/or, or a try); and no decorator the
  project defines for the view reads the body any other way (form, values, files, data,
  get_data, stream, a forced or silent get_json), which would run first, or
- a before_request hook or project decorator refuses it every non-JSON request for the methods
  its routes accept (`if not request.is_json: raise ...`, json_gates.py).

A csrf-disabled finding on such a view is kept at low confidence. HTTP Basic authentication
alone is no defence (browsers resend cached Basic credentials cross-site), so the view's
authentication does not matter here. Still blocking: every such view of a project that grants
credentialed CORS (flask_cors `supports_credentials`, CORS_SUPPORTS_CREDENTIALS, or an
Access-Control-Allow-Credentials header it sets itself), the methods argument in a project that
overrides the method (a `_method` field, a MethodOverride middleware), the JSON read where the
project's Request subclass redefines get_json, json, is_json or on_json_loading_failed (which
may answer a non-JSON body with a value), a forced or silent JSON read, and a view whose
routes' methods are not literal.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.flask_csrf import exempted_view, hooks_of
from devsecbots.nodes.analyzers.json_gates import ALL, refused_methods
from devsecbots.nodes.analyzers.local_assignments import called_name
from devsecbots.nodes.analyzers.low_confidence import lowered_by
from devsecbots.nodes.analyzers.project_trees import parse_files
from devsecbots.nodes.analyzers.read_only_calls import only_reads
from devsecbots.nodes.security_words import spelled

RULES = frozenset({"devsecbots.flask.csrf-disabled"})
PREFLIGHTED = frozenset({"PUT", "PATCH", "DELETE", "OPTIONS"})
SHORTCUTS = {"put": "PUT", "patch": "PATCH", "delete": "DELETE", "get": "GET", "post": "POST"}
JSON_BODY = frozenset({"json", "get_json"})
OTHER_BODY = frozenset({"form", "values", "files", "data", "get_data", "stream", "input_stream"})
CREDENTIALED_CORS = frozenset({"supports_credentials", "cors_supports_credentials"})
WHY_METHODS = (
    "the exempt view answers only PUT/PATCH/DELETE, which no cross-site form can send and a "
    "cross-site script sends only after a CORS preflight the app does not grant with credentials"
)
WHY_JSON = (
    "the exempt view first reads a JSON body (get_json without force), which aborts unless the "
    "Content-Type is application/json: no cross-site form can send one, and a cross-site script "
    "only after a CORS preflight the app does not grant with credentials"
)
WHY_GATE = (
    "a before_request hook or decorator refuses requests to the exempt view unless their "
    "Content-Type is JSON, which no cross-site form can send, and a cross-site script only after "
    "a CORS preflight the app does not grant with credentials"
)
Function = ast.FunctionDef | ast.AsyncFunctionDef


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, a CSRF exemption of a view only a preflighted request reaches at low."""
    if not any(f["rule_id"] in RULES and f["confidence"] != "low" for f in findings):
        return findings
    trees = list(parse_files(files).values())
    if credentialed_cors(trees):
        return findings
    overridden = method_override(trees)
    json_lenient = lenient_json(trees)
    decorators: dict[str, list[Function]] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, Function):
                decorators.setdefault(node.name, []).append(node)

    def why(tree: ast.Module, line: int) -> str:
        view = exempted_view(tree, line)
        if view is None:
            return ""
        if not overridden and preflighted_methods(view):
            return WHY_METHODS
        own = [d for name in _decorator_names(view) for d in decorators.get(name, [])]
        if not json_lenient and json_first(view) and not any(reads_other_body(d) for d in own):
            return WHY_JSON
        if not json_lenient and _json_gated(view, tree, overridden, decorators):
            return WHY_GATE
        return ""

    return lowered_by(findings, files, RULES, why)


def credentialed_cors(trees: Iterable[ast.AST]) -> bool:
    """Whether the project may answer a preflight with Access-Control-Allow-Credentials."""
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and (node.arg or "").lower() in CREDENTIALED_CORS:
                if not _false(node.value):
                    return True
            if isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    if key is not None and _names_credentials(key) and not _false(value):
                        return True
            if isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(_names_credentials(t) for t in targets) and not _false(node.value):
                    return True
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if node.value.lower() == "access-control-allow-credentials":
                    return True
    return False


def _names_credentials(node: ast.AST) -> bool:
    """A name, attribute, string or subscript key spelling CORS's credentials switch."""
    if isinstance(node, ast.Subscript):
        node = node.slice
    text = node.value if isinstance(node, ast.Constant) else spelled(node)
    return isinstance(text, str) and text.lower() in CREDENTIALED_CORS


def _false(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value in (False, None, 0, "")


def method_override(trees: Iterable[ast.AST]) -> bool:
    """Whether the project may take the method from the request (`_method`, MethodOverride)."""
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value == "_method":
                return True
            text = node.name if isinstance(node, ast.ClassDef | Function) else spelled(node)
            if "methodoverride" in text.lower().replace("_", ""):
                return True
    return False


def lenient_json(trees: Iterable[ast.AST]) -> bool:
    """Whether the project's own Request class may change how a JSON body is read."""
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and any(
                spelled(b).endswith("Request") for b in node.bases
            ):
                defined = {n.name for n in node.body if isinstance(n, Function)}
                if defined & (JSON_BODY | {"is_json", "on_json_loading_failed"}):
                    return True
    return False


def preflighted_methods(view: Function) -> bool:
    """Whether the view has routes and every one accepts only PUT, PATCH or DELETE."""
    routes = _routes(view)
    return bool(routes) and all(_methods(r) <= PREFLIGHTED for r in routes)


def _routes(view: Function) -> list[ast.Call]:
    """The view's route decorators (`route(...)` and the method shortcuts)."""
    return [
        d
        for d in view.decorator_list
        if isinstance(d, ast.Call)
        and isinstance(d.func, ast.Attribute)
        and (d.func.attr == "route" or d.func.attr in SHORTCUTS)
    ]


def _json_gated(
    view: Function, tree: ast.Module, overridden: bool, functions: dict[str, list[Function]]
) -> bool:
    """Whether a gate refuses non-JSON requests for every method the view's routes accept
    (json_gates.py); with a method override, for every method."""
    refused = refused_methods(view, hooks_of(tree, view), lambda n: functions.get(n, []))
    if overridden:
        return refused >= ALL
    routes = _routes(view)
    return bool(routes) and all(_methods(r) - PREFLIGHTED <= refused for r in routes)


def _methods(route: ast.Call) -> set[str]:
    """The methods a route decorator accepts ({"GET"} when they are not a literal list)."""
    shortcut = SHORTCUTS.get(called_name(route.func))
    if shortcut:
        return {shortcut}
    methods = next((k.value for k in route.keywords if k.arg == "methods"), None)
    if not isinstance(methods, ast.List | ast.Tuple | ast.Set):
        return {"GET"}
    texts = [e.value for e in methods.elts if isinstance(e, ast.Constant)]
    names = [t.upper() for t in texts if isinstance(t, str)]
    return set(names) if len(names) == len(methods.elts) else {"GET"}


def json_first(view: Function) -> bool:
    """Whether the view's first request-body read is an unconditional, unforced JSON read with
    only reading statements before it."""
    for statement in view.body:
        reads = [(r, h) for h in _heads(statement) for r in ast.walk(h) if _json_read(r)]
        if reads:
            return all(_strict(r, view) and _unconditional(r, h) for r, h in reads)
        if not (_docstring(statement) or _reading(statement)):
            return False
    return False


def _heads(statement: ast.stmt) -> list[ast.AST]:
    """The parts of a statement that run before any of its nested blocks."""
    if isinstance(statement, ast.If | ast.While):
        return [statement.test]
    if isinstance(statement, ast.For | ast.AsyncFor):
        return [statement.iter]
    if isinstance(statement, ast.With | ast.AsyncWith):
        return [i.context_expr for i in statement.items]
    if isinstance(statement, ast.Try | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return []
    return [statement]


def _json_read(node: ast.AST) -> bool:
    """`request.json` or `request.get_json` (the attribute)."""
    return isinstance(node, ast.Attribute) and node.attr in JSON_BODY and _is_request(node.value)


def _strict(read: ast.AST, view: Function) -> bool:
    """A `request.json` read, or `request.get_json(...)` called without force or silent."""
    if read.attr == "json":  # type: ignore[attr-defined]
        return True
    call = next(
        (c for c in ast.walk(view) if isinstance(c, ast.Call) and c.func is read),
        None,
    )
    if call is None or call.args:
        return False  # handed on, or get_json(force, silent, ...) positionally
    return not any(
        k.arg is None
        or k.arg in ("force", "silent")
        and not (isinstance(k.value, ast.Constant) and k.value.value is False)
        for k in call.keywords
    )


def _unconditional(read: ast.AST, head: ast.AST) -> bool:
    """Whether evaluating `head` always evaluates the read (no branch, lambda or later and/or
    operand on the way)."""
    parents = {c: n for n in ast.walk(head) for c in ast.iter_child_nodes(n)}
    node = read
    while node is not head and node in parents:
        parent = parents[node]
        if isinstance(parent, ast.IfExp) and node is not parent.test:
            return False
        if isinstance(parent, ast.BoolOp) and node is not parent.values[0]:
            return False
        if isinstance(parent, ast.Lambda | ast.comprehension | ast.GeneratorExp):
            return False
        if isinstance(parent, ast.ListComp | ast.SetComp | ast.DictComp):
            return False
        node = parent
    return True


def _docstring(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)


def _reading(statement: ast.stmt) -> bool:
    """An assignment that only reads, or an `if` without else that only reads and exits."""
    if isinstance(statement, ast.Assign | ast.AnnAssign):
        return only_reads(statement)
    if not isinstance(statement, ast.If) or statement.orelse or not statement.body:
        return False
    *before, last = statement.body
    exits = isinstance(last, ast.Raise) or (isinstance(last, ast.Return) and only_reads(last))
    return exits and only_reads(statement.test) and all(only_reads(s) for s in before)


def reads_other_body(function: Function) -> bool:
    """Whether the function reads the request body other than by a strict JSON read."""
    for node in ast.walk(function):
        if isinstance(node, ast.Attribute) and _is_request(node.value):
            if node.attr in OTHER_BODY:
                return True
            if node.attr == "get_json" and not _strict(node, function):
                return True
    return False


def _decorator_names(view: Function) -> list[str]:
    """The names of the view's decorators (the factory's for `@d(...)`)."""
    return [called_name(d.func if isinstance(d, ast.Call) else d) for d in view.decorator_list]


def _is_request(node: ast.AST) -> bool:
    """`request` or `flask.request`."""
    if isinstance(node, ast.Name):
        return node.id == "request"
    return isinstance(node, ast.Attribute) and node.attr == "request"
