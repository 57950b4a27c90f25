"""Django XSS findings whose HTML holds a value only inside the branch that found it in a set.

`if key in CONSTANTS_CONFIG: header = mark_safe(f"<code>{key}</code>")` runs only when the
request's value is one of the container's own members (a config name, a known slug): markup
nobody wrote into that container cannot reach the page there. Semgrep's taint rule
devsecbots.django.xss cannot tell that branch from its `else`. A finding is kept at low
confidence when the HTML given to mark_safe / HttpResponse on its line is an f-string, `%`,
`.format()` or `+` of constants and of that one name (as it is, or passed alone to a function:
`{key}`, `{find_section(key)}`, `{key.lower()}`), the sink sits in the body of an `if` (or
`elif`) whose test is `name in container` (alone or and-ed with more checks), the container
names no request data (nor a local name assigned from it), and the body does not bind the name
again. The `else` side, and HTML holding any other value, keep the finding.
"""

from __future__ import annotations

import ast

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.escaped_bodies import _sink_body
from devsecbots.nodes.analyzers.low_confidence import lowered_by
from devsecbots.nodes.analyzers.project_trees import tree_parents

RULES = frozenset({"devsecbots.django.xss"})
WHY = "the only request value in the HTML is one the enclosing branch found in a fixed container"


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, Django XSS ones inside a membership branch (as above) lowered."""
    return lowered_by(findings, files, RULES, _why_at)


def _why_at(tree: ast.Module, line: int) -> str:
    body = _sink_body(tree, line)
    if body is None:
        return ""
    parents = tree_parents(tree)
    node: ast.AST = body
    while node in parents:
        parent = parents[node]
        if isinstance(parent, ast.If) and node in parent.body:
            name = _member_tested(parent.test, _request_names(tree, parent, parents))
            if name and _only_built_from(body, name) and not _rebinds(parent.body, name):
                return WHY
        if isinstance(parent, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            return ""
        node = parent
    return ""


def _member_tested(test: ast.AST, from_request: set[str]) -> str:
    """`name` when the test is `name in container` (or and-ed with more), '' otherwise; a
    container that is, or is a local name assigned from, request data does not count."""
    tests = test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) else [test]
    for each in tests:
        if (
            isinstance(each, ast.Compare)
            and len(each.ops) == 1
            and isinstance(each.ops[0], ast.In)
            and isinstance(each.left, ast.Name)
        ):
            container = each.comparators[0]
            used = {n.id for n in ast.walk(container) if isinstance(n, ast.Name)}
            if "request" not in ast.unparse(container) and not used & from_request:
                return each.left.id
    return ""


def _request_names(tree: ast.AST, at: ast.AST, parents: dict[ast.AST, ast.AST]) -> set[str]:
    """Local names of the function around `at` that some assignment gives request data."""
    function: ast.AST | None = at
    while function is not None and not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        function = parents.get(function)
    return {
        target.id
        for node in ast.walk(function or tree)
        if isinstance(node, ast.Assign) and "request" in ast.unparse(node.value)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def _only_built_from(html: ast.AST, name: str) -> bool:
    """Whether the text's only variable parts are `name` or a call over `name` alone."""
    parts: list[ast.AST]
    if isinstance(html, ast.JoinedStr):
        parts = [v.value for v in html.values if isinstance(v, ast.FormattedValue)]
    elif isinstance(html, ast.BinOp) and isinstance(html.op, ast.Add):
        parts = _added(html)  # also how a Python 3.12 f-string is read here (newer_fstrings.py)
    elif isinstance(html, ast.BinOp) and isinstance(html.op, ast.Mod):
        if not isinstance(html.left, ast.Constant):
            return False
        right = html.right
        parts = list(right.elts) if isinstance(right, ast.Tuple) else [right]
    elif (
        isinstance(html, ast.Call)
        and isinstance(html.func, ast.Attribute)
        and html.func.attr == "format"
        and isinstance(html.func.value, ast.Constant)
    ):
        parts = [*html.args, *(k.value for k in html.keywords)]
    else:
        return False
    return bool(parts) and all(_of_name(part, name) for part in parts)


def _added(node: ast.AST) -> list[ast.AST]:
    """The operands of a chain of `+`."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _added(node.left) + _added(node.right)
    return [node]


def _of_name(part: ast.AST, name: str) -> bool:
    """`name`, a constant, `name.method()` or `f(name)` with no other values."""
    if isinstance(part, ast.Constant):
        return True
    if isinstance(part, ast.Name):
        return part.id == name
    if isinstance(part, ast.Call) and not part.keywords:
        func = part.func
        if isinstance(func, ast.Attribute) and _of_name(func.value, name) and not part.args:
            return True  # key.lower()
        return (
            isinstance(func, ast.Name)
            and len(part.args) == 1
            and isinstance(part.args[0], ast.Name)
            and part.args[0].id == name
        )
    return False


def _rebinds(body: list[ast.stmt], name: str) -> bool:
    return any(
        isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
        for statement in body
        for n in ast.walk(statement)
    )
