"""Files sent by a name the server chose, from storage that does not hold uploads.

`send_from_directory(cache_dir, thumbnail.filename)` serves a file the application wrote and
named itself (a generated thumbnail, a cover, a temporary export): its body is not request data,
and the type guessed from its name is the server's choice. A direct `send_from_directory(...)` in
a view is already no XSS sink; the same call inside a project helper counts as a safe body when

- the name refers to no parameter of the function and nothing of the request, directly or
  through a local name assigned from one (an attribute of a record, `thumbnail.filename`, is
  the record's own name; one of the receiver, `self.path`, is whatever built the instance
  gave; `name + "." + fmt` with a parameter `fmt` lets the caller pick the type);
- no argument, nor the function sending it (nor its class, where the summary sees past the
  function), speaks of uploads, media, users or attachments: stored uploads served inline are
  devsecbots.flask.upload-served-inline's case.
"""

from __future__ import annotations

import ast
import re

from devsecbots.nodes.analyzers.local_assignments import assigned_values
from devsecbots.nodes.analyzers.response_headers import function_of
from devsecbots.nodes.analyzers.summary_defs import Parents

UPLOADED = re.compile(r"(?i)upload|media|user|attach")
REQUEST = "request"
RECEIVERS = frozenset({"self", "cls"})
DEPTH = 3  # local names followed back through their assignments


def server_named(call: ast.Call, name: ast.AST | None, parents: Parents) -> bool:
    """Whether the sent file's `name` is the server's own, outside upload storage (see above)."""
    function = function_of(call, parents)
    if name is None or function is None or any(k.arg is None for k in call.keywords):
        return False
    params = _parameters(function)
    if _chosen_by_caller(name, params, parents, DEPTH):
        return False
    return not _speaks_of_uploads(call, function, parents)


def _parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    args = function.args
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
    return {a.arg for a in every if a is not None}


def _chosen_by_caller(value: ast.AST, params: set[str], parents: Parents, depth: int) -> bool:
    """Whether a bare name in `value` (not the record of an attribute) is a parameter or the
    request, or a local assigned from one; unknown bindings count as chosen. The receiver's own
    attributes (`self.path`) were set by whoever built the instance: chosen too."""
    if any(_on_receiver(n) for n in ast.walk(value)):
        return True
    for node in _bare_names(value):
        if node.id in params or node.id == REQUEST:
            return True
        values = assigned_values(node, parents)
        if not values and not _is_local(node, parents):
            continue  # a module constant or a builtin
        if not values or depth == 0:
            return True  # bound some other way (a loop, a with), or too far back
        if any(_chosen_by_caller(v, params, parents, depth - 1) for v in values):
            return True
    return any(isinstance(n, ast.Name) and n.id == REQUEST for n in ast.walk(value))


def _on_receiver(node: ast.AST) -> bool:
    """Whether `node` reads an attribute of `self` / `cls`."""
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in RECEIVERS
    )


def _bare_names(value: ast.AST) -> list[ast.Name]:
    """The names in `value` used as values themselves, not as the object of `.attr`."""
    objects = {id(n.value) for n in ast.walk(value) if isinstance(n, ast.Attribute | ast.Subscript)}
    return [
        n
        for n in ast.walk(value)
        if isinstance(n, ast.Name) and id(n) not in objects and isinstance(n.ctx, ast.Load)
    ]


def _is_local(name: ast.Name, parents: Parents) -> bool:
    """Whether its function binds `name` (else it is a module constant or a builtin)."""
    function = function_of(name, parents)
    return function is not None and any(
        isinstance(n, ast.Name) and n.id == name.id and isinstance(n.ctx, ast.Store)
        for n in ast.walk(function)
    )


def _speaks_of_uploads(call: ast.Call, function: ast.AST, parents: Parents) -> bool:
    """Whether an argument, the sending function or its class names uploads (see UPLOADED)."""
    texts = [ast.unparse(a) for a in [*call.args, *(k.value for k in call.keywords)]]
    node: ast.AST = function
    while True:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            texts.append(node.name)
        if node not in parents:
            break
        node = parents[node]
    return any(UPLOADED.search(t) for t in texts)
