"""The function a called name stands for when an import renamed it (`import f as g`).

`from .extract import render_form as default_render_form` and then `default_render_form(...)`
calls the project's `render_form`: a summary keyed by function name should read it as that name.
The call's scopes are searched as Python does (its function, the functions around it, the
module; class bodies skipped); in the first that binds the name, every binding must be a
from-import of one and the same original name, or nothing is resolved.
"""

from __future__ import annotations

import ast

from devsecbots.nodes.analyzers.name_bindings import own_nodes
from devsecbots.nodes.analyzers.summary_defs import Parents

SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.Module)


def original_name(func: ast.AST, parents: Parents) -> str:
    """`f` when the called Name was bound only by `from m import f as <name>` ('' otherwise)."""
    if not isinstance(func, ast.Name):
        return ""
    node: ast.AST = func
    while node in parents:
        node = parents[node]
        if isinstance(node, SCOPES):
            found = _bound_in(node, func.id)
            if found is not None:
                return found
    return ""


def _bound_in(scope: ast.AST, name: str) -> str | None:
    """The original of `name` if `scope` binds it only by renaming from-imports of one name, ''
    if it binds it otherwise, None if it does not bind it."""
    originals: set[str] = set()
    other = False
    if not isinstance(scope, ast.Module):
        arguments = scope.args  # type: ignore[attr-defined]
        every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
        every += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
        other = any(a.arg == name for a in every)
    for node in own_nodes(scope):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.asname == name:
                    originals.add(alias.name)
                elif alias.asname is None and alias.name == name:
                    other = True
        elif isinstance(node, ast.Import):
            other = other or any((a.asname or a.name.split(".")[0]) == name for a in node.names)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            other = other or node.name == name
        elif isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load):
            other = True
    if other:
        return ""
    if not originals:
        return None
    return originals.pop() if len(originals) == 1 else ""
