"""What a project's module-level lookup tables hold: `TABLE = {"csv": dump_csv, "x": Exporter}`.

A value looked up in such a table (`TABLE[key]`, `TABLE.get(key)`) is one of its values, whoever
chose the key. A table counts when every module-level binding of its name is a dict display;
items stored later (`TABLE[key] = value`, on the name or an attribute of that name) are among
its values; a table changed any other way (`.update`, `.setdefault`, `global`, `|=`) does not.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from devsecbots.nodes.analyzers.project_trees import all_nodes

MUTATORS = frozenset({"update", "setdefault", "__setitem__"})


def lookup_tables(trees: Iterable[ast.AST]) -> dict[str, list[ast.expr]]:
    """Table name -> every value it may hold, across the project's modules."""
    trees = list(trees)
    values: dict[str, list[ast.expr]] = {}
    spoiled: set[str] = set()
    for tree in trees:
        for stmt in getattr(tree, "body", []):
            target, value = _binding(stmt)
            if target is None:
                if isinstance(stmt, ast.Assign):  # `A, B = ...` rebinds without a display
                    spoiled |= {
                        n.id for t in stmt.targets for n in ast.walk(t) if isinstance(n, ast.Name)
                    }
                continue
            if isinstance(value, ast.Dict) and None not in value.keys:  # no **other
                values.setdefault(target, []).extend(value.values)
            else:
                spoiled.add(target)
    for node in all_nodes(trees):
        if isinstance(node, ast.Assign):
            for name in {_table_name(t) for t in node.targets} - {""}:
                values.setdefault(name, []).append(node.value)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign | ast.Delete):
            targets = node.targets if isinstance(node, ast.Delete) else [node.target]
            spoiled |= {_table_name(t) for t in targets}
        elif isinstance(node, ast.Global):
            spoiled.update(node.names)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in MUTATORS:
                spoiled.add(_name(node.func.value))
    return {name: found for name, found in values.items() if name not in spoiled}


def looked_up(value: ast.AST, tables: dict[str, list[ast.expr]]) -> list[ast.expr] | None:
    """What `TABLE[key]` / `TABLE.get(key[, default])` may be (None when it is no table lookup)."""
    if isinstance(value, ast.Subscript) and not isinstance(value.slice, ast.Slice):
        return tables.get(_name(value.value))
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "get"
        and 1 <= len(value.args) <= 2
        and not value.keywords
    ):
        found = tables.get(_name(value.func.value))
        return None if found is None else found + value.args[1:]
    return None


def _binding(stmt: ast.stmt) -> tuple[str | None, ast.expr | None]:
    """(name, value) of a module-level `NAME = value` / `NAME: T = value`."""
    if isinstance(stmt, ast.Assign):
        if len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            return stmt.targets[0].id, stmt.value
        return None, None
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return stmt.target.id, stmt.value
    return None, None


def _table_name(target: ast.AST) -> str:
    """`T` for a store into `T[key]` or `module.T[key]`, '' otherwise."""
    return _name(target.value) if isinstance(target, ast.Subscript) else ""


def _name(value: ast.AST) -> str:
    if isinstance(value, ast.Attribute):
        return value.attr
    return value.id if isinstance(value, ast.Name) else ""
