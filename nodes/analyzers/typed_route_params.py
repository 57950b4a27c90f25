"""Flask URL variables that the route converts to numbers or UUIDs carry no markup.

`@app.route("/shelf/add/<int:book_id>")` calls the view only when that URL segment is digits,
and passes an int: text built from constants and such parameters (`"%s is not a book" %
book_id`) holds no markup, whatever Flask serves it as. The taint rule counts every URL variable
as request data. A flask.xss finding on a `return` whose body is built only from constants and
parameters that every route of the view converts with `int`, `float` or `uuid` (never rebound in
the view) - by `%`, `+`, f-strings, `.format()` or `str()` - is kept at low confidence.
"""

from __future__ import annotations

import ast
import re

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.local_assignments import called_name
from devsecbots.nodes.analyzers.low_confidence import lowered_at

XSS_RULES = frozenset({"devsecbots.flask.xss"})
ROUTES = frozenset({"route", "get", "post", "put", "patch", "delete"})
VARIABLE = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
TYPED = frozenset({"int", "float", "uuid"})
TEXT_CALLS = frozenset({"str", "format"})
WHY = "the body is built only from constants and URL parameters the route converts to numbers"


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, an XSS one whose returned body holds only typed URL parameters at low."""
    if not any(f["rule_id"] in XSS_RULES for f in findings):
        return findings
    return lowered_at(findings, files, XSS_RULES, WHY, returns_typed_text)


def returns_typed_text(tree: ast.AST, line: int) -> bool:
    """Whether the return on `line`, in a routed view, returns only constants and typed URL
    parameters."""
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        typed = typed_parameters(function)
        for node in ast.walk(function):
            if isinstance(node, ast.Return) and node.lineno == line and node.value is not None:
                body = node.value
                if isinstance(body, ast.Tuple) and body.elts:
                    body = body.elts[0]
                return bool(typed) and _built_from(body, typed)
    return False


def typed_parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """The parameters every route of the view converts to int / float / uuid, never rebound."""
    converters = route_converters(function)
    rebound = {
        n.id for n in ast.walk(function) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }
    parameters = {a.arg for a in function.args.args + function.args.kwonlyargs}
    return {
        name
        for name, kinds in converters.items()
        if kinds <= TYPED and name in parameters and name not in rebound
    }


def route_converters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, set[str]]:
    """URL variable -> the converters the view's routes give it (`string` when none); {} when a
    route's rule is not a literal."""
    converters: dict[str, set[str]] = {}
    for decorator in function.decorator_list:
        if not (isinstance(decorator, ast.Call) and called_name(decorator.func) in ROUTES):
            continue
        rule = decorator.args[0] if decorator.args else None
        if not (isinstance(rule, ast.Constant) and isinstance(rule.value, str)):
            return {}
        for converter, name in VARIABLE.findall(rule.value):
            converters.setdefault(name, set()).add(converter or "string")
    return converters


def _built_from(value: ast.AST, typed: set[str]) -> bool:
    """Constants and typed parameters joined by `%`, `+`, f-strings, .format() or str()."""
    if isinstance(value, ast.Constant):
        return True
    if isinstance(value, ast.Name):
        return value.id in typed
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Mod | ast.Add):
        return _built_from(value.left, typed) and _built_from(value.right, typed)
    if isinstance(value, ast.Tuple):
        return all(_built_from(e, typed) for e in value.elts)
    if isinstance(value, ast.JoinedStr):
        return all(_built_from(v, typed) for v in value.values)
    if isinstance(value, ast.FormattedValue):
        return _built_from(value.value, typed) and (
            value.format_spec is None or _built_from(value.format_spec, typed)
        )
    if isinstance(value, ast.Call) and called_name(value.func) in TEXT_CALLS:
        receiver = value.func.value if isinstance(value.func, ast.Attribute) else None
        parts = [*value.args, *(k.value for k in value.keywords)]
        if receiver is not None:
            parts.append(receiver)
        return all(_built_from(p, typed) for p in parts)
    return False
