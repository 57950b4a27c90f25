"""Reads of the process environment: the deployment's operator sets them, a request cannot.

`os.environ.get("KEY", default)`, `os.getenv("KEY")` and `os.environ["KEY"]` (also after
`from os import environ, getenv`) with a literal key. A computed key may name any variable, so
it is no fixed read of the operator's setting.
"""

from __future__ import annotations

import ast

ENV_CALLS = frozenset({"os.environ.get", "environ.get", "os.getenv", "getenv"})
ENVIRON = frozenset({"os.environ", "environ"})


def env_read(node: ast.AST) -> bool:
    """Whether `node` reads one environment variable named by a literal key."""
    if isinstance(node, ast.Subscript):
        return dotted(node.value) in ENVIRON and _literal_key(node.slice)
    if not isinstance(node, ast.Call) or dotted(node.func) not in ENV_CALLS:
        return False
    return bool(node.args) and _literal_key(node.args[0])


def env_default(call: ast.AST) -> ast.AST | None:
    """The fallback of `environ.get(k, d)` / `getenv(k, d)` (None when there is none)."""
    if not isinstance(call, ast.Call):
        return None
    if len(call.args) > 1:
        return call.args[1]
    return next((k.value for k in call.keywords if k.arg in ("default", "failobj")), None)


def dotted(node: ast.AST) -> str:
    """The dotted text of a name or attribute chain ('' for anything else)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        owner = dotted(node.value)
        return f"{owner}.{node.attr}" if owner else ""
    return ""


def _literal_key(key: ast.AST) -> bool:
    return isinstance(key, ast.Constant) and isinstance(key.value, str)
