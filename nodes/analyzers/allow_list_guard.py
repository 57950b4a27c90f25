"""An allow-list check in front of a use: on every path that reaches it, a name equals a constant.

Three shapes, in the function of the use, count:

    if kind == "date": ...          if kind not in ("a", "b"):      if kind in ALLOWED:
    elif kind == "time": ...            raise ValueError(kind)          <use>
    else: raise ValueError(kind)    <use>
    <use>

The constants are literals (or a display of them, or a name bound only to one), or a collection
the deployer configured (`name in settings.LANGUAGES`, `in app.config["SUPPORTED"]`: the name is
then one of the values the deployer wrote, whoever sent it); the last `else`
or the rejecting branch must end the function's path (raise, return, abort(), exit()); and the
name must not be bound again after the check.
"""

from __future__ import annotations

import ast

from devsecbots.nodes.analyzers.name_bindings import Scopes
from devsecbots.nodes.analyzers.redirect_targets import configured

_STOPPING_CALLS = frozenset({"abort", "exit", "_exit"})
_COLLECTION_CALLS = frozenset({"frozenset", "set", "tuple", "list"})


def allow_listed(name: str, use: ast.AST, scopes: Scopes) -> bool:
    """Whether every path to `use` in its function passes a check limiting `name` to constants."""
    function = scopes.function_of(use)
    if function is None:
        return False
    node = use
    while node is not function and node in scopes.parents:
        parent = scopes.parents[node]
        if isinstance(parent, ast.If) and _within(node, parent.body):
            if _admits_only_constants(parent.test, name, scopes):
                return _not_rebound(name, parent.test, function, scopes)
        for block in _blocks(parent):
            if not _within(node, block):
                continue
            before = block[: next(i for i, s in enumerate(block) if s is node)]
            for statement in before:
                if _rejects_others(statement, name, scopes):
                    return _not_rebound(name, statement, function, scopes)
        node = parent
    return False


def _rejects_others(statement: ast.stmt, name: str, scopes: Scopes) -> bool:
    """An if/elif chain of constant tests ending in a stopping else, or `if name not in C: stop`."""
    if not isinstance(statement, ast.If):
        return False
    if _admits_others_only(statement.test, name, scopes) and _stops(statement.body):
        return True
    branch = statement
    while True:
        if not _admits_only_constants(branch.test, name, scopes):
            return False
        if len(branch.orelse) == 1 and isinstance(branch.orelse[0], ast.If):
            branch = branch.orelse[0]
            continue
        return bool(branch.orelse) and _stops(branch.orelse)


def _admits_only_constants(test: ast.AST, name: str, scopes: Scopes) -> bool:
    """Whether the test holds only when `name` equals one of some constants."""
    if isinstance(test, ast.BoolOp):
        parts = [_admits_only_constants(v, name, scopes) for v in test.values]
        return all(parts) if isinstance(test.op, ast.Or) else any(parts)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _admits_others_only(test.operand, name, scopes)
    return _comparison(test, name, (ast.Eq, ast.Is), ast.In, scopes)


def _admits_others_only(test: ast.AST, name: str, scopes: Scopes) -> bool:
    """Whether the test fails only when `name` equals one of some constants."""
    if isinstance(test, ast.BoolOp):
        parts = [_admits_others_only(v, name, scopes) for v in test.values]
        return any(parts) if isinstance(test.op, ast.Or) else all(parts)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _admits_only_constants(test.operand, name, scopes)
    return _comparison(test, name, (ast.NotEq, ast.IsNot), ast.NotIn, scopes)


def _comparison(
    test: ast.AST, name: str, equal: tuple[type, ...], member: type, scopes: Scopes
) -> bool:
    """`name == C` / `C == name` (an `equal` operator) or `name in (C, ...)` (`member`)."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return False
    left, op, right = test.left, test.ops[0], test.comparators[0]
    if isinstance(op, equal):
        return (_is_name(left, name) and _constant(right)) or (
            _is_name(right, name) and _constant(left)
        )
    return isinstance(op, member) and _is_name(left, name) and _constants(right, scopes)


def _constants(node: ast.AST, scopes: Scopes, depth: int = 0) -> bool:
    """A literal collection of constants (dict keys count), a name bound only to one, or a
    configured collection."""
    if configured(node, scopes.parents):
        return True
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return all(_constant(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(k is not None and _constant(k) for k in node.keys)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and len(node.args) == 1:
        return node.func.id in _COLLECTION_CALLS and _constants(node.args[0], scopes, depth)
    if isinstance(node, ast.Name) and depth < 3:
        found = scopes.bindings(node.id, node)
        return bool(found) and all(
            b.kind == "value" and _constants(b.node, scopes, depth + 1) for b in found
        )
    return _constant(node)


def _constant(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant)


def _stops(block: list[ast.stmt]) -> bool:
    """Whether the block ends the function's path: raise, return, abort(...), exit(...)."""
    if not block:
        return False
    last = block[-1]
    if isinstance(last, ast.Raise | ast.Return):
        return True
    if isinstance(last, ast.Expr) and isinstance(last.value, ast.Call):
        func = last.value.func
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        return called in _STOPPING_CALLS
    return False


def _not_rebound(name: str, check: ast.AST, function: ast.AST, scopes: Scopes) -> bool:
    """Whether every binding of `name` in the function comes before the check."""
    return all(
        b.kind == "parameter" or getattr(b.node, "lineno", 0) < getattr(check, "lineno", 0)
        for b in scopes.bindings_in(name, function)
    )


def _blocks(node: ast.AST) -> list[list[ast.stmt]]:
    """The statement lists directly in `node`."""
    found = [getattr(node, f, None) for f in ("body", "orelse", "finalbody")]
    return [b for b in found if isinstance(b, list)]


def _within(node: ast.AST, block: list[ast.stmt]) -> bool:
    return any(s is node for s in block)


def _is_name(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name
