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
    function = _local_function(name, parents)
    if function is None:
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


def unpacked_items(name: ast.Name, parents: dict[ast.AST, ast.AST]) -> list[tuple[ast.Call, int]]:
    """(call, index) for each `a, name = call(...)` of `name` in its function, when every
    binding of it is one ([] when it is bound any other way, or by a starred target)."""
    function = _local_function(name, parents)
    if function is None:
        return []
    found = []
    for node in ast.walk(function):
        if not (isinstance(node, ast.Name) and node.id == name.id):
            continue
        if not isinstance(node.ctx, ast.Store):
            continue
        target, statement = parents.get(node), parents.get(parents.get(node))  # type: ignore[arg-type]
        if not (
            isinstance(target, ast.Tuple | ast.List)
            and isinstance(statement, ast.Assign)
            and statement.targets == [target]
            and isinstance(statement.value, ast.Call)
            and not any(isinstance(e, ast.Starred) for e in target.elts)
        ):
            return []
        found.append((statement.value, target.elts.index(node)))
    return found


def reaching_assignment(name: ast.Name, parents: dict[ast.AST, ast.AST]) -> ast.Assign | None:
    """The assignment that certainly gives the used `name` its value: the last statement binding
    it in the straight-line code before the use (its block, then the blocks around it through
    if / with / a try's body), when that is a plain or unpacking assignment (None if unknown)."""
    node: ast.AST = name
    while node in parents:
        parent = parents[node]
        if isinstance(parent, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            return None
        block = _block_of(parent, node)
        if block is not None:
            for statement in reversed(block[: block.index(node)]):  # type: ignore[arg-type]
                if _binds(statement, name.id):
                    return (
                        statement
                        if isinstance(statement, ast.Assign) and _assigns(statement, name.id)
                        else None
                    )
            if not _straight_into(parent, block, name.id):
                return None
        node = parent
    return None


def tested_empty(name: ast.Name, parents: dict[ast.AST, ast.AST]) -> bool:
    """Whether the use of `name` runs only where an enclosing `if name:` failed (its else) or
    `if not name:` held, with no binding of it in between: the value is empty ("", None, 0)."""
    node: ast.AST = name
    while node in parents:
        parent = parents[node]
        if isinstance(parent, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            return False
        block = _block_of(parent, node)
        if block is not None:
            if any(_binds(s, name.id) for s in block[: block.index(node)]):  # type: ignore[arg-type]
                return False
            branch = block is getattr(parent, "body", None)
            if isinstance(parent, ast.If) and _tests_empty(parent.test, name.id, branch):
                return True
            if not _straight_into(parent, block, name.id):
                return False
        node = parent
    return False


def _tests_empty(test: ast.AST, name: str, body: bool) -> bool:
    """`if not name:` (its body) or `if name:` (its else)."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return body and isinstance(test.operand, ast.Name) and test.operand.id == name
    return not body and isinstance(test, ast.Name) and test.id == name


def _block_of(parent: ast.AST, child: ast.AST) -> list[ast.stmt] | None:
    """The statement list of `parent` that holds `child` (None if it is no statement there)."""
    for _, value in ast.iter_fields(parent):
        if isinstance(value, list) and any(v is child for v in value):
            return value if all(isinstance(v, ast.stmt) for v in value) else None
    return None


def _straight_into(parent: ast.AST, block: list[ast.stmt], name: str) -> bool:
    """Whether `block` of `parent` runs right after the code before `parent` (its header binding
    nothing of `name`): an if's branches, a with's body, a try's body."""
    if isinstance(parent, ast.If):
        return not _binds(parent.test, name)
    if isinstance(parent, ast.With | ast.AsyncWith):
        return not any(_binds(item, name) for item in parent.items)
    if isinstance(parent, ast.Try | ast.TryStar):
        return block is parent.body
    return False


def _binds(node: ast.AST, name: str) -> bool:
    """Whether the code stores into `name` anywhere (nested functions and classes aside)."""
    todo = [node]
    while todo:
        current = todo.pop()
        if (
            isinstance(current, ast.Name)
            and current.id == name
            and not isinstance(current.ctx, ast.Load)
        ):
            return True
        if isinstance(current, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if current.name == name:
                return True
            continue
        if isinstance(current, ast.Lambda):
            continue
        if isinstance(current, ast.ExceptHandler) and current.name == name:
            return True
        if isinstance(current, ast.Import | ast.ImportFrom) and any(
            (a.asname or a.name).split(".")[0] == name for a in current.names
        ):
            return True
        todo.extend(ast.iter_child_nodes(current))
    return False


def _assigns(statement: ast.stmt, name: str) -> bool:
    """`name = value` or `a, name = value`: one target that binds `name` directly."""
    if not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
        return False
    target = statement.targets[0]
    if isinstance(target, ast.Name):
        return target.id == name
    return isinstance(target, ast.Tuple | ast.List) and any(
        isinstance(e, ast.Name) and e.id == name for e in target.elts
    )


def _local_function(
    name: ast.Name, parents: dict[ast.AST, ast.AST]
) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The function `name` is a local variable of (None at module level or for a parameter)."""
    function: ast.AST = name
    while function in parents and not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        function = parents[function]
    if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        return None
    if any(a.arg == name.id for a in ast.walk(function.args) if isinstance(a, ast.arg)):
        return None
    return function
