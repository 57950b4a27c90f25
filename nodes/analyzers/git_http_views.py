"""CSRF exemptions on git's smart-HTTP read endpoints, which change nothing and must be exempt.

An app that serves a repository over HTTP answers git clients at `<repo>/info/refs` (the ref
advertisement) and `<repo>/git-upload-pack` (the fetch and clone negotiation). A git client
sends no CSRF token, so these views have to be exempt, and by the protocol they only read: a
forged cross-site request changes no state, and its answer (pkt-line refs, a pack) is not
readable by the page that forged it. A csrf-disabled finding on a view (`@csrf.exempt` above it,
or `csrf.exempt(view)`) every route of which ends in one of these two endpoints is kept at low
confidence. `git-receive-pack` (push) writes to the repository: its exemption still blocks, as
does a read endpoint's view that also answers another route.
"""

from __future__ import annotations

import ast
import re

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.local_assignments import called_name
from devsecbots.nodes.analyzers.low_confidence import lowered_at

RULES = frozenset({"devsecbots.flask.csrf-disabled"})
ROUTES = frozenset({"route", "get", "post"})
READ_ENDPOINT = re.compile(r"(^|/)(info/refs|git-upload-pack)/?$")
WHY = (
    "the exempt view only answers git's smart-HTTP read endpoints (info/refs, git-upload-pack): "
    "git clients send no CSRF token, and a forged request there changes nothing and cannot read "
    "the answer"
)
Function = ast.FunctionDef | ast.AsyncFunctionDef


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, a CSRF exemption of a git read endpoint's view at low confidence."""
    return lowered_at(findings, files, RULES, WHY, exempts_git_read_view)


def exempts_git_read_view(tree: ast.Module, line: int) -> bool:
    """Whether the exemption on `line` is of a view that only serves git read endpoints."""
    views = exempted_views(tree, line)
    return bool(views) and all(v is not None and _git_read_view(v) for v in views)


def exempted_views(tree: ast.Module, line: int) -> list[Function | None]:
    """The functions an exemption on `line` is of: decorated there, or `<csrf>.exempt(f)`
    (None for an `exempt(f)` whose `f` the module does not define once)."""
    views: list[Function | None] = [
        f for f in ast.walk(tree) if isinstance(f, Function) and _decorated_at(f, line)
    ]
    return views or [_exempted_by_call(tree, line)]


def _decorated_at(function: Function, line: int) -> bool:
    """The line is within the function's decorators (or is its `def`)."""
    first = min([d.lineno for d in function.decorator_list] + [function.lineno])
    return function.decorator_list != [] and first <= line <= function.lineno


def _exempted_by_call(tree: ast.Module, line: int) -> Function | None:
    """The module's function `f` of a `<csrf>.exempt(f)` call on the line."""
    for call in ast.walk(tree):
        if (
            isinstance(call, ast.Call)
            and call.lineno == line
            and called_name(call.func) == "exempt"
            and len(call.args) == 1
            and isinstance(call.args[0], ast.Name)
        ):
            name = call.args[0].id
            found = [f for f in tree.body if isinstance(f, Function) and f.name == name]
            return found[0] if len(found) == 1 else None
    return None


def _git_read_view(view: Function) -> bool:
    """Every route decorator of the view names a literal rule ending in a git read endpoint."""
    rules = []
    for decorator in view.decorator_list:
        if isinstance(decorator, ast.Call) and called_name(decorator.func) in ROUTES:
            rule = decorator.args[0] if decorator.args else None
            if not (isinstance(rule, ast.Constant) and isinstance(rule.value, str)):
                return False
            rules.append(rule.value)
    return bool(rules) and all(READ_ENDPOINT.search(r) for r in rules)
