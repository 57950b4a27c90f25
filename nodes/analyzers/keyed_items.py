"""What a constant-key subscript reads back from dict literals, through names and lists.

`rows.append({"id": tag.pk, "name": tag.name})` and later `for row in rows: f"{row['id']}"`:
the subscript reads only what was stored under "id", not the whole dict. A name is followed
through every binding that reaches it (name_bindings.py): assigned a dict literal, it gives that
dict's value for the key; an element of a list, it gives the value for the key of every item
the list holds - the items of a list or tuple literal it is assigned, and each value appended
or inserted into it. A key missing from a literal dict gives nothing (the read raises).

Anything else is not read (None): a dict built another way (dict(), a comprehension, a call),
a value stored with `d[k] = v`, `update()`, `extend()` or `+=`, a parameter, a dict with `**`
unpacking or a key that is not a constant.
"""

from __future__ import annotations

import ast

from devsecbots.nodes.analyzers.name_bindings import Scopes

_ADDS_ITEM = frozenset({"append", "insert", "appendleft"})
_DEPTH = 4


def keyed_values(node: ast.Subscript, scopes: Scopes) -> list[ast.expr] | None:
    """The expressions `node` (`name["key"]`) may read, or None when they cannot be told."""
    key = node.slice
    if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
        return None
    return _dict_values(node.value, key.value, scopes, _DEPTH)


def _dict_values(expr: ast.AST, key: str, scopes: Scopes, depth: int) -> list[ast.expr] | None:
    """The values under `key` of every dict `expr` may be."""
    if isinstance(expr, ast.Dict):
        if not all(isinstance(k, ast.Constant) for k in expr.keys):
            return None
        pairs = zip(expr.keys, expr.values, strict=True)
        return [v for k, v in pairs if isinstance(k, ast.Constant) and k.value == key]
    if not isinstance(expr, ast.Name) or depth <= 0:
        return None
    found: list[ast.expr] = []
    for binding in scopes.reaching(expr.id, expr):
        if binding.kind == "value" and _role(binding.node, scopes) == "whole":
            got = _dict_values(binding.node, key, scopes, depth - 1)
        elif binding.kind == "element":
            got = _item_values(binding.node, key, scopes, depth - 1)
        else:
            return None
        if got is None:
            return None
        found += got
    return found


def _item_values(iterable: ast.AST, key: str, scopes: Scopes, depth: int) -> list[ast.expr] | None:
    """The values under `key` of every item of the list `iterable`."""
    items: list[ast.expr] = []
    if isinstance(iterable, ast.List | ast.Tuple):
        items = list(iterable.elts)
    elif isinstance(iterable, ast.Name) and depth > 0:
        for binding in scopes.reaching(iterable.id, iterable):
            role = _role(binding.node, scopes) if binding.kind == "value" else ""
            if role == "item" and isinstance(binding.node, ast.expr):
                items.append(binding.node)
            elif role == "whole" and isinstance(binding.node, ast.List | ast.Tuple):
                items += binding.node.elts
            else:
                return None
    else:
        return None
    found: list[ast.expr] = []
    for item in items:
        got = _dict_values(item, key, scopes, depth)
        if got is None:
            return None
        found += got
    return found


def _role(value: ast.AST, scopes: Scopes) -> str:
    """'whole' for `x = value`, 'item' for `x.append(value)` / `x.insert(i, value)`, else ''."""
    parent = scopes.parents.get(value)
    if isinstance(parent, ast.Assign) and all(isinstance(t, ast.Name) for t in parent.targets):
        return "whole"
    if isinstance(parent, ast.AnnAssign | ast.NamedExpr) and isinstance(parent.target, ast.Name):
        return "whole"
    if (
        isinstance(parent, ast.Call)
        and isinstance(parent.func, ast.Attribute)
        and parent.func.attr in _ADDS_ITEM
        and parent.args
        and parent.args[-1] is value
    ):
        return "item"
    return ""
