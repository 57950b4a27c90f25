"""`self.m()` in a method of class C, read outside any known receiver (a view's own helper):
`self` is an instance of C or of one of its subclasses, so the call runs C's `m` (its own or a
base's) or an override in a subclass. Each is read with `self` an instance of the class it runs
for (for redirect_targets.py).

Subclasses are the project's classes naming C (or a subclass) among their bases; nothing is
read when a class or base is not the project's, or when a definition is no plain method (a
property, a decorated method, a column).
"""

from __future__ import annotations

import ast

from devsecbots.nodes.analyzers.helper_summaries import called_name
from devsecbots.nodes.analyzers.receiver_classes import ProjectClasses
from devsecbots.nodes.analyzers.receiver_members import _is_self
from devsecbots.nodes.analyzers.summary_defs import Definition

MAX_SUBCLASSES = 16


def self_methods(
    call: ast.AST, parents: dict[ast.AST, ast.AST], project: ProjectClasses
) -> list[tuple[ast.ClassDef, list[Definition]]] | None:
    """For C and each subclass, the methods `self.m(...)` runs (None when unknown)."""
    if not (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and _is_self(call.func.value, parents)
    ):
        return None
    owner = _class_of(call, parents)
    if owner is None:
        return None
    found = []
    for cls in [owner, *_subclasses(owner, project)]:
        bound = project.attribute([cls], call.func.attr) or []
        run = [
            Definition(s)
            for s in bound
            if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef) and not s.decorator_list
        ]
        if not run or len(run) != len(bound):
            return None
        found.append((cls, run))
    return found


def _class_of(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> ast.ClassDef | None:
    """The class whose method holds the node."""
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.ClassDef):
            return node
    return None


def _subclasses(cls: ast.ClassDef, project: ProjectClasses) -> list[ast.ClassDef]:
    """The project's classes deriving from `cls`, by the names of their bases."""
    names = {cls.name}
    found: list[ast.ClassDef] = []
    changed = True
    while changed and len(found) <= MAX_SUBCLASSES:
        changed = False
        for group in project.classes.values():
            for other in group:
                if other in found or other is cls:
                    continue
                if any(called_name(b) in names for b in other.bases):
                    found.append(other)
                    names.add(other.name)
                    changed = True
    return found
