"""State-changing routes without a rate limit -> Flask-Limiter keyed by client address (CWE-770)."""

from __future__ import annotations

import re

import libcst as cst
from devsecbots.nodes.analyzers.flask_checklist import RATE_LIMIT
from devsecbots.nodes.analyzers.flask_facts import ROUTE_METHODS, STATE_CHANGING
from devsecbots.nodes.autofix.base import Codemod, FileResult, Project, Site
from devsecbots.nodes.autofix.dependencies import require
from devsecbots.nodes.autofix.edits import Edits, stmt
from devsecbots.nodes.autofix.flask_app import flask_apps
from devsecbots.nodes.autofix.tree import Tree, code, string_value

REQUIREMENT = "flask-limiter>=3.5"
STRICT_LIMIT = "10 per minute"
LIMITER = (
    "{var} = Limiter(\n"
    "    get_remote_address,  # the client address; behind a proxy, see ProxyFix in the README\n"
    "    app={app},\n"
    '    storage_uri=os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),\n'
    ")\n"
)


class RateLimit(Codemod):
    name = "rate-limit"
    rule_ids = frozenset({RATE_LIMIT})
    cwes = frozenset({"CWE-770", "CWE-307", "CWE-799"})
    pattern = "state-changing route without a rate limit"
    topic = r"rate.?limit|throttl|brute|flood"

    def sites(self, tree: Tree, path: str, project: Project) -> list[Site]:
        apps = flask_apps(tree)
        routes = [(f, m) for f in tree.find(cst.FunctionDef) if (m := _unlimited_methods(f))]
        spans = [(1, max(1, len(tree.lines)))]  # the limiter is app-wide: any line of the file
        if not routes:
            return []
        existing = _limiter_variable(tree)
        if existing is None and not apps:
            return [
                Site(
                    spans=spans,
                    reason="rate-limit: the Flask app is created in another module; create the "
                    "Limiter there and decorate these routes with @limiter.limit(...)",
                )
            ]
        variable = existing or next(
            v for v in ("limiter", "rate_limiter") if not re.search(rf"\b{v}\b", tree.source)
        )

        def plan(edits: Edits) -> str:
            if existing is None:
                edits.insert_after(
                    apps[0].setup_end, [stmt(LIMITER.format(var=variable, app=apps[0].name))]
                )
            for function, methods in routes:
                edits.swap(function, _decorate(variable, methods))
            where = "" if existing else " (Flask-Limiter keyed by client address)"
            return f"rate limit: {STRICT_LIMIT} on {len(routes)} state-changing route(s){where}"

        imports: list[tuple[str, str | None]] = []
        if existing is None:
            imports = [
                ("os", None),
                ("Limiter", "flask_limiter"),
                ("get_remote_address", "flask_limiter.util"),
            ]
        return [Site(spans=spans, plan=plan, imports=imports)]

    def extra(self, tree: Tree, path: str, project: Project, result: FileResult) -> None:
        if result.fixed:
            require(project, path, REQUIREMENT, result)


def _limiter_variable(tree: Tree) -> str | None:
    """The variable holding a Limiter(...) created in this file."""
    for assign in tree.find(cst.Assign):
        value = assign.value
        if (
            isinstance(value, cst.Call)
            and code(value.func).split(".")[-1] == "Limiter"
            and isinstance(assign.targets[0].target, cst.Name)
        ):
            return assign.targets[0].target.value
    return None


def _unlimited_methods(function: cst.FunctionDef) -> list[str]:
    """The state-changing methods of a route that has no limit decorator ([] otherwise)."""
    methods: set[str] = set()
    for decorator in function.decorators:
        node = decorator.decorator
        func = node.func if isinstance(node, cst.Call) else node
        name = func.attr.value if isinstance(func, cst.Attribute) else ""
        if name in ("limit", "exempt", "shared_limit"):
            return []
        if not isinstance(node, cst.Call) or name not in ("route", *ROUTE_METHODS):
            continue
        if name in ROUTE_METHODS:
            methods.add(ROUTE_METHODS[name])
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value == "methods":
                elements = getattr(arg.value, "elements", [])
                methods.update(
                    (string_value(e.value) or "").upper() for e in elements if hasattr(e, "value")
                )
    return sorted(methods & STATE_CHANGING)


def _decorate(variable: str, methods: list[str]):
    """Add @limiter.limit(...) right under the route decorator (the route must stay outermost)."""
    listed = ", ".join(f'"{m}"' for m in methods)
    limit = cst.Decorator(
        decorator=cst.parse_expression(f'{variable}.limit("{STRICT_LIMIT}", methods=[{listed}])')
    )

    def change(node: cst.FunctionDef) -> cst.FunctionDef:
        decorators = list(node.decorators)
        index = max(
            (i for i, d in enumerate(decorators) if _is_route(d.decorator)), default=len(decorators)
        )
        decorators.insert(index + 1, limit)
        return node.with_changes(decorators=decorators)

    return change


def _is_route(node: cst.BaseExpression) -> bool:
    func = node.func if isinstance(node, cst.Call) else node
    return isinstance(func, cst.Attribute) and func.attr.value in ("route", *ROUTE_METHODS)
