"""The object a Django admin display method is handed: the model instance the admin lists.

A ModelAdmin method decorated with `@admin.display` (or `@display` imported from
django.contrib.admin) is called by the admin with one row of its queryset, never with request
data: `def snapshots(self, obj)`. Its HTML is then built from stored data, which the taint rule
devsecbots.django.xss follows when request data is stored there.
"""

from __future__ import annotations

import ast

from devsecbots.nodes.analyzers.name_bindings import Binding, Scopes


def admin_display_object(binding: Binding, scopes: Scopes) -> bool:
    """Whether the parameter binding is the model instance of an admin display method."""
    function = binding.scope
    if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    if not isinstance(scopes.parents.get(function), ast.ClassDef):
        return False
    positional = function.args.posonlyargs + function.args.args
    if len(positional) != 2 or binding.node is not positional[1]:
        return False
    return any(_is_display(d) for d in function.decorator_list)


def _is_display(decorator: ast.expr) -> bool:
    """`@admin.display(...)`, `@admin.display` or `@display(...)`."""
    if isinstance(decorator, ast.Call):
        decorator = decorator.func
    if isinstance(decorator, ast.Attribute):
        return (
            decorator.attr == "display"
            and isinstance(decorator.value, ast.Name)
            and (decorator.value.id == "admin")
        )
    return isinstance(decorator, ast.Name) and decorator.id == "display"
