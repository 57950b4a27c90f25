"""Returns a call cannot reach: those under `if flag:` for a parameter the call leaves false.

A helper `def books(page, as_xml=False)` may return raw data under `if as_xml:` and a rendered
page otherwise; a caller that omits `as_xml` (its default is a false constant) or passes a false
constant (`False`, `None`, `0`, `""`) never reaches the guarded returns. The parameter must never
be reassigned in the function, and the guard must require it true: `if flag:` / `if flag and c:`
(the body), or `if not flag:` (the else branch).
"""

from __future__ import annotations

import ast

from devsecbots.nodes.analyzers.summary_defs import Definition, Parents

RECEIVERS = frozenset({"self", "cls"})


def falsy_defaults(definition: Definition) -> dict[str, int]:
    """Parameter -> position (after self / cls) of those defaulting to a false constant and
    never reassigned in the function."""
    arguments = definition.function.args
    positional = arguments.posonlyargs + arguments.args
    skip = 1 if positional and positional[0].arg in RECEIVERS else 0
    defaults = dict(zip(reversed(positional), reversed(arguments.defaults), strict=False))
    stored = {
        n.id
        for n in definition.own_nodes
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store | ast.Del)
    }
    return {
        a.arg: index - skip
        for index, a in enumerate(positional)
        if index >= skip and a in defaults and _falsy(defaults[a]) and a.arg not in stored
    }


def guarded(ret: ast.Return, flag: str, parents: Parents) -> bool:
    """Whether the return runs only when the parameter `flag` is true."""
    node: ast.AST = ret
    while node in parents:
        parent = parents[node]
        if isinstance(parent, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            return False
        if isinstance(parent, ast.If):
            if node in parent.body and _requires(parent.test, flag):
                return True
            if node in parent.orelse and _is_not(parent.test, flag):
                return True
        node = parent
    return False


def leaves_false(call: ast.Call, flag: str, position: int) -> bool:
    """Whether the call leaves the parameter at its false default or passes a false constant."""
    if any(k.arg is None for k in call.keywords):
        return False  # **values may set it
    named = [k.value for k in call.keywords if k.arg == flag]
    if named:
        return _falsy(named[0])
    if any(isinstance(a, ast.Starred) for a in call.args[: position + 1]):
        return False
    return len(call.args) <= position or _falsy(call.args[position])


def _requires(test: ast.AST, flag: str) -> bool:
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return any(_requires(v, flag) for v in test.values)
    return isinstance(test, ast.Name) and test.id == flag


def _is_not(test: ast.AST, flag: str) -> bool:
    negated = isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
    return negated and _requires(test.operand, flag)  # type: ignore[attr-defined]


def _falsy(value: ast.AST) -> bool:
    return isinstance(value, ast.Constant) and not value.value
