"""What a call is named and what a local name is assigned, read from one function's code."""

from __future__ import annotations

import ast


def called_name(func: ast.AST) -> str:
    """`f` for f(...) and x.f(...)."""
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def assigned_values(name: ast.Name, parents: dict[ast.AST, ast.AST]) -> list[ast.AST]:
    """Every value assigned to `name` in its function ([] when it is bound any other way)."""
    function: ast.AST = name
    while function in parents and not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        function = parents[function]
    if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        return []
    if any(a.arg == name.id for a in ast.walk(function.args) if isinstance(a, ast.arg)):
        return []
    values: list[ast.AST] = []
    other = False
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            if any(isinstance(t, ast.Name) and t.id == name.id for t in node.targets):
                if len(node.targets) == 1:
                    values.append(node.value)
                else:
                    other = True
        elif isinstance(node, ast.AnnAssign) and node.value is not None:  # x: T = value
            if isinstance(node.target, ast.Name) and node.target.id == name.id:
                values.append(node.value)
        elif isinstance(node, ast.Name) and node.id == name.id and isinstance(node.ctx, ast.Store):
            if not isinstance(parents.get(node), ast.Assign | ast.AnnAssign):
                other = True  # bound by for, with, walrus, augmented assignment, ...
    return [] if other else values
