"""`obj.get_absolute_url()` where the object's class is not known (`self.object` of a generic
view): Django's convention for the path of a model instance's page. The call runs one of the
project's `get_absolute_url` methods, so it is read as what every one of them returns, `self`
being an instance of the method's class (for redirect_targets.py).

Nothing is read when a definition is no plain method of a class (a module function, a property,
a decorated method), nor when the project defines none: a model from a library may build its
URL from anything.
"""

from __future__ import annotations

import ast

from devsecbots.nodes.analyzers.receiver_classes import ProjectClasses
from devsecbots.nodes.analyzers.summary_defs import Definition

METHOD = "get_absolute_url"


def absolute_url_methods(
    call: ast.AST, parents: dict[ast.AST, ast.AST], project: ProjectClasses
) -> list[tuple[ast.ClassDef, Definition]] | None:
    """Each project class's `get_absolute_url` the call may run, with its class (None when the
    call is something else or a definition cannot be read)."""
    if not (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == METHOD
        and not call.args
        and not call.keywords
    ):
        return None
    found = []
    for definition in project.functions.get(METHOD, []):
        owner = parents.get(definition.function)
        if not isinstance(owner, ast.ClassDef) or definition.function.decorator_list:
            return None
        if definition.yields or not definition.returns:
            return None
        if len(definition.returns) != len(definition.own_returns):
            return None  # a bare return: None
        found.append((owner, definition))
    return found or None
