"""Open redirects to what a project method returns: `redirect(copy.get_absolute_url())`.

A call `obj.m()` runs the method `m` of the classes `obj` is an instance of (receiver_classes.py:
known only when every way `obj` was made names project classes). When every definition of `m`
in those classes (or their project bases) returns only the application's own URLs - a
constant, url_for() / reverse(), a local name only ever assigned one, or a value it checked
with a safe-URL check (helper_summaries.py) - request data cannot pick the target's host.

The method's name proves nothing (`get_absolute_url` may return a stored URL): its body does.
A receiver whose classes are unknown, a definition that is also bound another way in a class
body (a column, a property), or one definition returning anything else keeps the finding.
"""

from __future__ import annotations

import ast

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.helper_summaries import (
    REDIRECT_CALLS,
    REDIRECT_RULES,
    _assigned_values,
    _calls_at,
    _returns_safe_url,
)
from devsecbots.nodes.analyzers.project_trees import tree_parents
from devsecbots.nodes.analyzers.receiver_classes import ProjectClasses, lowered_with_classes
from devsecbots.nodes.analyzers.summary_defs import Definition, Parents, value_returns

WHY = (
    "the target is what a method of the object's project class returns, and every definition "
    "of it returns only the application's own URLs (url_for / reverse / constants)"
)


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, an open redirect to such a method's value at low confidence."""
    return lowered_with_classes(findings, files, REDIRECT_RULES, WHY, _to_own_url)


def _to_own_url(tree: ast.AST, line: int, project: ProjectClasses) -> bool:
    """Whether every redirect on `line` goes to a value of such a method."""
    parents = tree_parents(tree)
    calls = _calls_at(tree, line, set(REDIRECT_CALLS))
    return bool(calls) and all(
        bool(call.args) and _method_url(call.args[0], parents, project) for call in calls
    )


def _method_url(value: ast.AST, parents: Parents, project: ProjectClasses) -> bool:
    """A call of such a method, or a local name only ever assigned one."""
    if isinstance(value, ast.Name):
        values = _assigned_values(value, parents)
        return bool(values) and all(
            isinstance(v, ast.Call) and _method_url(v, parents, project) for v in values
        )
    methods = bound_methods(value, parents, project)
    return bool(methods) and value_returns(methods, _returns_safe_url)


def bound_methods(value: ast.AST, parents: Parents, project: ProjectClasses) -> list[Definition]:
    """The definitions a call `obj.m(...)` runs: `m` in the project classes of `obj` ([] when
    they are unknown, or `m` is also bound another way, or is a property / wrapped method)."""
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)):
        return []
    classes = project.instance_of(value.func.value, parents)
    bound = project.attribute(classes, value.func.attr) if classes else None
    if not bound:
        return []
    methods = [s for s in bound if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)]
    if len(methods) != len(bound) or any(m.decorator_list for m in methods):
        return []  # also a column or attribute, or a property / wrapped method
    return [Definition(m) for m in methods]
