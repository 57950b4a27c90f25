"""Where a name's value comes from, seen from where it is used: Python's scopes, read statically.

A name used in a function is looked up in that function, then in the functions (and lambdas,
comprehensions) around it, then in the module, as Python does; a class body is searched only for
code directly in it. In the first scope that binds the name, every binding counts, whatever
branch or order it is in: a parameter, each assignment (`x = ...`, `x += ...`, `a, x = ...`,
`x := ...`), a loop or comprehension target (an element of its iterable), a `with ... as x`, and
every value stored into it (`x[k] = v`, `x.a = v`, `x.append(v)`, ...). Names bound by import,
def, class or except are opaque: their value is not an expression here.

One piece of order is read, where it is certain: in the function that uses the name, a plain
assignment before the use in a statement list holding it (`value = escape(value)` in the body,
or earlier in the same branch, loop or try body) replaces the parameter and every binding
before it, and no binding after the statement that holds the use reaches it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Literal

from devsecbots.nodes.analyzers.project_trees import tree_parents

Kind = Literal["parameter", "value", "element", "opaque"]
SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.Module)
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_STORING_METHODS = frozenset(
    {"append", "extend", "insert", "add", "update", "setdefault", "appendleft", "extendleft"}
)


@dataclass(frozen=True)
class Binding:
    """One way a name gets its value: `node` is the parameter (ast.arg), the assigned value, the
    iterable whose element it is, or the binding statement when opaque."""

    kind: Kind
    node: ast.AST
    scope: ast.AST


class Scopes:
    """Name lookups in one parsed module."""

    def __init__(self, tree: ast.AST) -> None:
        self.tree = tree
        self.parents = tree_parents(tree)
        self._own: dict[int, list[ast.AST]] = {}

    def scope_of(self, node: ast.AST) -> ast.AST:
        """The innermost function, lambda, class, comprehension or module around `node`."""
        path, current = [node], node
        while current in self.parents:
            parent = self.parents[current]
            if isinstance(parent, SCOPES + COMPREHENSIONS) and not _evaluated_outside(path, parent):
                return parent
            current = parent
            path.append(current)
        return current

    def function_of(self, node: ast.AST) -> ast.AST | None:
        """The innermost function or lambda around `node` (None at module or class level)."""
        scope = self.scope_of(node)
        while not isinstance(scope, ast.Module | ast.ClassDef):
            if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                return scope
            scope = self.scope_of(scope)
        return None

    def bindings(self, name: str, at: ast.AST) -> list[Binding]:
        """Every binding of `name` in the first scope around `at` that binds it ([] if none)."""
        scope = self.scope_of(at)
        innermost = True
        while True:
            if not isinstance(scope, ast.ClassDef) or innermost:
                found = self.bindings_in(name, scope)
                if found:
                    return found
            if isinstance(scope, ast.Module):
                return []
            innermost = False
            scope = self.scope_of(scope)

    def reaching(self, name: str, at: ast.AST) -> list[Binding]:
        """The bindings of `name` that can reach `at`: in its own function, a plain assignment
        before `at` in a statement list that holds it (the body, or a branch's, loop's, try's
        body around `at`) overwrites what came before; bindings after the statement of that list
        holding `at` cannot reach it either (a loop back to `at` passes that assignment again)."""
        found = self.bindings(name, at)
        scope = self.scope_of(at)
        if not found or found[0].scope is not scope:
            return found
        if not isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
            return found
        statement = at
        while statement is not scope:
            parent = self.parents[statement]
            block = _block_holding(parent, statement)
            if block is not None:
                index = next(i for i, s in enumerate(block) if s is statement)
                overwriting = [s for s in block[:index] if _overwrites(s, name)]
                if overwriting:
                    holding = block[index]
                    since, until = overwriting[-1].lineno, holding.end_lineno or holding.lineno
                    return [
                        b
                        for b in found
                        if b.kind != "parameter" and since <= getattr(b.node, "lineno", 0) <= until
                    ]
            statement = parent
        return found

    def bindings_in(self, name: str, scope: ast.AST) -> list[Binding]:
        """Every binding of `name` made by `scope` itself."""
        found: list[Binding] = []
        if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            found += [Binding("parameter", a, scope) for a in _parameters(scope) if a.arg == name]
        if isinstance(scope, COMPREHENSIONS):
            for generator in scope.generators:
                if name in _target_names(generator.target):
                    found.append(Binding("element", generator.iter, scope))
            return found
        if id(scope) not in self._own:
            self._own[id(scope)] = own_nodes(scope)
        for node in self._own[id(scope)]:
            found += [Binding(k, v, scope) for k, v in _binds(node, name)]
        return found


def own_nodes(scope: ast.AST) -> list[ast.AST]:
    """The nodes of `scope` outside the scopes nested in it (those are listed, not entered)."""
    found: list[ast.AST] = []
    todo = list(ast.iter_child_nodes(scope))
    while todo:
        node = todo.pop()
        found.append(node)
        if isinstance(node, SCOPES + COMPREHENSIONS):
            # Decorators, defaults and the first iterable run in this scope.
            todo.extend(_evaluated_here(node))
            continue
        todo.extend(ast.iter_child_nodes(node))
    return found


def _evaluated_here(scope: ast.AST) -> list[ast.AST]:
    """The parts of a nested scope that the enclosing scope evaluates."""
    if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        parts: list[ast.AST] = list(scope.decorator_list)
        if isinstance(scope, ast.ClassDef):
            return parts + list(scope.bases) + [k.value for k in scope.keywords]
        return parts + _defaults(scope.args)
    if isinstance(scope, ast.Lambda):
        return _defaults(scope.args)
    if isinstance(scope, COMPREHENSIONS):
        return [scope.generators[0].iter]
    return []


def _evaluated_outside(path: list[ast.AST], scope: ast.AST) -> bool:
    """Whether the node at the start of `path` (up to a child of `scope`) is evaluated by the
    scope around `scope` (a decorator, a default, a comprehension's first iterable)."""
    outside = _evaluated_here(scope)
    return any(node is part for node in path for part in outside)


def _defaults(args: ast.arguments) -> list[ast.AST]:
    return [d for d in args.defaults + args.kw_defaults if d is not None]


def _parameters(function: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> list[ast.arg]:
    args = function.args
    found = args.posonlyargs + args.args + args.kwonlyargs
    return found + [a for a in (args.vararg, args.kwarg) if a is not None]


def _block_holding(parent: ast.AST, statement: ast.AST) -> list[ast.stmt] | None:
    """The statement list of `parent` (body, orelse, finalbody, handlers) holding `statement`."""
    for field in ("body", "orelse", "finalbody"):
        block = getattr(parent, field, None)
        if isinstance(block, list) and any(s is statement for s in block):
            return block
    return None


def _overwrites(statement: ast.stmt, name: str) -> bool:
    """Whether the statement gives `name` a new value (`name = ...`, `a, name = ...`)."""
    if isinstance(statement, ast.Assign):
        return any(name in _target_names(t) for t in statement.targets)
    return (
        isinstance(statement, ast.AnnAssign)
        and statement.value is not None
        and _is_name(statement.target, name)
    )


def _target_names(target: ast.AST) -> list[str]:
    """The names a target binds (`a`, `a, (b, c)`, `*rest`)."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    if isinstance(target, ast.Tuple | ast.List):
        return [n for elt in target.elts for n in _target_names(elt)]
    return []


def _binds(node: ast.AST, name: str) -> list[tuple[Kind, ast.AST]]:
    """How the statement or expression `node` binds `name` (or stores into it)."""
    if isinstance(node, ast.Assign):
        found: list[tuple[Kind, ast.AST]] = []
        for target in node.targets:
            found += _assigned(target, node.value, name)
        return found
    if isinstance(node, ast.AugAssign | ast.AnnAssign) and node.value is not None:
        return _assigned(node.target, node.value, name)
    if isinstance(node, ast.NamedExpr) and node.target.id == name:
        return [("value", node.value)]
    if isinstance(node, ast.For | ast.AsyncFor) and name in _target_names(node.target):
        return [("element", node.iter)]
    if isinstance(node, ast.withitem) and node.optional_vars is not None:
        return [("value", node.context_expr)] if name in _target_names(node.optional_vars) else []
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        receiver = node.func.value
        if node.func.attr in _STORING_METHODS and _is_name(receiver, name):
            stored = [*node.args, *(k.value for k in node.keywords)]
            return [("value", value) for value in stored]
        return []
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [("opaque", node)] if node.name == name else []
    if isinstance(node, ast.ExceptHandler):
        return [("opaque", node)] if node.name == name else []
    if isinstance(node, ast.Import | ast.ImportFrom):
        bound = [(a.asname or a.name).split(".")[0] for a in node.names]
        return [("opaque", node)] if name in bound else []
    if isinstance(node, ast.MatchAs | ast.MatchStar):
        return [("opaque", node)] if node.name == name else []
    return []


def _assigned(target: ast.AST, value: ast.AST, name: str) -> list[tuple[Kind, ast.AST]]:
    """What assigning `value` to `target` gives `name`: the value itself, its matching element
    when both sides are tuples, the value stored into `name[...]` / `name.attr`."""
    if isinstance(target, ast.Name):
        return [("value", value)] if target.id == name else []
    if isinstance(target, ast.Subscript | ast.Attribute):
        root: ast.AST = target
        while isinstance(root, ast.Subscript | ast.Attribute):
            root = root.value
        return [("value", value)] if _is_name(root, name) else []
    if isinstance(target, ast.Starred):
        return _assigned(target.value, value, name)
    if isinstance(target, ast.Tuple | ast.List):
        if isinstance(value, ast.Tuple | ast.List) and len(value.elts) == len(target.elts):
            pairs = zip(target.elts, value.elts, strict=True)
            return [found for t, v in pairs for found in _assigned(t, v, name)]
        return [found for t in target.elts for found in _assigned(t, value, name)]
    return []


def _is_name(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name
