"""Whether a URL expression starts with a scheme written in the code (Bandit B310's file: worry).

A literal, f-string or concatenation that starts with http(s):// or ftp:// is fixed. A name is
fixed when every binding that reaches it is: a local `url = f"https://..."`, a module constant,
or the parameter of a function nested in another (nobody outside can call it) that every call
in sight passes a fixed URL (`def fetch(url): urlopen(url)` used as `fetch("https://...")`).
"""

from __future__ import annotations

import ast
import re

from devsecbots.nodes.analyzers.name_bindings import Binding, Scopes

_FIXED_SCHEME = re.compile(r"^(https?|ftp)://", re.IGNORECASE)
_DEPTH = 4


def fixed_scheme(arg: ast.AST, scopes: Scopes, depth: int = _DEPTH) -> bool:
    """Whether the URL expression `arg` starts with a scheme written in the code."""
    if depth <= 0:
        return False
    if isinstance(arg, ast.Call) and _name(arg.func) == "Request" and arg.args:
        return fixed_scheme(arg.args[0], scopes, depth)
    if isinstance(arg, ast.Name):
        found = scopes.reaching(arg.id, arg)
        return bool(found) and all(_fixed_binding(b, scopes, depth - 1) for b in found)
    head = arg
    while isinstance(head, ast.BinOp) and isinstance(head.op, ast.Add):
        head = head.left
    if isinstance(head, ast.JoinedStr) and head.values:
        head = head.values[0]
    return (
        isinstance(head, ast.Constant)
        and isinstance(head.value, str)
        and bool(_FIXED_SCHEME.match(head.value))
    )


def _fixed_binding(binding: Binding, scopes: Scopes, depth: int) -> bool:
    """Whether one binding of a name gives it a fixed-scheme URL."""
    if binding.kind == "value":
        return fixed_scheme(binding.node, scopes, depth)
    if binding.kind != "parameter" or not isinstance(binding.scope, ast.FunctionDef):
        return False
    arguments = _nested_call_arguments(binding.scope, binding.node, scopes)
    return bool(arguments) and all(fixed_scheme(a, scopes, depth) for a in arguments)


def _nested_call_arguments(function: ast.FunctionDef, parameter: ast.AST, scopes: Scopes) -> list:
    """What every call of a nested function passes for `parameter` ([] when a call is unknown:
    the function is not nested, escapes as a value, or a call's argument cannot be placed)."""
    outer = scopes.function_of(function)
    if outer is None or function.args.vararg or function.args.kwarg:
        return []
    positional = function.args.posonlyargs + function.args.args
    index = next((i for i, a in enumerate(positional) if a is parameter), None)
    name = getattr(parameter, "arg", "")
    arguments: list[ast.AST] = []
    for node in ast.walk(outer):
        if not (isinstance(node, ast.Name) and node.id == function.name):
            continue
        call = scopes.parents.get(node)
        if not (isinstance(call, ast.Call) and call.func is node):
            return []  # passed around as a value: other callers possible
        if any(isinstance(a, ast.Starred) for a in call.args) or any(
            k.arg is None for k in call.keywords
        ):
            return []
        if index is not None and index < len(call.args):
            arguments.append(call.args[index])
            continue
        keyword = next((k.value for k in call.keywords if k.arg == name), None)
        if keyword is None:
            return []  # the default, or a missing argument
        arguments.append(keyword)
    return arguments


def _name(func: ast.AST) -> str:
    """The called name: `f` for f(...) and x.f(...)."""
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""
