"""FastAPI dependencies a role factory makes for admin roles only: `require_role(["admin"])`.

A project function `def require_role(roles): async def check(request): ...; return check` is a
*role factory* when every return of it is the nested dependency, and that dependency, before
any return or yield, raises unless a value is in `roles`: `if not any(r in roles for r in
mine): raise HTTPException(403)`, `if role not in roles: raise ...`. Where the role value comes
from is the application's authentication (a session, a token, the trusted proxy's header); the
factory only says who passes. `Depends(require_role(["admin"]))` then admits admins only when
every role listed is an admin word (admin_gates.ADMIN_WORDS); `["admin", "viewer"]` admits a
viewer, and a factory whose check can fall through, or that rebinds `roles`, proves nothing.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from devsecbots.nodes.analyzers.helper_summaries import called_name
from devsecbots.nodes.analyzers.project_trees import all_nodes, statement_nodes
from devsecbots.nodes.security_words import words

Function = ast.FunctionDef | ast.AsyncFunctionDef
_QUANTIFIERS = frozenset({"any", "all"})


def role_factories(trees: Iterable[ast.AST]) -> set[str]:
    """Names every project definition of which is a role factory."""
    defined: dict[str, list[Function]] = {}
    for node in all_nodes(trees):
        if isinstance(node, Function):
            defined.setdefault(node.name, []).append(node)
    return {name for name, defs in defined.items() if all(_factory(d) for d in defs)}


def admin_role_call(value: ast.AST, factories: set[str], admin_words: frozenset[str]) -> bool:
    """`factory([...])` with a literal list of roles every one of which names an admin."""
    if not (isinstance(value, ast.Call) and called_name(value.func) in factories):
        return False
    if len(value.args) != 1 or value.keywords:
        return False
    roles = value.args[0]
    return (
        isinstance(roles, ast.List | ast.Tuple | ast.Set)
        and bool(roles.elts)
        and all(
            isinstance(e, ast.Constant)
            and isinstance(e.value, str)
            and bool(words(e.value) & admin_words)
            and not words(e.value) & {"non", "not", "no"}
            for e in roles.elts
        )
    )


def _factory(function: Function) -> bool:
    """One parameter, every return the nested dependency, which raises unless a value is in it."""
    positional = function.args.posonlyargs + function.args.args
    if len(positional) != 1 or function.args.vararg or function.args.kwarg:
        return False
    roles = positional[0].arg
    nested = {s.name: s for s in function.body if isinstance(s, Function)}
    returns = [n for n in statement_nodes(function.body) if isinstance(n, ast.Return)]
    if not returns or _rebinds(function, roles):
        return False
    for returned in returns:
        inner = nested.get(returned.value.id) if isinstance(returned.value, ast.Name) else None
        if inner is None or not _raises_unless_member(inner, roles):
            return False
    return True


def _raises_unless_member(dependency: Function, roles: str) -> bool:
    """A top-level `if <no value in roles>: ... raise` before any return or yield."""
    for stmt in dependency.body:
        if (
            isinstance(stmt, ast.If)
            and stmt.body
            and isinstance(stmt.body[-1], ast.Raise)
            and not any(isinstance(n, ast.Return) for n in statement_nodes(stmt.body))
            and _outside(stmt.test, roles)
        ):
            return True
        leaves = (ast.Return, ast.Yield, ast.YieldFrom)
        if any(isinstance(n, leaves) for n in statement_nodes([stmt])):
            return False
    return False


def _outside(test: ast.AST, roles: str) -> bool:
    """True only when no tested value is in `roles`: `x not in roles`, `not (x in roles)`,
    `not any(x in roles for x in xs)`."""
    if isinstance(test, ast.Compare):
        return _membership(test, roles, ast.NotIn)
    if not (isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)):
        return False
    inner = test.operand
    if (
        isinstance(inner, ast.Call)
        and called_name(inner.func) == "any"
        and len(inner.args) == 1
        and isinstance(inner.args[0], ast.GeneratorExp | ast.ListComp)
    ):
        inner = inner.args[0].elt
    return isinstance(inner, ast.Compare) and _membership(inner, roles, ast.In)


def _membership(test: ast.Compare, roles: str, operator: type) -> bool:
    """`x in roles` (or `not in`, as `operator` says), `roles` the container."""
    return (
        len(test.ops) == 1
        and isinstance(test.ops[0], operator)
        and isinstance(test.comparators[0], ast.Name)
        and test.comparators[0].id == roles
    )


def _rebinds(function: Function, name: str) -> bool:
    """Whether `name` is assigned or mutated anywhere in the function."""
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load):
            return True
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == name
            and node.func.attr in {"append", "extend", "insert", "add", "update", "clear"}
        ):
            return True
    return False
