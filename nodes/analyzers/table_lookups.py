"""What a lookup in a dict display returns: one of its values, whoever chose the key.

`locations = {"frigate": "/dev/shm/logs/frigate", ...}` then `locations.get(service)` or
`locations[service]`: the result is one of the values written there (or the `.get` default, or
nothing: `[]` raises), never the key. The name must be bound only to dict displays without
`**` in its function (a store `locations[k] = v`, `.update(...)` is another binding and makes it
no table here), or be a module-level table of the project (project_tables.py).
"""

from __future__ import annotations

import ast

from devsecbots.nodes.analyzers.name_bindings import Scopes
from devsecbots.nodes.analyzers.project_tables import looked_up


def table_values(
    node: ast.AST, scopes: Scopes, tables: dict[str, list[ast.expr]]
) -> list[ast.expr] | None:
    """The values `D[key]` / `D.get(key[, default])` may return (None: no table lookup)."""
    if isinstance(node, ast.Subscript) and not isinstance(node.slice, ast.Slice):
        table, extra = node.value, []
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and 1 <= len(node.args) <= 2
        and not node.keywords
    ):
        table, extra = node.func.value, node.args[1:]
    else:
        return None
    if not isinstance(table, ast.Name):
        return None
    bindings = scopes.bindings(table.id, table)
    function = scopes.function_of(table)
    if bindings and function is not None and bindings[0].scope is function:
        displays = [b.node for b in bindings if b.kind == "value"]
        if len(displays) != len(bindings) or not all(_display(d) for d in displays):
            return None
        return [v for d in displays if isinstance(d, ast.Dict) for v in d.values] + extra
    if bindings and not isinstance(bindings[0].scope, ast.Module):
        return None
    return looked_up(node, tables)


def _display(node: ast.AST) -> bool:
    return isinstance(node, ast.Dict) and None not in node.keys
