"""File names a check pins to a value of a passive type: `if path != s.mac + ".png": abort(404)`.

A helper sending a file by a name its caller passes is safe for a caller whose name can only
be one the server computed with a fixed passive extension. The caller's check must leave
(return, raise, abort()) unless the name equals a value ending in a constant extension of a
passive type (`token + ".png"`, f"{token}.png": sent_files.py), and the name is never rebound
in its function.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from devsecbots.nodes.analyzers.built_types import leaves
from devsecbots.nodes.analyzers.response_headers import function_of
from devsecbots.nodes.analyzers.summary_defs import Parents


def pinned(name: ast.Name, parents: Parents, passive_name: Callable[[ast.AST], bool]) -> bool:
    """Whether a check before this use leaves unless `name` equals a passive-named value."""
    function = function_of(name, parents)
    if function is None or any(
        isinstance(n, ast.Name) and n.id == name.id and not isinstance(n.ctx, ast.Load)
        for n in ast.walk(function)
    ):
        return False
    node: ast.AST = name
    while node is not function and node in parents:
        parent = parents[node]
        for field in ("body", "orelse"):
            block = getattr(parent, field, None)
            if not (isinstance(block, list) and any(s is node for s in block)):
                continue
            for statement in block[: block.index(node)]:
                if _rejects_others(statement, name.id, passive_name):
                    return True
        node = parent
    return False


def _rejects_others(
    statement: ast.stmt, name: str, passive_name: Callable[[ast.AST], bool]
) -> bool:
    """`if name != value: <leave>` (either side) with no else, `value` passive-named."""
    if not (isinstance(statement, ast.If) and not statement.orelse and leaves(statement.body)):
        return False
    test = statement.test
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return False
    if not isinstance(test.ops[0], ast.NotEq):
        return False
    left, right = test.left, test.comparators[0]
    if isinstance(right, ast.Name) and right.id == name:
        left, right = right, left
    return isinstance(left, ast.Name) and left.id == name and passive_name(right)
