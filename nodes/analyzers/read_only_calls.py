"""Code that only reads: its every call is one known to change nothing, and it assigns only names.

A whitelist, not a list of writers: a call to a project function, a model, a database session,
a file or another server may change state, so only these count as reading:

- Flask's rendering and answering helpers (render_template, jsonify, url_for, redirect, abort,
  make_response, escape, gettext) and side-effect-free builtins (str, int, len, sorted, ...);
- `.get(...)` on the request's data, the session, `g` or `os.environ` (a dict-like read; not
  `requests.get`, which calls another server);
- string methods (format, strip, lower, split, join, ...) and logging calls (`logger.info`).

Statements must not assign anything but plain names (no `session[...] =`, `obj.attr =`),
delete, or declare globals.
"""

from __future__ import annotations

import ast

from devsecbots.nodes.analyzers.local_assignments import called_name
from devsecbots.nodes.analyzers.outgoing_values import is_logging

ANSWERING = frozenset(
    {"render_template", "render_template_string", "jsonify", "url_for", "redirect", "abort"}
    | {"make_response", "escape", "gettext", "_", "lazy_gettext", "ngettext"}
)
BUILTINS = frozenset(
    {"str", "int", "float", "bool", "len", "dict", "list", "tuple", "set", "frozenset"}
    | {"sorted", "min", "max", "isinstance", "repr", "any", "all", "enumerate", "zip", "range"}
)
STRING_METHODS = frozenset(
    {"format", "strip", "lstrip", "rstrip", "lower", "upper", "split", "rsplit", "join"}
    | {"replace", "startswith", "endswith", "isdigit", "encode", "decode", "splitlines"}
)
READ_ROOTS = frozenset({"request", "session", "g", "environ"})


def only_reads(node: ast.AST) -> bool:
    """Whether the node (a statement or an expression) changes nothing."""
    for inner in ast.walk(node):
        if isinstance(inner, ast.Call) and not _reading_call(inner):
            return False
        if isinstance(inner, ast.Delete | ast.Global | ast.Nonlocal):
            return False
        if isinstance(inner, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = inner.targets if isinstance(inner, ast.Assign) else [inner.target]
            if not all(_plain_target(t) for t in targets):
                return False
    return True


def _reading_call(call: ast.Call) -> bool:
    """A call known to read only."""
    name = called_name(call.func)
    if isinstance(call.func, ast.Name):
        return name in ANSWERING or name in BUILTINS
    if not isinstance(call.func, ast.Attribute):
        return False
    if name in STRING_METHODS or is_logging(call):
        return True
    if name in ANSWERING and called_name(call.func.value) == "flask":
        return True
    return name == "get" and _root(call.func.value) in READ_ROOTS


def _root(node: ast.AST) -> str:
    """The first name of an attribute chain (`request` for request.environ)."""
    while isinstance(node, ast.Attribute):
        if node.attr == "environ" and called_name(node.value) == "os":
            return "environ"
        node = node.value
    return node.id if isinstance(node, ast.Name) else ""


def _plain_target(target: ast.AST) -> bool:
    """A name, or a tuple / list of plain targets."""
    if isinstance(target, ast.Tuple | ast.List):
        return all(_plain_target(e) for e in target.elts)
    return isinstance(target, ast.Name)
