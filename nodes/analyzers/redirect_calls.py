"""The project's own functions a redirect target goes through: what a call returns, and what a
function's parameter receives from every call of it, for redirect_targets.py.

A function is followed only when the project defines it once, at module level, undecorated, and
every mention of its name in the project calls it (not passed as a callback, not a method: a
caller outside sight could pass anything). Its calls are read with their arguments as the
callers wrote them (call_arguments.argument), `*args` / `**kwargs` at a call stop the reading.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from devsecbots.nodes.analyzers.call_arguments import argument, defined_or_read
from devsecbots.nodes.analyzers.code_set_attributes import CodeSetAttributes
from devsecbots.nodes.analyzers.project_trees import parents_of, walk
from devsecbots.nodes.analyzers.summary_defs import Definition, definitions
from devsecbots.nodes.analyzers.url_checks import Param, safe_url_checks

Function = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass
class Frame:
    """A call being followed into its function: the callee's parameters are its arguments,
    read by the caller's reading."""

    function: Function
    call: ast.Call
    caller: Any  # the reading of the call's own code (redirect_targets._Reading)

    def given(self, parameter: str) -> ast.expr | None:
        """The argument the call passes for the parameter (its default; None when unknown)."""
        positional, defaults = _signature(self.function)
        return argument(self.call, parameter, positional, defaults)


class ProjectCalls:
    """The project's module-level functions and their calls."""

    def __init__(self, trees: Iterable[ast.AST]) -> None:
        self.trees = tuple(trees)
        self.parents = parents_of(self.trees)
        self.checks: dict[str, Param] = safe_url_checks(self.trees)
        self._definitions = definitions(self.trees)
        self._mentions: dict[str, list[ast.AST]] = {}
        self._aliases: dict[int, dict[str, str]] = {}  # module -> {asname: name}
        self._bound: dict[int, set[str]] = {}  # function -> the names it binds
        bound = self._bound
        for tree in self.trees:
            aliases = self._aliases.setdefault(id(tree), _import_aliases(tree))
            for node in walk(tree):
                name = defined_or_read(node)
                if name in self._definitions and isinstance(node, ast.Name):
                    if _local(node, self.parents, bound):
                        continue  # a variable or parameter of that name, not the function
                if name and not isinstance(node, Function):
                    self._mentions.setdefault(aliases.get(name, name), []).append(node)
        self._attributes: CodeSetAttributes | None = None

    def code_set(self, value: ast.AST) -> bool:
        """Whether the value is a code-set attribute of `self` (code_set_attributes.py)."""
        if self._attributes is None:
            self._attributes = CodeSetAttributes(self.trees, self.parents)
        return self._attributes.holds(value)

    def callee(self, call: ast.Call) -> Definition | None:
        """The one project function the call runs (None when it cannot be told)."""
        func = call.func
        name = func.id if isinstance(func, ast.Name) else ""
        if isinstance(func, ast.Name) and _local(func, self.parents, self._bound):
            return None  # a local variable or parameter holding some function
        if name:  # `from .utils import login_url as make_login_url`
            name = self._aliases.get(id(_module_of(func, self.parents)), {}).get(name, name)
        if isinstance(func, ast.Attribute) and module_name(func.value, self.parents):
            name = func.attr  # module.function(...)
        return self._followed(name)

    def passed(self, function: Function, parameter: str) -> list[ast.expr] | None:
        """What every call of the function passes for the parameter (None when unknown)."""
        if self._followed(function.name) is None:
            return None
        positional, defaults = _signature(function)
        if parameter not in positional + [a.arg for a in function.args.kwonlyargs]:
            return None
        found = []
        for mention in self._mentions.get(function.name, []):
            call = self.parents.get(mention)
            if not (isinstance(call, ast.Call) and call.func is mention):
                return None
            value = argument(call, parameter, positional, defaults)
            if value is None:
                return None
            found.append(value)
        return found or None

    def _followed(self, name: str) -> Definition | None:
        found = self._definitions.get(name, [])
        if len(found) != 1:
            return None
        function = found[0].function
        if function.decorator_list or not isinstance(self.parents.get(function), ast.Module):
            return None
        for mention in self._mentions.get(name, []):
            call = self.parents.get(mention)
            if not (isinstance(call, ast.Call) and call.func is mention):
                return None  # used as a value: whoever receives it may call it
        return found[0]


def module_name(value: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """A name its module binds by `import` (`utils` of `from app import utils`), nothing else."""
    if not isinstance(value, ast.Name):
        return False
    module: ast.AST = value
    while module in parents:
        module = parents[module]
    imported = other = False
    for node in walk(module):
        if isinstance(node, ast.Import | ast.ImportFrom):
            imported = imported or any(
                (a.asname or a.name.split(".")[0]) == value.id for a in node.names
            )
        elif isinstance(node, ast.Name) and node.id == value.id:
            other = other or not isinstance(node.ctx, ast.Load)
        elif isinstance(node, ast.arg) and node.arg == value.id:
            other = True
    return imported and not other


def _import_aliases(tree: ast.AST) -> dict[str, str]:
    """The module's `from ... import name as asname` bindings: asname -> name."""
    return {
        a.asname: a.name
        for node in walk(tree)
        if isinstance(node, ast.ImportFrom)
        for a in node.names
        if a.asname and a.asname != a.name
    }


def _module_of(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> ast.AST:
    while node in parents:
        node = parents[node]
    return node


def _local(name: ast.Name, parents: dict[ast.AST, ast.AST], cache: dict[int, set[str]]) -> bool:
    """Whether a function around the read binds the name (a parameter, an assignment)."""
    node: ast.AST = name
    while node in parents:
        node = parents[node]
        if isinstance(node, Function | ast.Lambda):
            if id(node) not in cache:
                cache[id(node)] = _bound_in(node)
            if name.id in cache[id(node)]:
                return True
    return False


def _bound_in(function: Function | ast.Lambda) -> set[str]:
    """The names a function binds itself: parameters and assigned names (not nested scopes'),
    less those it declares global or nonlocal."""
    bound = {a.arg for a in ast.walk(function.args) if isinstance(a, ast.arg)}
    declared: set[str] = set()
    body = function.body
    todo: list[ast.AST] = list(body) if isinstance(body, list) else [body]
    while todo:
        node = todo.pop()
        if isinstance(node, Function | ast.Lambda | ast.ClassDef):
            if not isinstance(node, ast.Lambda):
                bound.add(node.name)
            continue
        if isinstance(node, ast.Global | ast.Nonlocal):
            declared.update(node.names)
        elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound.add(node.id)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
        todo.extend(ast.iter_child_nodes(node))
    return bound - declared


def _signature(function: Function) -> tuple[list[str], dict[str, ast.expr]]:
    """The positional parameter names, and the defaults by name."""
    args = function.args
    positional = [a.arg for a in args.posonlyargs + args.args]
    defaults = dict(zip(reversed(positional), reversed(args.defaults), strict=False))
    defaults.update({a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d})
    return positional, defaults
