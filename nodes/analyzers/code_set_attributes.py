"""Attributes of a project class that the project only ever sets to literal values.

`self.login_view = None` in the class, `manager.login_view = "web.login"` at setup, `self.views =
{}` with `manager.views[bp.name] = None`: reading `self.login_view` (or an item of it) in a
method of a class that assigns `self.login_view` itself gives a value written in the code when
every store to an attribute of that name (whatever the object) anywhere in the project is a
literal (str, number, None, or a dict / list / tuple of them) or another such attribute's value,
or sits in a module-level, undecorated function the project never reads nor names in a string
other than `__all__` (nothing calls it). Any other store (augmented, unpacked, a loop or with
target, `setattr` with the literal name and another value, an item-mutating method such as
`.update(...)`) leaves the value unknown, and a store into an object's `__dict__` every
attribute. A `setattr` whose attribute name is computed is not followed.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

MUTATORS = frozenset({"update", "setdefault", "append", "extend", "insert", "add", "__setitem__"})
LITERALS = (str, int, float, bool, type(None))
Function = ast.FunctionDef | ast.AsyncFunctionDef


class CodeSetAttributes:
    """The stores to attributes, by attribute name, across the project's parsed files."""

    def __init__(self, trees: Iterable[ast.AST], parents: dict[ast.AST, ast.AST]) -> None:
        trees = tuple(trees)
        self.parents = parents
        self.stores: dict[str, list[ast.expr | None]] = {}  # None: a store of unknown value
        dead = _never_read(trees)
        for tree in trees:
            handled: set[int] = set()
            todo = [tree]
            while todo:
                node = todo.pop()
                if node in dead:
                    continue
                self._collect(node, handled)
                todo.extend(ast.iter_child_nodes(node))

    def holds(self, value: ast.AST) -> bool:
        """Whether `value` is `self.<attr>` (or an item of it) of a code-set attribute."""
        if isinstance(value, ast.Subscript):
            value = value.value
        if not (
            isinstance(value, ast.Attribute)
            and isinstance(value.value, ast.Name)
            and value.value.id == "self"
            and self._owned(value)
        ):
            return False
        if "__dict__" in self.stores:  # `obj.__dict__.update(...)` may set any attribute
            return False
        return self._code_set(value.attr, frozenset())

    def _collect(self, node: ast.AST, handled: set[int]) -> None:
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                name = _dict_key(target) or _stored(target)
                if name:
                    self.stores.setdefault(name, []).append(node.value)
                    handled.add(id(target))
        elif isinstance(node, ast.Attribute | ast.Subscript) and id(node) not in handled:
            name = _stored(node)
            if name and not isinstance(node.ctx, ast.Load | ast.Del):
                self.stores.setdefault(name, []).append(None)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            receiver = node.func.value
            if node.func.attr in MUTATORS and isinstance(receiver, ast.Attribute):
                self.stores.setdefault(receiver.attr, []).append(None)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == "setattr" and len(node.args) == 3:
                named = node.args[1]
                if isinstance(named, ast.Constant) and isinstance(named.value, str):
                    self.stores.setdefault(named.value, []).append(node.args[2])

    def _owned(self, value: ast.Attribute) -> bool:
        """Whether the class of the method reading `self.<attr>` assigns it itself."""
        node: ast.AST = value
        while node in self.parents and not isinstance(node, ast.ClassDef):
            node = self.parents[node]
        if not isinstance(node, ast.ClassDef):
            return False
        return any(
            isinstance(n, ast.Attribute)
            and n.attr == value.attr
            and isinstance(n.ctx, ast.Store)
            and isinstance(n.value, ast.Name)
            and n.value.id == "self"
            for n in ast.walk(node)
        )

    def _code_set(self, name: str, seen: frozenset[str]) -> bool:
        if name in seen:
            return True  # `a.x = b.x`: adds no other value
        values = self.stores.get(name, [])
        return bool(values) and all(
            v is not None and self._literal(v, seen | {name}) for v in values
        )

    def _literal(self, value: ast.AST, seen: frozenset[str]) -> bool:
        if isinstance(value, ast.Constant):
            return isinstance(value.value, LITERALS)
        if isinstance(value, ast.Dict):
            return all(k is not None and self._literal(k, seen) for k in value.keys) and all(
                self._literal(v, seen) for v in value.values
            )
        if isinstance(value, ast.List | ast.Tuple | ast.Set):
            return all(self._literal(e, seen) for e in value.elts)
        if isinstance(value, ast.Subscript):
            value = value.value
        return isinstance(value, ast.Attribute) and self._code_set(value.attr, seen)


def _dict_key(target: ast.AST) -> str:
    """The attribute `obj.__dict__["name"] = v` sets ('' for any other target)."""
    if (
        isinstance(target, ast.Subscript)
        and isinstance(target.value, ast.Attribute)
        and target.value.attr == "__dict__"
        and isinstance(target.slice, ast.Constant)
        and isinstance(target.slice.value, str)
    ):
        return target.slice.value
    return ""


def _stored(target: ast.AST) -> str:
    """The attribute name a store target writes (`x.a`, `x.a[k]`), '' for other targets."""
    while isinstance(target, ast.Subscript):
        target = target.value
    return target.attr if isinstance(target, ast.Attribute) else ""


def _never_read(trees: tuple[ast.AST, ...]) -> set[ast.AST]:
    """Module-level, undecorated functions whose name no code reads and no string names but
    `__all__`'s entries."""
    functions: dict[str, list[ast.AST]] = {}
    for tree in trees:
        for node in getattr(tree, "body", []):
            if isinstance(node, Function) and not node.decorator_list:
                functions.setdefault(node.name, []).append(node)
    read: set[str] = set()
    for tree in trees:
        exported = {
            id(e)
            for node in getattr(tree, "body", [])
            if isinstance(node, ast.Assign | ast.AugAssign)
            and any(
                isinstance(t, ast.Name) and t.id == "__all__"
                for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
            )
            for e in ast.walk(node.value)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                read.add(node.id)
            elif isinstance(node, ast.Attribute):
                read.add(node.attr)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                if id(node) not in exported:
                    read.add(node.value)
    return {f for name, found in functions.items() if name not in read for f in found}
