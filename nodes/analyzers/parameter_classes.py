"""The classes a parameter is an instance of, read from its annotation (for receiver_members.py).

`service: FileService` holds an instance of the project's FileService or of one of its project
subclasses (an instance of a subclass satisfies the annotation). The type may be wrapped:
`Annotated[T, ...]`, `Optional[T]`, `T | None` (an attribute of None raises, so only T
matters), and dependency-injection markers that mean `Annotated[T, ...]` (dishka's
`FromDishka[T]`). Nothing is read for other generics (`list[T]` holds no T), string annotations,
classes that are not the project's, a parameter the function rebinds, or a class with more
than MAX_SUBCLASSES subclasses.
"""

from __future__ import annotations

import ast

from devsecbots.nodes.analyzers.receiver_classes import ProjectClasses
from devsecbots.nodes.analyzers.summary_defs import Parents

WRAPPERS = frozenset({"Annotated", "Optional", "FromDishka"})  # the first argument is the type
MAX_SUBCLASSES = 16
Function = ast.FunctionDef | ast.AsyncFunctionDef


def annotated_classes(
    value: ast.AST, parents: Parents, project: ProjectClasses
) -> list[ast.ClassDef] | None:
    """The project classes a parameter's annotation admits (None when unknown)."""
    if not isinstance(value, ast.Name):
        return None
    function = parents.get(value)
    while function is not None and not isinstance(function, Function | ast.Lambda):
        function = parents.get(function)
    if not isinstance(function, Function):
        return None
    args = function.args
    declared = [a for a in args.posonlyargs + args.args + args.kwonlyargs if a.arg == value.id]
    if len(declared) != 1 or declared[0].annotation is None:
        return None
    if any(
        isinstance(n, ast.Name) and n.id == value.id and not isinstance(n.ctx, ast.Load)
        for n in ast.walk(function)
    ):
        return None
    found: list[ast.ClassDef] = []
    for named in _types(declared[0].annotation):
        classes = project.class_values(named, parents, 4) if named is not None else None
        if not classes:
            return None
        for cls in classes:
            every = _with_subclasses(cls, project)
            if every is None:
                return None
            found += [c for c in every if c not in found]
    return found or None


def _types(annotation: ast.AST) -> list[ast.AST | None]:
    """The class expressions an annotation names (None for a form not read)."""
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        return _types(annotation.left) + _types(annotation.right)
    if isinstance(annotation, ast.Constant) and annotation.value is None:
        return []
    if isinstance(annotation, ast.Subscript):
        wrapper = annotation.value
        name = wrapper.attr if isinstance(wrapper, ast.Attribute) else getattr(wrapper, "id", "")
        if name not in WRAPPERS:
            return [None]
        inner = annotation.slice
        first = inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner
        return _types(first)
    if isinstance(annotation, ast.Name | ast.Attribute):
        return [annotation]
    return [None]


def _with_subclasses(cls: ast.ClassDef, project: ProjectClasses) -> list[ast.ClassDef] | None:
    """The class and every project class deriving from it, by base names (None when too many)."""
    names = {cls.name}
    found = [cls]
    changed = True
    while changed:
        changed = False
        for group in project.classes.values():
            for other in group:
                if other in found:
                    continue
                if any(_base_name(b) in names for b in other.bases):
                    found.append(other)
                    names.add(other.name)
                    changed = True
                    if len(found) > MAX_SUBCLASSES + 1:
                        return None
    return found


def _base_name(base: ast.AST) -> str:
    """`Base` for `Base`, `models.Base` and `Base[T]`."""
    if isinstance(base, ast.Subscript):
        base = base.value
    if isinstance(base, ast.Attribute):
        return base.attr
    return base.id if isinstance(base, ast.Name) else ""
