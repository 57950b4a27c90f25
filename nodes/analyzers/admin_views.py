"""Path-traversal and SSRF findings in code that only administrators reach.

An administrator chooses server paths as part of the role (a library location, a folder browser,
an extension to install), and the hosts the server contacts for them (a camera to probe, a
service to connect): a path or URL they send is not an attack on the server by someone else. A
Flask or FastAPI path-traversal or SSRF finding is kept at low confidence when the function
holding it is

- decorated, below its route registration, with a decorator proven to admit only admins
  (admin_gates.py; a decorator above `@app.route` wraps after Flask registered the bare view);
- a FastAPI path operation with a dependency proven to admit only admins (a parameter's
  `Depends(gate)`, the decorator's or its module router's `dependencies=[Depends(gate)]`,
  also a dependency made in place by a project role factory, `Depends(require_role(["admin"]))`);
- one whose own statements, before the sink, leave unless the current user is an admin; or
- an undecorated helper every use of which, across the project, is a call from such a function
  (a reference that is not a call, e.g. `add_url_rule(view_func=helper)`, keeps the finding).

Login alone, a check on a setting, a check that does not leave, or a gate on another view than
the one reaching the sink keeps the finding. Other rules (XSS, SQL, redirects) are not touched:
an admin is a victim there, not the one choosing.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.admin_gates import (
    admin_decorators,
    admin_dependencies,
    admin_role_calls,
    guarded,
    user_names,
)
from devsecbots.nodes.analyzers.bearer_routes import (
    depends_in_parameters,
    listed,
    requiring_routers,
    router_of,
)
from devsecbots.nodes.analyzers.helper_summaries import called_name
from devsecbots.nodes.analyzers.low_confidence import lowered
from devsecbots.nodes.analyzers.project_trees import all_nodes, parents_of, parse_files, walk

ROLE = {
    "devsecbots.flask.path-traversal": "choosing server paths",
    "devsecbots.fastapi.path-traversal": "choosing server paths",
    "devsecbots.flask.ssrf": "choosing the hosts the server contacts",
    "devsecbots.fastapi.ssrf": "choosing the hosts the server contacts",
}
RULES = frozenset(ROLE)
ROUTES = frozenset({"route", "get", "post", "put", "patch", "delete", "api_route", "websocket"})
MAX_CALLERS = 4  # helper -> caller -> ... -> gated view: how many steps are followed

Function = ast.FunctionDef | ast.AsyncFunctionDef


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, a path traversal that only administrators reach at low confidence."""
    if not any(f["rule_id"] in RULES and f["confidence"] != "low" for f in findings):
        return findings
    trees = parse_files(files)
    gates = _Gates(trees)
    out = []
    for finding in findings:
        tree = trees.get(finding["file"])
        if finding["rule_id"] in RULES and finding["confidence"] != "low" and tree is not None:
            function = _innermost(tree, finding["line"])
            gate = gates.admin_only(function, tree, finding["line"], 0) if function else ""
            if gate:
                finding = lowered(
                    finding,
                    f"only administrators reach this view ({gate}); "
                    f"{ROLE[finding['rule_id']]} is part of their role",
                )
        out.append(finding)
    return out


class _Gates:
    """The project's admin gates and who calls what, read once per analysis."""

    def __init__(self, trees: Mapping[str, ast.Module]) -> None:
        modules = list(trees.values())
        self.decorators = admin_decorators(modules)
        self.dependencies = admin_dependencies(modules)
        self.made_admin_only = admin_role_calls(modules)  # Depends(require_role(["admin"]))
        self.projected = {n.name for n in all_nodes(modules) if isinstance(n, Function)}
        self.parents = parents_of(modules)
        self.module_of = {id(n): tree for tree in modules for n in walk(tree)}
        self.references: dict[str, list[ast.AST]] = {}
        for node in all_nodes(modules):
            name = (
                node.id
                if isinstance(node, ast.Name)
                else node.attr
                if isinstance(node, ast.Attribute)
                else ""
            )
            if name:
                self.references.setdefault(name, []).append(node)

    def admin_only(self, function: Function, tree: ast.Module, line: int, depth: int) -> str:
        """How only admins reach `line` in the function ('' when others may)."""
        routes = [i for i, d in enumerate(function.decorator_list) if _route(d)]
        below = function.decorator_list[max(routes) + 1 :] if routes else function.decorator_list
        named = [called_name(d) for d in below if isinstance(d, ast.Name | ast.Attribute)]
        gate = next((n for n in named if n in self.decorators), "")
        if gate:
            return f"@{gate} on {function.name}"
        if self._depends(function, tree):
            routers = {router_of(d) for d in function.decorator_list if isinstance(d, ast.Call)}
            bound = [s for s in tree.body if isinstance(s, ast.Assign) and _binds(s, routers)]
            used = sorted(
                called_name(n)
                for n in [*walk(function), *(m for s in bound for m in walk(s.value))]
                if isinstance(n, ast.Name | ast.Attribute) and called_name(n) in self.dependencies
            )
            made = [
                ast.unparse(n)
                for n in [*walk(function), *(m for s in bound for m in walk(s.value))]
                if isinstance(n, ast.Call) and self.made_admin_only(n)
            ]
            dependency = used[0] if used else made[0] if made else "an admin dependency"
            return f"{function.name} depends on {dependency}"
        if self._checks_itself(function, line):
            return f"{function.name} leaves unless the current user is an admin"
        if routes or function.decorator_list or depth >= MAX_CALLERS:
            return ""
        return self._callers_admin_only(function, depth)

    def _depends(self, function: Function, tree: ast.Module) -> bool:
        """A FastAPI path operation with an admin dependency of its own or of its router."""
        routes = [d for d in function.decorator_list if isinstance(d, ast.Call) and router_of(d)]
        if not routes:
            return False
        made = self.made_admin_only
        routers = requiring_routers(tree, self.dependencies, made)
        return depends_in_parameters(function, self.dependencies, made) or any(
            listed(d, self.dependencies, made) or router_of(d) in routers for d in routes
        )

    def _checks_itself(self, function: Function, line: int) -> bool:
        """Whether the function's own statements leave before `line` unless the user is an admin."""

        def sink(node: ast.AST) -> bool:
            end = getattr(node, "end_lineno", None)
            return isinstance(node, ast.stmt) and end is not None and node.lineno <= line <= end

        reached = any(sink(n) for s in function.body for n in walk(s))
        return reached and guarded(
            function.body, user_names(function, self.projected), sink, raise_only=False
        )

    def _callers_admin_only(self, function: Function, depth: int) -> str:
        """`f is called only by g (gate)` when every use of the name is a call from admin code."""
        uses = [n for n in self.references.get(function.name, []) if n is not function]
        callers: dict[str, str] = {}
        for use in uses:
            call = self.parents.get(use)
            if not (isinstance(call, ast.Call) and call.func is use):
                return ""
            caller = self._enclosing(use)
            tree = self.module_of.get(id(use))
            if caller is None or caller is function or tree is None:
                return ""
            gate = self.admin_only(caller, tree, use.lineno, depth + 1)
            if not gate:
                return ""
            callers[caller.name] = gate
        if not callers:
            return ""
        said = "; ".join(f"{gate}" for gate in callers.values())
        return f"{function.name} is called only from admin-only code: {said}"

    def _enclosing(self, node: ast.AST) -> Function | None:
        """The innermost function around the node."""
        parent = self.parents.get(node)
        while parent is not None and not isinstance(parent, Function):
            parent = self.parents.get(parent)
        return parent


def _binds(stmt: ast.Assign, names: set[str]) -> bool:
    """Whether the assignment binds one of the names."""
    return any(isinstance(t, ast.Name) and t.id in names for t in stmt.targets)


def _route(decorator: ast.AST) -> bool:
    """`@app.route(...)`, `@bp.get(...)`, `@router.post(...)`: the function is registered."""
    return (
        isinstance(decorator, ast.Call)
        and isinstance(decorator.func, ast.Attribute)
        and decorator.func.attr in ROUTES
    )


def _innermost(tree: ast.Module, line: int) -> Function | None:
    """The innermost function whose lines hold `line`."""
    found = None
    for node in walk(tree):
        if isinstance(node, Function) and node.lineno <= line <= (node.end_lineno or node.lineno):
            if found is None or node.lineno >= found.lineno:
                found = node
    return found
