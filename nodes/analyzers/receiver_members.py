"""What `obj.attr` and `obj.m(...)` run when the object's project classes are known, with `self`
in the code read standing for that same object (for redirect_targets.py).

Reading a property or method of an object whose classes are known (receiver_classes.py, or a
parameter's annotation: parameter_classes.py),
`self.m()` and `self.attr` inside it dispatch on the object's own classes, not on the class
whose body holds the code: a base class's `local_path` property that calls
`self.get_remote_id()` runs the override of the object's class. Nothing is followed when a
class or one of its bases is not the project's, or when the attribute is also bound another
way in a class body (a column, a plain attribute).
"""

from __future__ import annotations

import ast

from devsecbots.nodes.analyzers.parameter_classes import annotated_classes
from devsecbots.nodes.analyzers.property_returns import PROPERTIES, _decorators
from devsecbots.nodes.analyzers.receiver_classes import ProjectClasses
from devsecbots.nodes.analyzers.summary_defs import Definition, Parents

Classes = list[ast.ClassDef]


def classes_of(
    value: ast.AST, parents: Parents, project: ProjectClasses, receiver: Classes | None
) -> Classes | None:
    """The classes `value` is an instance of: the receiver's for the method's own `self`, those
    its construction shows, or those a parameter's annotation admits."""
    if receiver is not None and _is_self(value, parents):
        return receiver
    found = project.instance_of(value, parents)
    return found if found is not None else annotated_classes(value, parents, project)


def getters(
    value: ast.Attribute, parents: Parents, project: ProjectClasses, receiver: Classes | None
) -> tuple[Classes, list[Definition]]:
    """The object's classes and the property getters reading `value` runs ([] when unknown)."""
    classes = classes_of(value.value, parents, project, receiver)
    bound = project.attribute(classes, value.attr) if classes else None
    if not classes or not bound:
        return [], []
    found = [
        Definition(s)
        for s in bound
        if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef) and _decorators(s) & PROPERTIES
    ]
    accessors = [s for s in bound if _decorators(s) & {"setter", "deleter"}]
    return (classes, found) if len(found) + len(accessors) == len(bound) else ([], [])


def methods(
    call: ast.Call, parents: Parents, project: ProjectClasses, receiver: Classes | None
) -> tuple[Classes, list[Definition]]:
    """The object's classes and the plain methods `obj.m(...)` runs ([] when unknown)."""
    if not isinstance(call.func, ast.Attribute):
        return [], []
    classes = classes_of(call.func.value, parents, project, receiver)
    bound = project.attribute(classes, call.func.attr) if classes else None
    if not classes or not bound:
        return [], []
    found = [s for s in bound if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)]
    if len(found) != len(bound) or any(m.decorator_list for m in found):
        return [], []  # also a column or attribute, or a property / wrapped method
    return classes, [Definition(m) for m in found]


def _is_self(value: ast.AST, parents: Parents) -> bool:
    """The first parameter of the method (directly in a class body) the name is read in."""
    if not isinstance(value, ast.Name):
        return False
    node: ast.AST = value
    while node in parents and not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        if isinstance(node, ast.Lambda | ast.ClassDef):
            return False
        node = parents[node]
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    positional = node.args.posonlyargs + node.args.args
    rebound = any(
        isinstance(n, ast.Name) and n.id == value.id and not isinstance(n.ctx, ast.Load)
        for n in ast.walk(node)
    )
    return (
        isinstance(parents.get(node), ast.ClassDef)
        and bool(positional)
        and positional[0].arg == value.id
        and not rebound
        and not _decorators(node) & {"staticmethod", "classmethod"}
    )
