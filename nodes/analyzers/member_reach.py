"""Whether code in other modules may call a method of a class, or store into one of its attributes.

A member `x` of class `C` (defined at module level in module M) is reached from another module N
only through an object that may be a C: N names C (an instance, a subclass, a mixin with C), or
N's code touches `x` on an object it did not make itself. So N leaves C's `x` alone when it does
not name C, and every `<obj>.x` in it (every store `<obj>.x = ...`, for an attribute) is
`self.x` in a method of a class of N that is none of the classes M's classes derive from (by
name, followed through the project's classes): such a `self` is an instance of N's own class or
of a subclass, which would have to name C to be a C. A string "x" given to
setattr/getattr/hasattr/delattr or used as an index of `__dict__`/`vars(...)` reaches any
object, and counts too.

Not read (so not proved): `setattr(obj, name, value)` with a computed name, a class built by
`type(...)` from bases looked up at run time, and monkey-patching a class's methods.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from devsecbots.nodes.analyzers.project_trees import tree_parents

_BY_NAME = frozenset({"setattr", "getattr", "hasattr", "delattr", "attrgetter", "methodcaller"})


def member_reached(
    path: str, trees: dict[str, ast.Module], word_named: Callable[[str], bool]
) -> Callable[[str, str, str], bool]:
    """A test `reached(x, class_name, kind)`: whether another module may reach member x of the
    class of `path` (kind "method": any use; "attribute": a store)."""
    bases: list[set[str]] = []  # computed on first need

    def reached(member: str, owner: str, kind: str) -> bool:
        if not word_named(member):
            return False
        if not owner or word_named(owner):
            return True
        if not bases:
            bases.append(_base_closure(trees.get(path), trees))
        return any(_touches(tree, member, kind, bases[0]) for p, tree in trees.items() if p != path)

    return reached


def _base_closure(tree: ast.Module | None, trees: dict[str, ast.Module]) -> set[str]:
    """The names of every class the module's classes derive from, through the project's classes."""
    if tree is None:
        return set()
    defined: dict[str, set[str]] = {}
    for other in trees.values():
        for node in ast.walk(other):
            if isinstance(node, ast.ClassDef):
                defined.setdefault(node.name, set()).update(_base_names(node))
    todo = [b for n in ast.walk(tree) if isinstance(n, ast.ClassDef) for b in _base_names(n)]
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(defined.get(name, ()))
    return seen


def _base_names(node: ast.ClassDef) -> set[str]:
    """The last names of a class's bases (`Base`, `module.Base` both give Base)."""
    names = set()
    for base in node.bases:
        if isinstance(base, ast.Subscript):
            base = base.value
        if isinstance(base, ast.Attribute):
            names.add(base.attr)
        elif isinstance(base, ast.Name):
            names.add(base.id)
    return names


def _touches(tree: ast.Module, member: str, kind: str, bases: set[str]) -> bool:
    """Whether the module uses `member` on an object that may be someone else's."""
    parents = tree_parents(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and node.value == member and _by_name(node, parents):
            return True
        if not (isinstance(node, ast.Attribute) and node.attr == member):
            continue
        if kind == "attribute" and isinstance(node.ctx, ast.Load):
            continue
        if not _own_self(node, parents, bases):
            return True
    return False


def _by_name(constant: ast.Constant, parents: dict[ast.AST, ast.AST]) -> bool:
    """Whether the string names an attribute: setattr(o, "x"), vars(o)["x"], o.__dict__["x"]."""
    parent = parents.get(constant)
    if isinstance(parent, ast.Call):
        func = parent.func
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        return called in _BY_NAME
    if isinstance(parent, ast.Subscript) and parent.slice is constant:
        value = parent.value
        return (isinstance(value, ast.Attribute) and value.attr == "__dict__") or (
            isinstance(value, ast.Call) and getattr(value.func, "id", "") == "vars"
        )
    return False


def _own_self(node: ast.Attribute, parents: dict[ast.AST, ast.AST], bases: set[str]) -> bool:
    """Whether `node` is `self.x` in a method of a class that is none of `bases`."""
    if not (isinstance(node.value, ast.Name) and node.value.id == "self"):
        return False
    current: ast.AST = node
    while current in parents:
        current = parents[current]
        if isinstance(current, ast.ClassDef):
            return current.name not in bases
    return False
