"""Flask views that run only for requests whose Content-Type is JSON, by a gate before them.

`request.is_json` holds only for application/json or application/*+json, a type no HTML form
can send (urlencoded, multipart, text/plain) and a cross-site script sends only after a CORS
preflight. A gate rejects every other request before the view runs when

- a before_request hook of the blueprint (or app) routing the view, in its module, or
- a project decorator of the view (its returned wrapper, before it calls the view), or a
  project decorator of such a hook,

has among its top-level statements `if not request.is_json: <raise | abort(...) | return>`,
possibly inside `if request.method in [<literal methods>]:` (or `== "<method>"`), which then
covers only those methods. The gate counts for a view whose every route's methods are covered
(PUT, PATCH and DELETE need none: a preflight guards them anyway, see preflighted_views.py).
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from devsecbots.nodes.analyzers.flask_csrf import exits_request
from devsecbots.nodes.analyzers.local_assignments import called_name

Function = ast.FunctionDef | ast.AsyncFunctionDef
ALL = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def refused_methods(
    view: Function, hooks: list[Function], find: Callable[[str], list[Function]]
) -> frozenset[str]:
    """The methods a non-JSON request is refused for before the view runs: by its hooks, their
    project decorators, or the view's own project decorators (`find` gives the project's
    functions of a name; every definition of a decorator's name must refuse)."""
    found: set[str] = set()
    for hook in hooks:
        found |= _refused(hook.body)
        for name in _decorator_names(hook):
            found |= _by_decorator(name, find)
    for name in _decorator_names(view):
        found |= _by_decorator(name, find)
    return frozenset(found)


def _by_decorator(name: str, find: Callable[[str], list[Function]]) -> set[str]:
    """The methods every project definition of the decorator refuses before its call."""
    definitions = find(name)
    refused = [_refused(_wrapper_start(d)) for d in definitions]
    return set.intersection(*refused) if refused else set()


def _wrapper_start(decorator: Function) -> list[ast.stmt]:
    """The statements of a decorator's returned wrapper before it calls the decorated function
    ([] when the decorator is not `def d(f): def wrapper(...): ...; return wrapper`)."""
    params = [a.arg for a in decorator.args.posonlyargs + decorator.args.args]
    returned = {
        r.value.id
        for r in decorator.body
        if isinstance(r, ast.Return) and isinstance(r.value, ast.Name)
    }
    wrappers = [n for n in decorator.body if isinstance(n, Function) and n.name in returned]
    if len(params) != 1 or len(wrappers) != 1:
        return []
    return _before_call(wrappers[0].body, params[0])


def _before_call(body: list[ast.stmt], wrapped: str) -> list[ast.stmt]:
    """The top-level statements before the first one that calls `wrapped`."""
    out = []
    for statement in body:
        if any(
            isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == wrapped
            for n in ast.walk(statement)
        ):
            break
        out.append(statement)
    return out


def _refused(body: list[ast.stmt]) -> set[str]:
    """The methods the statements refuse a non-JSON request for."""
    found: set[str] = set()
    for statement in body:
        if not isinstance(statement, ast.If):
            continue
        if _not_json(statement.test) and exits_request(statement.body):
            found |= ALL
        elif not statement.orelse:
            methods = _methods(statement.test)
            if methods and any(
                isinstance(s, ast.If) and _not_json(s.test) and exits_request(s.body)
                for s in statement.body
            ):
                found |= methods
    return found


def _not_json(test: ast.AST) -> bool:
    """`not request.is_json`."""
    return (
        isinstance(test, ast.UnaryOp)
        and isinstance(test.op, ast.Not)
        and isinstance(test.operand, ast.Attribute)
        and test.operand.attr == "is_json"
        and called_name(test.operand.value) == "request"
    )


def _methods(test: ast.AST) -> set[str]:
    """The literal methods of `request.method in [...]` / `request.method == "..."`."""
    if not (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.left, ast.Attribute)
        and test.left.attr == "method"
        and called_name(test.left.value) == "request"
    ):
        return set()
    right = test.comparators[0]
    if isinstance(test.ops[0], ast.Eq):
        items = [right]
    elif isinstance(test.ops[0], ast.In) and isinstance(right, ast.List | ast.Tuple | ast.Set):
        items = list(right.elts)
    else:
        return set()
    texts = [i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)]
    return {t.upper() for t in texts} if len(texts) == len(items) else set()


def _decorator_names(function: Function) -> list[str]:
    return [called_name(d.func if isinstance(d, ast.Call) else d) for d in function.decorator_list]
