"""What a call passes for a function's parameter, and which name a node defines or reads: how
the cross-file passes match the project's calls to its functions."""

from __future__ import annotations

import ast


def argument(
    call: ast.Call, parameter: str, positional: list[str], defaults: dict[str, ast.expr]
) -> ast.expr | None:
    """The expression a call passes for `parameter` (its default when it passes none; None when
    it cannot be told: `*args` / `**kwargs` at the call may hold it). A keyword the call names,
    or a positional argument before any `*args`, is the value even so (Python rejects a second
    value for the same parameter)."""
    for keyword in call.keywords:
        if keyword.arg == parameter:
            return keyword.value
    starred = [i for i, a in enumerate(call.args) if isinstance(a, ast.Starred)]
    before = starred[0] if starred else len(call.args)
    if parameter in positional and positional.index(parameter) < before:
        return call.args[positional.index(parameter)]
    if starred or any(k.arg is None for k in call.keywords):
        return None
    return defaults.get(parameter)


def defined_or_read(node: ast.AST) -> str:
    """The name a function definition defines, or a read (`name`, `x.name`) reads; else ''."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return node.name
    if isinstance(node, ast.Name):
        return node.id if isinstance(node.ctx, ast.Load) else ""
    return node.attr if isinstance(node, ast.Attribute) else ""
