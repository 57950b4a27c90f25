"""`template.render(context)` of a template Django's loader found, for markup_provenance.py.

`django.template.loader.get_template(...)` / `select_template(...)` returns a template of the
project's configured engines, which escape every variable they insert (autoescape is on unless
the project turns it off; a template marking a value safe is the template check's finding,
templates.py). The taint rule devsecbots.django.xss already accepts `render_to_string(...)` and
`get_template(...).render(...)`; this reads the same render when the template is first held in
a local name, every binding of which is such a loader call. A Jinja2 `Environment`'s own
`get_template` is not this: its autoescape is the environment's choice.
"""

from __future__ import annotations

import ast

from devsecbots.nodes.analyzers.name_bindings import Scopes

LOADER_CALLS = frozenset({"get_template", "select_template"})
LOADER_MODULE = "django.template.loader"


def renders_loaded_template(call: ast.Call, scopes: Scopes) -> bool:
    """Whether the call is `t.render(...)` with `t` always a template Django's loader returned."""
    if not (isinstance(call.func, ast.Attribute) and call.func.attr == "render"):
        return False
    held = call.func.value
    if isinstance(held, ast.Call):
        return _loader_call(held, scopes.tree)
    if not isinstance(held, ast.Name):
        return False
    found = scopes.reaching(held.id, held)
    return bool(found) and all(
        b.kind == "value" and isinstance(b.node, ast.Call) and _loader_call(b.node, scopes.tree)
        for b in found
    )


def _loader_call(call: ast.Call, tree: ast.AST) -> bool:
    """`loader.get_template(...)` (loader from django.template) or `get_template(...)` imported
    from django.template.loader."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in LOADER_CALLS:
        return isinstance(func.value, ast.Name) and _imported(tree, func.value.id, "loader")
    return isinstance(func, ast.Name) and func.id in LOADER_CALLS and _imported(tree, func.id)


def _imported(tree: ast.AST, name: str, module_attr: str = "") -> bool:
    """Whether the module binds `name` by importing it from Django's template loader."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or node.level:
            continue
        for alias in node.names:
            if (alias.asname or alias.name) != name:
                continue
            if module_attr and node.module == "django.template" and alias.name == module_attr:
                return True
            if not module_attr and node.module == LOADER_MODULE:
                return True
    return False
