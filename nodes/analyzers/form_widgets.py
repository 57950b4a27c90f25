"""What the parameters of a form widget's render method carry (WTForms and Django widgets).

A widget is called by its form library, never by a visitor: what reaches its parameters is
fixed by the protocol, so each is known without looking for callers.

- WTForms: a class whose `__call__(self, field, **kwargs)` renders a field, in a module that
  imports wtforms. `field` is the form's field: its name, id, label, type, description and its
  subfields come from the form's class definition, and rendering it (`str(field)`, `field()`,
  `field.label`) escapes its own value; only its value (`data`, `raw_data`, `object_data`,
  `_value()`) and its `errors` carry what the user sent. `kwargs` are the keywords the
  application's templates or `render_kw` pass to the render call.
- Django: `render(self, name, value, attrs=None, renderer=None)` of a class derived from a
  `django.forms` widget. `name` is the field's HTML name (form prefix + field name), `attrs`
  the widget attributes the form builds (id, required, classes), `value` what the user sent.

Django's BoundField names itself by `id_for_label`, `html_name` and `auto_id`, all derived from
the form's field name and prefix: in a module importing django these are code-owned too.
"""

from __future__ import annotations

import ast
from typing import Literal

from devsecbots.nodes.analyzers.name_bindings import Binding, Scopes
from devsecbots.nodes.analyzers.project_imports import external_name

Role = Literal["field", "name", "own", "value", ""]
FIELD_VALUES = frozenset({"data", "raw_data", "object_data", "_value", "errors", "process_errors"})
BOUND_FIELD_NAMES = frozenset({"id_for_label", "html_name", "auto_id"})
_DJANGO_RENDER = ("name", "value", "attrs", "renderer")


def widget_role(binding: Binding, scopes: Scopes) -> Role:
    """What a widget render method's parameter carries: the WTForms field, the field's HTML
    name, the application's own attributes, the user's value; '' when not such a parameter."""
    function, parameter = binding.scope, getattr(binding.node, "arg", "")
    cls = scopes.parents.get(function)
    tree = scopes.tree
    if not (
        isinstance(cls, ast.ClassDef)
        and isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        and isinstance(tree, ast.Module)
    ):
        return ""
    args = function.args
    positional = [a.arg for a in args.posonlyargs + args.args][1:]
    if (
        function.name == "__call__"
        and len(positional) == 1
        and args.kwarg
        and _imports(tree, "wtforms")
    ):
        if parameter == positional[0]:
            return "field"
        return "own" if parameter == args.kwarg.arg else ""
    if (
        function.name == "render"
        and tuple(positional[: len(_DJANGO_RENDER)]) == _DJANGO_RENDER
        and _extras_defaulted(args)
        and _django_widget(cls, tree)
    ):
        if parameter in ("name", "value"):
            return "name" if parameter == "name" else "value"
        return "own"
    return ""


def _extras_defaulted(args: ast.arguments) -> bool:
    """Whether every parameter after Django's four (self, name, value, attrs, renderer) has a
    default, so Django's own call `render(name, value, attrs, renderer)` leaves it unset."""
    extra = len(args.posonlyargs + args.args) - 1 - len(_DJANGO_RENDER)
    keyword_only = all(d is not None for d in args.kw_defaults)
    return extra <= len(args.defaults) and keyword_only


def imports_django(tree: ast.AST) -> bool:
    """Whether the module imports anything from django."""
    return _imports(tree, "django")


def _imports(tree: ast.AST, package: str) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and not node.level and node.module:
            if node.module.split(".")[0] == package:
                return True
        elif isinstance(node, ast.Import):
            if any(a.name.split(".")[0] == package for a in node.names):
                return True
    return False


def _django_widget(cls: ast.ClassDef, tree: ast.Module, depth: int = 3) -> bool:
    """Whether the class derives from a `django.forms` class (through the module's classes)."""
    for base in cls.bases:
        if _origin(base, tree).startswith("django.forms"):
            return True
        if depth > 1 and isinstance(base, ast.Name):
            local = [s for s in tree.body if isinstance(s, ast.ClassDef) and s.name == base.id]
            if any(_django_widget(c, tree, depth - 1) for c in local):
                return True
    return False


def _origin(base: ast.expr, tree: ast.Module) -> str:
    """`module.Name` a base class names through the module's imports ('' when not imported)."""
    found = external_name(base, tree)
    if not found and isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name):
        module = external_name(base.value, tree)  # from django import forms; forms.Widget
        found = f"{module}.{base.attr}" if module else ""
    return found
