"""FastAPI routes reachable only with a bearer (or API-key header) credential, across files.

A reflected XSS needs the victim's browser to send the attacker's request with the victim's
credentials. A browser attaches cookies and HTTP Basic credentials by itself, never an
`Authorization: Bearer` or API-key header: a route that requires one cannot be triggered from
another site, so its reflected XSS is self-XSS at most. A name requires such a credential when
every definition of it (least fixpoint over the project) is

- an instance of OAuth2PasswordBearer, OAuth2AuthorizationCodeBearer, HTTPBearer or APIKeyHeader
  (not with `auto_error=False`: the route then runs without one; not HTTPBasic, APIKeyCookie or
  APIKeyQuery: a browser sends the first two itself, the query key is in the link; not a project
  subclass, whose `__call__` may read a cookie);
- `Annotated[T, Depends(x)]` (or Security) with x such a name;
- a function one of whose parameters depends on such a name (default `Depends(x)`, or an
  annotation that is such an alias or an `Annotated[..., Depends(x)]`).

A route (`@router.get(...)`, `@app.post(...)`, ...) is bearer-only when one of its parameters,
its decorator's `dependencies=[...]` or its router's (`APIRouter(dependencies=[...])` in the same
module) depends on such a name. A FastAPI XSS finding in it is kept at low confidence, unless
the project copies a cookie into the Authorization header (a function that reads `.cookies` and
names the header): then the browser's cookie is the credential after all.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.helper_summaries import called_name
from devsecbots.nodes.analyzers.low_confidence import lowered
from devsecbots.nodes.analyzers.project_trees import all_nodes, parse_files

BEARER_SCHEMES = frozenset(
    {"OAuth2PasswordBearer", "OAuth2AuthorizationCodeBearer", "HTTPBearer", "APIKeyHeader"}
)
DEPENDS = frozenset({"Depends", "Security"})
ROUTE_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "trace", "api_route"}
)
ROUTERS = frozenset({"APIRouter", "FastAPI"})
XSS_RULES = frozenset({"devsecbots.fastapi.xss"})
WHY = (
    "the route requires a bearer / API-key header credential, which a browser never attaches by "
    "itself: the request cannot be forged from another site (self-XSS at most)"
)

Function = ast.FunctionDef | ast.AsyncFunctionDef
Own = Callable[[ast.AST], bool]  # a definition that qualifies by itself


def bearer_names(trees: Iterable[ast.AST]) -> set[str]:
    """Names (schemes, Annotated aliases, dependency functions) that require a bearer credential."""
    return requiring_names(trees, _bearer_scheme)


def requiring_names(trees: Iterable[ast.AST], own: Own) -> set[str]:
    """Names every definition of which passes `own` or depends on such a name (least fixpoint):
    functions, `Annotated[..., Depends(x)]` aliases and module-level values."""
    trees = list(trees)
    definitions: dict[str, list[ast.AST]] = {}
    for node in all_nodes(trees):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            definitions.setdefault(node.name, []).append(node)
    for tree in trees:
        for stmt in getattr(tree, "body", []):
            target, value = _binding(stmt)
            if target:
                definitions.setdefault(target, []).append(value or stmt)
    found: set[str] = set()
    while True:  # grows only: a name qualifies through names found before it
        now = {
            name
            for name, defs in definitions.items()
            if all(own(d) or _requires(d, found, own) for d in defs)
        }
        if now == found:
            return found
        found = now


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, a FastAPI XSS one in a bearer-only route at low confidence."""
    if not any(f["rule_id"] in XSS_RULES for f in findings):
        return findings
    trees = parse_files(files)
    bearer = set() if _bridges_cookie(trees.values()) else bearer_names(trees.values())
    out = []
    for finding in findings:
        tree = trees.get(finding["file"])
        if finding["rule_id"] in XSS_RULES and tree is not None:
            if _in_bearer_route(tree, finding["line"], bearer):
                finding = lowered(finding, WHY)
        out.append(finding)
    return out


def _bridges_cookie(trees: Iterable[ast.AST]) -> bool:
    """Whether a project function reads a cookie and names the Authorization header."""
    nodes = all_nodes(trees)
    if not any(_names_authorization(n) for n in nodes):
        return False
    for function in nodes:
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            inside = list(ast.walk(function))
            if any(_names_authorization(n) for n in inside) and any(
                isinstance(n, ast.Attribute) and n.attr == "cookies" for n in inside
            ):
                return True
    return False


def _names_authorization(node: ast.AST) -> bool:
    value = node.value if isinstance(node, ast.Constant) else None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return isinstance(value, str) and value.lower() == "authorization"


def _bearer_scheme(definition: ast.AST) -> bool:
    """A bearer scheme made without `auto_error=False`."""
    if isinstance(definition, ast.Call) and called_name(definition.func) in BEARER_SCHEMES:
        return not any(
            k.arg == "auto_error" and not (isinstance(k.value, ast.Constant) and k.value.value)
            for k in definition.keywords
        )
    return False


def _requires(definition: ast.AST, bearer: set[str], own: Own) -> bool:
    """Whether one definition (a function, or a module-level value) depends on a named one."""
    if isinstance(definition, ast.FunctionDef | ast.AsyncFunctionDef):
        return depends_in_parameters(definition, bearer, own)
    return _annotated_depends(definition, bearer, own)


def depends_in_parameters(function: Function, bearer: set[str], own: Own = _bearer_scheme) -> bool:
    """Whether a parameter's default or annotation depends on one of the names."""
    args = function.args
    defaults = [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
    annotations = [
        a.annotation for a in [*args.posonlyargs, *args.args, *args.kwonlyargs] if a.annotation
    ]
    return any(_depends_on(d, bearer, own) for d in defaults) or any(
        _annotated_depends(a, bearer, own) for a in annotations
    )


def _annotated_depends(annotation: ast.AST, bearer: set[str], own: Own) -> bool:
    """`Alias` (a bearer name) or `Annotated[T, ..., Depends(x), ...]` with x a bearer name."""
    if isinstance(annotation, ast.Name | ast.Attribute):
        return called_name(annotation) in bearer
    if not (isinstance(annotation, ast.Subscript) and called_name(annotation.value) == "Annotated"):
        return False
    items = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else []
    return any(_depends_on(item, bearer, own) for item in items[1:])


def _depends_on(value: ast.AST, bearer: set[str], own: Own) -> bool:
    """`Depends(x)` / `Security(x)` / `Depends(dependency=x)` with x a bearer name."""
    if not (isinstance(value, ast.Call) and called_name(value.func) in DEPENDS):
        return False
    target = value.args[0] if value.args else None
    target = next((k.value for k in value.keywords if k.arg == "dependency"), target)
    if isinstance(target, ast.Call):  # Depends(HTTPBearer()): a scheme made in place
        return own(target)
    return target is not None and called_name(target) in bearer


def _in_bearer_route(tree: ast.AST, line: int, bearer: set[str]) -> bool:
    """Whether `line` lies in a route function that requires a bearer credential."""
    routers = requiring_routers(tree, bearer)
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if not node.lineno <= line <= (node.end_lineno or node.lineno):
            continue
        routes = [d for d in node.decorator_list if isinstance(d, ast.Call) and router_of(d)]
        if routes and (
            depends_in_parameters(node, bearer)
            or any(listed(d, bearer) or router_of(d) in routers for d in routes)
        ):
            return True
    return False


def requiring_routers(tree: ast.AST, bearer: set[str], own: Own = _bearer_scheme) -> set[str]:
    """Module-level routers made with `dependencies=[...]` that depend on one of the names."""
    found = set()
    for stmt in getattr(tree, "body", []):
        target, value = _binding(stmt)
        if target and isinstance(value, ast.Call) and called_name(value.func) in ROUTERS:
            if listed(value, bearer, own):
                found.add(target)
    return found


def router_of(decorator: ast.Call) -> str:
    """`router` for a route registration `@router.get(...)`, `@app.post(...)`; '' otherwise."""
    func = decorator.func
    if isinstance(func, ast.Attribute) and func.attr in ROUTE_METHODS:
        return called_name(func.value)
    return ""


def listed(call: ast.Call, bearer: set[str], own: Own = _bearer_scheme) -> bool:
    """Whether the call's `dependencies=[...]` lists one on one of the names."""
    return any(
        k.arg == "dependencies"
        and isinstance(k.value, ast.List | ast.Tuple)
        and any(_depends_on(e, bearer, own) for e in k.value.elts)
        for k in call.keywords
    )


def _binding(stmt: ast.stmt) -> tuple[str, ast.expr | None]:
    """(name, value) of a module-level `NAME = value` / `NAME: T = value`; ('', None) else."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        if isinstance(stmt.targets[0], ast.Name):
            return stmt.targets[0].id, stmt.value
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return stmt.target.id, stmt.value
    return "", None
