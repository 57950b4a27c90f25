"""Bandit B310 on a URL read from a global preference whose validate() admits only http(s).

django-dynamic-preferences keeps site settings an administrator edits in the database:
`global_preferences_registry.manager().get("section__name")`. The preference is a class
registered with `name = "name"`; the form that stores a value calls its `validate(value)`, so a
validate that raises unless the URL's scheme is http(s) (`if urlparse(u).scheme.startswith("http")
and ...: continue` then `raise`, or `if not ...: raise`) keeps a file: URL out, and its
literal default is checked too. The URL may be split into lines, stripped, iterated and
filtered on the way (`for url in prefs.get("x").splitlines()`). Any other source, a preference
class that is not found (or found twice), or a validate of another shape keeps the finding.
"""

from __future__ import annotations

import ast

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.fixed_url import URL_CALLS
from devsecbots.nodes.analyzers.low_confidence import lowered
from devsecbots.nodes.analyzers.name_bindings import COMPREHENSIONS, Binding, Scopes
from devsecbots.nodes.analyzers.project_trees import parse_files
from devsecbots.nodes.analyzers.scheme_checks import admits_only_web_schemes, web_scheme_literal

RULE = "B310"
REGISTRY = "global_preferences_registry"
_TEXT_METHODS = frozenset({"strip", "lstrip", "rstrip", "splitlines", "split", "lower"})
_DEPTH = 10
WHY = (
    "the URL is the administrator's global preference {key}, whose validate() admits only "
    "http(s) URLs (no file: URL can be stored)"
)


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, B310 on a URL from an http(s)-validated global preference at low."""
    if not any(f["rule_id"] == RULE and f["confidence"] != "low" for f in findings):
        return findings
    trees = parse_files(files)
    out = []
    for finding in findings:
        tree = trees.get(finding["file"])
        if finding["rule_id"] == RULE and finding["confidence"] != "low" and tree is not None:
            keys = _url_keys(tree, finding["line"])
            if keys and all(_validated(key, trees) for key in keys):
                finding = lowered(finding, WHY.format(key=", ".join(sorted(keys))))
        out.append(finding)
    return out


def _url_keys(tree: ast.AST, line: int) -> set[str] | None:
    """The preference keys the URL opened at `line` is read from (None: another source too)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.lineno == line and _called(node.func) in URL_CALLS:
            return preference_keys(node.args[0], Scopes(tree)) if node.args else None
    return None


def preference_keys(expr: ast.AST, scopes: Scopes, depth: int = _DEPTH) -> set[str] | None:
    """The global-preference keys whose text `expr` is (None when anything else reaches it)."""
    if depth <= 0:
        return None
    if isinstance(expr, ast.Name):
        found = scopes.reaching(expr.id, expr) or _walrus(expr, scopes)
        if not found or any(b.kind not in ("value", "element") for b in found):
            return None
        keys: set[str] = set()
        for binding in found:
            more = preference_keys(binding.node, scopes, depth - 1)
            if more is None:
                return None
            keys |= more
        return keys
    if isinstance(expr, ast.ListComp | ast.SetComp | ast.GeneratorExp):
        return preference_keys(expr.elt, scopes, depth - 1)
    key = _preference_read(expr, scopes)
    if key:
        return {key}
    if (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and expr.func.attr in _TEXT_METHODS
    ):
        return preference_keys(expr.func.value, scopes, depth - 1)
    return None


def _walrus(name: ast.Name, scopes: Scopes) -> list[Binding]:
    """`x` in a comprehension's element bound by `(x := ...)` in one of its conditions."""
    node: ast.AST = name
    while node in scopes.parents and not isinstance(node, COMPREHENSIONS):
        node = scopes.parents[node]
    if not isinstance(node, COMPREHENSIONS):
        return []
    return [
        Binding("value", n.value, node)
        for generator in node.generators
        for condition in generator.ifs
        for n in ast.walk(condition)
        if isinstance(n, ast.NamedExpr) and n.target.id == name.id
    ]


def _preference_read(expr: ast.AST, scopes: Scopes) -> str:
    """The key of `manager.get("key")` / `manager["key"]` on the global preferences ('' if not)."""
    if isinstance(expr, ast.Call) and _called(expr.func) == "get" and expr.args:
        receiver, key = expr.func.value, expr.args[0]  # type: ignore[attr-defined]
    elif isinstance(expr, ast.Subscript):
        receiver, key = expr.value, expr.slice
    else:
        return ""
    if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
        return ""
    return key.value if _manager(receiver, scopes) else ""


def _manager(node: ast.AST, scopes: Scopes) -> bool:
    """`global_preferences_registry.manager()`, directly or through a name."""
    if isinstance(node, ast.Name):
        found = scopes.reaching(node.id, node)
        return bool(found) and all(b.kind == "value" and _manager(b.node, scopes) for b in found)
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "manager"
        and _called(node.func.value) == REGISTRY
    )


def _validated(key: str, trees: dict[str, ast.Module]) -> bool:
    """Whether the one preference class named after `key` validates http(s) URLs and its
    default (if any) is one."""
    name = key.split("__", 1)[-1]
    classes = [
        node
        for tree in trees.values()
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef) and _class_constant(node, "name") == name
    ]
    if len(classes) != 1:
        return False
    preference = classes[0]
    default = _class_value(preference, "default")
    if default is not None and not web_scheme_literal(default):
        return False
    validate = next(
        (n for n in preference.body if isinstance(n, ast.FunctionDef) and n.name == "validate"),
        None,
    )
    return validate is not None and admits_only_web_schemes(validate)


def _class_value(node: ast.ClassDef, attribute: str) -> ast.AST | None:
    """The value assigned to `attribute` in the class body (None when not assigned)."""
    for statement in node.body:
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and statement.targets[0].id == attribute
        ):
            return statement.value
    return None


def _class_constant(node: ast.ClassDef, attribute: str) -> str:
    """The string constant assigned to `attribute` in the class body ('' when none)."""
    value = _class_value(node, attribute)
    return value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else ""


def _called(func: ast.AST) -> str:
    """The name of `f` or `x.f`."""
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""
