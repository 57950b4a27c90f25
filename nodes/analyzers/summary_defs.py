"""The project's function definitions by name, and what their returns say, for the summaries.

A helper summary (rendered, buffer, ...) holds for a name when every definition of it agrees.
A definition that never returns (abstract: only a docstring, `pass`, `...` or `raise`, as a base
class's method that subclasses override) says nothing about the value and is neutral.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from functools import cached_property

from devsecbots.nodes.analyzers.project_trees import all_nodes, children, walk

Function = ast.FunctionDef | ast.AsyncFunctionDef
Parents = dict[ast.AST, ast.AST]


class Definition:
    """One function definition; what is read of it is read once (summaries iterate)."""

    def __init__(self, function: Function) -> None:
        self.function = function

    @cached_property
    def parents(self) -> Parents:
        """Child -> parent within the function (enough to find a name's enclosing function)."""
        return {c: n for n in walk(self.function) for c in children(n)}

    @cached_property
    def own_nodes(self) -> list[ast.AST]:
        """The function's nodes, not those of functions or classes nested in it."""
        found, todo = [], children(self.function)
        while todo:
            node = todo.pop()
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
                continue
            found.append(node)
            todo.extend(children(node))
        return found

    @cached_property
    def own_returns(self) -> list[ast.Return]:
        """Its own return statements (a bare `return` included)."""
        return [n for n in self.own_nodes if isinstance(n, ast.Return)]

    @cached_property
    def returns(self) -> list[ast.Return]:
        """Its own `return <value>` statements."""
        return [r for r in self.own_returns if r.value is not None]

    @cached_property
    def yields(self) -> bool:
        """Whether it is a generator (a yield of its own)."""
        return any(isinstance(n, ast.Yield | ast.YieldFrom) for n in self.own_nodes)


Definitions = dict[str, list[Definition]]


_last: tuple[tuple[ast.AST, ...], Definitions] | None = None


def definitions(trees: Iterable[ast.AST]) -> Definitions:
    """Name -> every function (or method) so named, across the project, in the order of the
    trees' nodes. Built once per project: the passes share what each definition reads."""
    global _last
    key = tuple(trees)
    last = _last
    if last is not None and last[0] == key:
        return last[1]
    found: Definitions = {}
    for node in all_nodes(key):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found.setdefault(node.name, []).append(Definition(node))
    _last = (key, found)
    return found


def value_returns(
    functions: Iterable[Definition], test: Callable[[ast.Return, Parents], bool]
) -> bool:
    """Whether every value-returning statement of every definition passes `test` (at least one
    definition returning, none a generator, abstract ones neutral)."""
    returning = False
    for definition in functions:
        returns = definition.returns
        if not returns and is_abstract(definition.function):
            continue
        if not returns or definition.yields:
            return False
        if not all(test(r, definition.parents) for r in returns):
            return False
        returning = True
    return returning


def is_abstract(function: Function) -> bool:
    """Whether the body is only a docstring, `pass`, `...` and `raise` statements."""
    return all(
        isinstance(stmt, ast.Pass | ast.Raise)
        or (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant))
        for stmt in function.body
    )
