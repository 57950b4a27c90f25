"""Whether an expression reads the deployment's settings module (operator configuration).

`from django.conf import settings`, `from pkg import settings` or `import pkg.settings as
settings` binds a module the operator configures (its values come from code and the
environment), never from a request. A value read from it (`settings.FONTS`,
`settings.FONTS["x"]["url"]`, `settings.FONTS.get("x")`), or an element of such a value
(`for name, config in settings.FONTS.items()`), is configuration too.
"""

from __future__ import annotations

import ast

from devsecbots.nodes.analyzers.name_bindings import Binding, Scopes

_VIEWS = frozenset({"get", "items", "values", "keys", "copy"})  # read-only views of a setting


def reads_settings(value: ast.AST, scopes: Scopes, depth: int = 4) -> bool:
    """Whether `value` is (an element, item or attribute of) a settings-module value."""
    if depth <= 0:
        return False
    while True:
        if isinstance(value, ast.Subscript | ast.Attribute):
            value = value.value
        elif (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and value.func.attr in _VIEWS
        ):
            value = value.func.value
        else:
            break
    if not isinstance(value, ast.Name):
        return False
    found = scopes.reaching(value.id, value)
    return bool(found) and all(_configured(b, value.id, scopes, depth - 1) for b in found)


def _configured(binding: Binding, name: str, scopes: Scopes, depth: int) -> bool:
    """Whether one binding gives `name` a settings value."""
    if binding.kind in ("value", "element"):
        return reads_settings(binding.node, scopes, depth)
    return binding.kind == "opaque" and _settings_import(binding.node, name)


def _settings_import(node: ast.AST, name: str) -> bool:
    """Whether the import statement binds `name` to a module called settings."""
    if isinstance(node, ast.ImportFrom):
        return any(a.name == "settings" and (a.asname or a.name) == name for a in node.names)
    if isinstance(node, ast.Import):
        return any(a.asname == name and a.name.rsplit(".", 1)[-1] == "settings" for a in node.names)
    return False
