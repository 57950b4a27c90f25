"""Django open redirects in views that only a CSRF-checked POST reaches.

An open redirect is used through a request another site makes the visitor's browser send: a
link, or a form it submits. With django.middleware.csrf.CsrfViewMiddleware in MIDDLEWARE,
Django refuses every POST, PUT, PATCH and DELETE that lacks the session's CSRF token before the
view runs, and another site can neither read nor guess that token. A function view that
`@require_POST` (or `@require_http_methods` with only those methods) limits to them, and that
nothing exempts, is sent only by the site's own pages. Those pages may still carry a visitor's
link into the form (a hidden `next` field filled from the query string), so only a target the
server derived from the posted data counts: one the request data reaches only as an argument
of a function (a lookup: `get_object_or_404(Book, ...).local_path`, a webfinger query), not a
URL read from the request, concatenated or passed through str()/quote().

Such a django.open-redirect finding is kept at low confidence. Still blocking: a target that
reads the request (or a view parameter) itself, a view that also answers GET or HEAD, one
under `@csrf_exempt` or passed to `csrf_exempt(...)` anywhere, a redirect outside such a view
(a helper, a class-based view), and every view of a project where an application settings
module assigns MIDDLEWARE any other way than a list naming the CSRF middleware (removed,
built, or no settings seen).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.derived_targets import derived_only
from devsecbots.nodes.analyzers.local_assignments import called_name
from devsecbots.nodes.analyzers.low_confidence import lowered_at
from devsecbots.nodes.analyzers.project_trees import parse_files
from devsecbots.nodes.roles import APP, file_role

RULES = frozenset({"devsecbots.django.open-redirect"})
CSRF = "django.middleware.csrf.CsrfViewMiddleware"
CHECKED = frozenset({"POST", "PUT", "PATCH", "DELETE"})
WHY = (
    "the view answers only POST (require_POST / require_http_methods), which Django's CSRF "
    "middleware rejects without the session's token, and the target is what the server looked "
    "up from the posted data, not a URL read from the request: no other site can choose it"
)
Function = ast.FunctionDef | ast.AsyncFunctionDef


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, an open redirect in a POST-only view of a CSRF-protected project at low."""
    if not any(f["rule_id"] in RULES and f["confidence"] != "low" for f in findings):
        return findings
    trees = parse_files(files)
    if not csrf_middleware_on(files, trees):
        return findings
    exempt = _exempted(trees.values())

    def holds(tree: ast.Module, line: int) -> bool:
        view = _view_at(tree, line)
        if view is None or view.name in exempt:
            return False
        return derived_only(view, line)

    return lowered_at(findings, files, RULES, WHY, holds)


def csrf_middleware_on(files: dict[str, str], trees: dict[str, ast.Module]) -> bool:
    """Every MIDDLEWARE the application's code assigns is a literal list naming the CSRF
    middleware, and nothing removes it (False when no such assignment is seen)."""
    seen = False
    for path, tree in trees.items():
        if file_role(path, files[path]).name != APP:
            continue
        for node in ast.walk(tree):
            if _removes_csrf(node):
                return False
            value = _middleware_value(node)
            if value is None:
                continue
            names = [e.value for e in getattr(value, "elts", []) if isinstance(e, ast.Constant)]
            if not isinstance(value, ast.List | ast.Tuple) or CSRF not in names:
                return False
            seen = True
    return seen


def _middleware_value(node: ast.AST) -> ast.expr | None:
    """The value of `MIDDLEWARE = ...` (None for any other statement)."""
    if isinstance(node, ast.Assign) and any(
        isinstance(t, ast.Name) and t.id == "MIDDLEWARE" for t in node.targets
    ):
        return node.value
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return node.value if node.target.id == "MIDDLEWARE" else None
    return None


def _removes_csrf(node: ast.AST) -> bool:
    """`MIDDLEWARE.remove(...)` / `del MIDDLEWARE[...]` / a comprehension over MIDDLEWARE."""
    if isinstance(node, ast.Call) and called_name(node.func) in {"remove", "pop"}:
        owner = node.func.value if isinstance(node.func, ast.Attribute) else None
        return isinstance(owner, ast.Name) and owner.id == "MIDDLEWARE"
    if isinstance(node, ast.Delete):
        return "MIDDLEWARE" in ast.unparse(node)
    if isinstance(node, ast.comprehension):
        return isinstance(node.iter, ast.Name) and node.iter.id == "MIDDLEWARE"
    return False


def _exempted(trees: Iterable[ast.AST]) -> set[str]:
    """Names of functions that some `csrf_exempt(...)` call wraps."""
    found: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and called_name(node.func) == "csrf_exempt":
                found.update(a.id for a in node.args if isinstance(a, ast.Name))
                found.update(a.attr for a in node.args if isinstance(a, ast.Attribute))
    return found


def _view_at(tree: ast.Module, line: int) -> Function | None:
    """The innermost function around `line`, when it is a POST-only view nothing exempts."""
    found = None
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if node.lineno <= line <= (node.end_lineno or node.lineno):
                if found is None or node.lineno > found.lineno:
                    found = node
    if found is None:
        return None
    names = [called_name(d.func if isinstance(d, ast.Call) else d) for d in found.decorator_list]
    if "csrf_exempt" in names:
        return None
    return found if any(_checked_only(d) for d in found.decorator_list) else None


def _checked_only(decorator: ast.expr) -> bool:
    """`@require_POST`, or `@require_http_methods([...])` listing only CSRF-checked methods."""
    if not isinstance(decorator, ast.Call):
        return called_name(decorator) == "require_POST"
    if called_name(decorator.func) != "require_http_methods" or len(decorator.args) != 1:
        return False
    methods = decorator.args[0]
    if not isinstance(methods, ast.List | ast.Tuple | ast.Set) or not methods.elts:
        return False
    texts = [e.value for e in methods.elts if isinstance(e, ast.Constant)]
    upper = {t.upper() for t in texts if isinstance(t, str)}
    return len(texts) == len(methods.elts) and upper <= CHECKED
