"""XSS findings whose response is what a project property or method returns: `return
share.content`, `return Page(path).view()`.

Reading a property calls its getter, so `obj.attr` is a helper call when `obj` is an instance of
project classes (see receiver_classes.py) whose `attr` is a `@property` (or cached_property);
`obj.m(...)` runs the plain method `m` of those classes (method_returns.py). Every definition
it may run must return only rendered templates / non-HTML responses, as a rendering helper must
(helper_summaries.py), or in turn such a property's or method's value (`return a.delete()` with
`a = Attachment(...)`; DEPTH calls deep). Every class the object may be must agree; an
attribute that is also bound any other way in a class body (a model column, a plain method
read as a property), a receiver of unknown classes, or a file sent inline with its guessed type
(an upload: sent_files.py) keeps the finding.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.helper_summaries import (
    XSS_RULES,
    _assigned_values,
    called_name,
)
from devsecbots.nodes.analyzers.method_returns import bound_methods
from devsecbots.nodes.analyzers.project_trees import parse_files, tree_parents
from devsecbots.nodes.analyzers.receiver_classes import ProjectClasses, lowered_with_classes
from devsecbots.nodes.analyzers.response_bodies import rendering_helpers, returns
from devsecbots.nodes.analyzers.summary_defs import Definition, Parents, value_returns

Test = Callable[[ast.Return, Parents], bool]
PROPERTIES = frozenset({"property", "cached_property"})
DEPTH = 4  # properties / methods followed through the returns of others
WHY = (
    "the body is what a project property or method of the object's class returns, and every "
    "definition it may run returns only rendered templates, redirects, JSON data or other "
    "non-HTML responses"
)


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, an XSS one whose returned value is such a property at low confidence."""
    tests: list[Test] = []  # the project's rendering helpers, read at the first such finding

    def holds(tree: ast.AST, line: int, project: ProjectClasses) -> bool:
        if not tests:
            tests.append(returns(rendering_helpers(parse_files(files).values())))
        return _returns_property(tree, line, project, tests[0])

    return lowered_with_classes(findings, files, XSS_RULES, WHY, holds)


def _returns_property(tree: ast.AST, line: int, project: ProjectClasses, test: Test) -> bool:
    """Whether the return statement on `line` returns a rendering property's value."""
    parents = tree_parents(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Return) and node.lineno == line and node.value is not None:
            value = node.value.elts[0] if isinstance(node.value, ast.Tuple) else node.value
            if _rendered(value, parents, project, test):
                return True
    return False


def _rendered(
    value: ast.AST, parents: Parents, project: ProjectClasses, test: Test, depth: int = DEPTH
) -> bool:
    """A read of a rendering property or a call of a rendering method, or a local name only ever
    assigned one."""
    if depth <= 0:
        return False
    if isinstance(value, ast.Name):
        values = _assigned_values(value, parents)
        return bool(values) and all(
            isinstance(v, ast.Attribute | ast.Call) and _rendered(v, parents, project, test, depth)
            for v in values
        )
    if isinstance(value, ast.Call):
        runs = bound_methods(value, parents, project)
    elif isinstance(value, ast.Attribute):
        runs = property_getters(value, parents, project)
    else:
        return False

    def renders(ret: ast.Return, inner: Parents) -> bool:
        value = ret.value
        return test(ret, inner) or (
            value is not None and _rendered(value, inner, project, test, depth - 1)
        )

    return bool(runs) and value_returns(runs, renders)


def property_getters(
    value: ast.Attribute, parents: Parents, project: ProjectClasses
) -> list[Definition]:
    """The getters `value` calls: it reads a property of project classes ([] when the attribute
    may be anything else: a column, a method, a plain attribute, an unknown class)."""
    classes = project.instance_of(value.value, parents)
    bound = project.attribute(classes, value.attr) if classes else None
    if not bound:
        return []
    getters = [
        Definition(stmt)
        for stmt in bound
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef)
        and _decorators(stmt) & PROPERTIES
    ]
    accessors = [stmt for stmt in bound if _decorators(stmt) & {"setter", "deleter"}]
    return getters if len(getters) + len(accessors) == len(bound) else []


def _decorators(stmt: ast.AST) -> set[str]:
    """The decorators' names (`property`, `functools.cached_property`, `x.setter` -> 'setter')."""
    if not isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
        return set()
    return {called_name(d.func if isinstance(d, ast.Call) else d) for d in stmt.decorator_list}
