"""Where a digest goes in the function that makes it, read as the words of what it reaches.

A weak hash blocks only where its result protects something. The names right around the call
(hash_purpose.py) often say nothing (`h = hashlib.md5()`, `result = h.digest()`), so this follows
the value through the function: the data fed to it (`h.update(password)`), every statement a name
holding it reaches (assignments carry it on), the function returning it, and, when it is handed to
a method of a local object, what that object was made from (`f = open("passwords.txt")` ...
`f.write(digest)` stores it in a password file).
"""

from __future__ import annotations

import ast

from devsecbots.nodes.security_words import spelled, words, words_and_singulars

_HOPS = 4  # digest -> hexdigest -> encoded -> stored: longer chains say less and cost more


def reached_words(call: ast.Call, parents: dict[ast.AST, ast.AST]) -> set[str]:
    """The words of the names and strings the value made by `call` reaches in its function."""
    statement = _statement(call, parents)
    scope = _scope(statement, parents)
    if statement is None or scope is None:
        return set()
    statements = [n for n in ast.walk(scope) if isinstance(n, ast.stmt) and n is not scope]
    said = _spelled_words(_own_nodes(statement))
    tracked = _bound_names(statement)
    seen: set[ast.stmt] = {statement}
    for _ in range(_HOPS):
        reached = [
            s
            for s in statements
            if s not in seen
            and s.lineno >= statement.lineno
            and any(_loads(node, tracked) for node in _own_nodes(s))
        ]
        if not reached:
            break
        for other in reached:
            seen.add(other)
            said |= _spelled_words(_own_nodes(other))
            said |= _receiver_words(other, tracked, statements)
            if isinstance(other, ast.Return) and isinstance(
                scope, ast.FunctionDef | ast.AsyncFunctionDef
            ):
                said |= words(scope.name)
            tracked |= _bound_names(other)
    return said


def _statement(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> ast.stmt | None:
    while node in parents and not isinstance(node, ast.stmt):
        node = parents[node]
    return node if isinstance(node, ast.stmt) else None


def _scope(node: ast.AST | None, parents: dict[ast.AST, ast.AST]) -> ast.AST | None:
    """The function around `node`, else the module."""
    while node is not None and node in parents:
        node = parents[node]
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Module):
            return node
    return node


def _own_nodes(statement: ast.stmt) -> list[ast.AST]:
    """The nodes of a statement without the statements nested in it (a `with`'s items, not its
    body)."""
    nodes: list[ast.AST] = []
    stack: list[ast.AST] = [statement]
    while stack:
        node = stack.pop()
        nodes.append(node)
        stack += [c for c in ast.iter_child_nodes(node) if not isinstance(c, ast.stmt)]
    return nodes


def _bound_names(statement: ast.stmt) -> set[str]:
    """Local names a statement binds: `x = ...`, `x += ...`, `with ... as x`, `for x in ...`."""
    targets: list[ast.AST] = []
    if isinstance(statement, ast.Assign):
        targets = list(statement.targets)
    elif isinstance(statement, ast.AnnAssign | ast.AugAssign | ast.For | ast.AsyncFor):
        targets = [statement.target]
    elif isinstance(statement, ast.With | ast.AsyncWith):
        targets = [i.optional_vars for i in statement.items if i.optional_vars is not None]
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}


def _loads(node: ast.AST, names: set[str]) -> bool:
    return isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in names


def _spelled_words(nodes: list[ast.AST]) -> set[str]:
    return set().union(*(words_and_singulars(spelled(n)) for n in nodes))


def _receiver_words(statement: ast.stmt, tracked: set[str], statements: list[ast.stmt]) -> set[str]:
    """What the local objects the value is handed to were made from: `f.write(digest)` reads the
    statement that bound `f`."""
    receivers = {
        call.func.value.id
        for call in _own_nodes(statement)
        if isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and isinstance(call.func.value, ast.Name)
        and call.func.value.id not in tracked
        and any(_loads(n, tracked) for a in call.args for n in ast.walk(a))
    }
    said: set[str] = set()
    for bound in statements:
        if _bound_names(bound) & receivers:
            nodes = _own_nodes(bound)
            said |= _spelled_words([n for n in nodes if isinstance(n, ast.Constant)])
    return said
