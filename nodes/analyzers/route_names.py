"""Whether a value is the name of one of the application's own routes, read from a resolved URL.

Django's `resolve(path)` and `request.resolver_match` give a ResolverMatch whose `url_name`,
`view_name`, `namespace(s)`, `app_name(s)` and `route` are written in the project's URLconf,
whatever path the visitor asked for. So are `":".join(parts)` of a list made only of them
(`parts = match.namespaces; parts.append(match.url_name)`), the canonical-slug idiom that
reverses the current route again: `redirect(":".join(parts), pk=obj.pk, slug=slug)`.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

ROUTE_ATTRS = frozenset(
    {"url_name", "view_name", "namespace", "namespaces", "app_name", "app_names", "route"}
)
GROWERS = frozenset({"append", "extend"})
Bound = Callable[[ast.Name, dict[ast.AST, ast.AST]], list[ast.AST]]


def route_name(value: ast.AST, parents: dict[ast.AST, ast.AST], bound: Bound) -> bool:
    """Whether `value` is a route name (or list of them) from the project's URLconf."""
    if isinstance(value, ast.Attribute) and value.attr in ROUTE_ATTRS:
        return _resolved(value.value, parents, bound)
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "join"
        and isinstance(value.func.value, ast.Constant)
        and len(value.args) == 1
        and not value.keywords
    ):
        return _route_list(value.args[0], parents, bound)
    return False


def _resolved(value: ast.AST, parents: dict[ast.AST, ast.AST], bound: Bound) -> bool:
    """`request.resolver_match`, `resolve(...)`, or a local bound only to one of them."""
    if isinstance(value, ast.Attribute) and value.attr == "resolver_match":
        return True
    if isinstance(value, ast.Call):
        func = value.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        return name == "resolve"
    if isinstance(value, ast.Name):
        values = bound(value, parents)
        return bool(values) and all(_resolved(v, parents, bound) for v in values)
    return False


def _route_list(value: ast.AST, parents: dict[ast.AST, ast.AST], bound: Bound) -> bool:
    """A list of route names: a local bound only to them, grown only with them."""
    if not isinstance(value, ast.Name):
        return route_name(value, parents, bound)
    values = bound(value, parents)
    if not values or not all(route_name(v, parents, bound) for v in values):
        return False
    scope = parents.get(value)
    while scope is not None and not isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
        scope = parents.get(scope)
    for node in ast.walk(scope) if scope is not None else []:
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
            if isinstance(node.value, ast.Name) and node.value.id == value.id:
                return False  # parts[0] = ...
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == value.id
        ):
            grown = [route_name(a, parents, bound) for a in node.args]
            if node.func.attr not in GROWERS or not all(grown) or node.keywords:
                return False  # insert / `+=` bind it another way: _bound_values says unknown
    return True
