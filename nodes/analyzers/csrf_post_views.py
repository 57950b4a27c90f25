"""Flask views that only a CSRF-checked request reaches reflect only the user's own input.

Reflected XSS needs a victim's browser to send the attacker's request: a link (GET) or a form
another site submits. When the app binds Flask-WTF's CSRFProtect (or SeaSurf) to itself, every
POST, PUT, PATCH and DELETE request without the session's token is rejected before any view
runs, and another site can neither read nor guess that token. A view whose every route accepts
only those methods, and that nothing exempts, therefore answers only requests the user's own
pages sent: whatever request data it echoes (form, query string, URL) is the user's own input
(self-XSS).

A flask.xss finding in such a view is kept at low confidence; so is a flask.open-redirect one
whose target the server derived from the posted data (derived_targets.py: a lookup's answer,
not a URL read from the request, which a site page's hidden field may carry from a link).
Still blocking: a view with a GET (or default-method) route, one that is exempt
(`@csrf.exempt`, `csrf.exempt(blueprint)`, `csrf.exempt("module.view")`, or any exemption of
its blueprint's name), and every view of a project whose application code sets
WTF_CSRF_ENABLED / WTF_CSRF_CHECK_DEFAULT / WTF_CSRF_METHODS / CSRF_DISABLE to anything but
True (protection possibly off, or narrowed).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.derived_targets import derived_only
from devsecbots.nodes.analyzers.flask_checklist import csrf_protected
from devsecbots.nodes.analyzers.local_assignments import called_name
from devsecbots.nodes.analyzers.low_confidence import lowered_at
from devsecbots.nodes.analyzers.project_trees import parse_files
from devsecbots.nodes.roles import APP, file_role, test_config_at

XSS_RULES = frozenset({"devsecbots.flask.xss"})
REDIRECT_RULES = frozenset({"devsecbots.flask.open-redirect"})
CHECKED = frozenset({"POST", "PUT", "PATCH", "DELETE"})  # Flask-WTF's WTF_CSRF_METHODS default
SHORTCUTS = {"post": "POST", "put": "PUT", "patch": "PATCH", "delete": "DELETE"}
SETTINGS = re.compile(r"WTF_CSRF_ENABLED|WTF_CSRF_CHECK_DEFAULT|WTF_CSRF_METHODS|CSRF_DISABLE")
WHY = (
    "the view answers only POST/PUT/PATCH/DELETE, which the app's global CSRF protection rejects "
    "without the session's token: no other site can send it, so only the user's own input comes "
    "back (self-XSS)"
)
WHY_REDIRECT = (
    "the view answers only POST/PUT/PATCH/DELETE, which the app's global CSRF protection "
    "rejects without the session's token, and the target is what the server looked up from the "
    "posted data, not a URL read from the request: no other site can choose it"
)
Function = ast.FunctionDef | ast.AsyncFunctionDef


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, an XSS or open-redirect one in a CSRF-checked-only view of a protected app
    at low."""
    if not any(f["rule_id"] in XSS_RULES | REDIRECT_RULES for f in findings):
        return findings
    if not csrf_protected(files) or _settings_touched(files):
        return findings
    exempt = _exempted(parse_files(files).values())

    def holds(tree: ast.Module, line: int) -> bool:
        view = _view_at(tree, line)
        return view is not None and _checked_only(view, exempt)

    def derived(tree: ast.Module, line: int) -> bool:
        view = _view_at(tree, line)
        return view is not None and _checked_only(view, exempt) and derived_only(view, line)

    findings = lowered_at(findings, files, XSS_RULES, WHY, holds)
    return lowered_at(findings, files, REDIRECT_RULES, WHY_REDIRECT, derived)


def _settings_touched(files: dict[str, str]) -> bool:
    """Whether application code sets a CSRF setting to anything but True."""
    for path, source in files.items():
        if not path.endswith(".py") or file_role(path, source).name != APP:
            continue
        for number, line in enumerate(source.splitlines(), 1):
            if SETTINGS.search(line) and "True" not in line and not test_config_at(source, number):
                return True
    return False


def _exempted(trees: Iterable[ast.AST]) -> set[str]:
    """Names (view functions, blueprint variables, endpoint strings' last part) that some
    `<x>.exempt(...)` call names."""
    found: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and called_name(node.func) == "exempt":
                for arg in node.args:
                    if isinstance(arg, ast.Name):
                        found.add(arg.id)
                    elif isinstance(arg, ast.Attribute):
                        found.add(arg.attr)
                    elif isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        found.add(arg.value.rsplit(".", 1)[-1])
    return found


def _view_at(tree: ast.Module, line: int) -> Function | None:
    """The innermost routed function around `line`."""
    found = None
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if node.lineno <= line <= (node.end_lineno or node.lineno) and _routes(node):
                if found is None or node.lineno > found.lineno:
                    found = node
    return found


def _routes(view: Function) -> list[ast.Call]:
    """The view's route decorators (`@bp.route(...)`, `@app.post(...)`, ...)."""
    return [
        d
        for d in view.decorator_list
        if isinstance(d, ast.Call)
        and isinstance(d.func, ast.Attribute)
        and (d.func.attr == "route" or d.func.attr in SHORTCUTS)
    ]


def _checked_only(view: Function, exempt: set[str]) -> bool:
    """Every route accepts only CSRF-checked methods, and nothing exempts the view or its
    blueprint (nor any decorator named exempt)."""
    if view.name in exempt:
        return False
    for decorator in view.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if called_name(target) == "exempt":
            return False
    routes = _routes(view)
    for route in routes:
        owner = route.func.value  # type: ignore[attr-defined]
        if called_name(owner) in exempt or not _methods(route) <= CHECKED:
            return False
    return bool(routes)


def _methods(route: ast.Call) -> set[str]:
    """The methods a route decorator accepts ({"GET"} when they are not a literal list)."""
    shortcut = SHORTCUTS.get(route.func.attr)  # type: ignore[attr-defined]
    if shortcut:
        return {shortcut}
    methods = next((k.value for k in route.keywords if k.arg == "methods"), None)
    if not isinstance(methods, ast.List | ast.Tuple | ast.Set):
        return {"GET"}
    texts = [e.value for e in methods.elts if isinstance(e, ast.Constant)]
    names = [t.upper() for t in texts if isinstance(t, str)]
    return set(names) if len(names) == len(methods.elts) else {"GET"}
