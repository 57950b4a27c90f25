"""Project functions proven to let only administrators through: decorators and FastAPI dependencies.

A gate is never trusted by its name; its body must show it. An *admin test* is an expression that
reads the current user (flask_login's `current_user`, `g.user`, `request.user`, or a parameter
that a FastAPI dependency on a project function fills and whose name or type says user/account)
together with an admin word (admin, superuser / super_user, staff) in the same comparison, call
or attribute: `current_user.role_admin()`, `not user.is_superuser`,
`account.id != settings.super_user`, `account.id not in settings.admin_users`. A word with
"non"/"not"/"no" (`non_admins`) or a comparison with a falsy constant (`user.is_admin == False`)
is no admin test.

- A decorator `d(f)` returning its inner wrapper, every use of `f` in which lies behind an admin
  test: in the body of `if <admin>:`, or after `if not <admin>: abort(403) / raise / return`.
- A FastAPI dependency whose every return, yield and fall-through lies behind an admin test, the
  failing branch raising (a dependency's return does not stop the request); a dependency that
  depends on such a function is one too (bearer_routes.requiring_names). FastAPI Users'
  `fastapi_users.current_user(superuser=True)` is one by the library's contract, and so is a
  project role factory's dependency for admin roles only, `require_role(["admin"])`
  (role_factories.py).

A check whose failing branch goes on (`flash(...)` only), one inside try/loops, or one that tests
a setting rather than the user, proves nothing.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable

from devsecbots.nodes.analyzers.bearer_routes import requiring_names
from devsecbots.nodes.analyzers.helper_summaries import called_name
from devsecbots.nodes.analyzers.project_trees import all_nodes, statement_nodes, walk
from devsecbots.nodes.analyzers.role_factories import admin_role_call, role_factories
from devsecbots.nodes.security_words import spelled, words

Function = ast.FunctionDef | ast.AsyncFunctionDef
Target = Callable[[ast.AST], bool]

ADMIN_WORDS = frozenset({"admin", "admins", "administrator", "superuser", "staff", "sysadmin"})
NEGATIONS = frozenset({"non", "not", "no"})
USER_WORDS = frozenset({"user", "account", "principal", "member"})
REQUEST_USER = ".user"  # stands for `g.user`, `request.user` among the user names
FLASK_USERS = frozenset({"current_user", REQUEST_USER})
REQUEST_OBJECTS = frozenset({"g", "request"})
DEPENDS = frozenset({"Depends", "Security"})
ABORTS = frozenset({"abort"})


def admin_decorators(trees: Iterable[ast.AST]) -> set[str]:
    """Names every project definition of which is a decorator proven to admit only admins."""
    defined: dict[str, list[ast.AST]] = {}
    for node in all_nodes(trees):
        if isinstance(node, Function):
            defined.setdefault(node.name, []).append(node)
    return {name for name, defs in defined.items() if all(_admin_decorator(d) for d in defs)}


def admin_dependencies(trees: Iterable[ast.AST]) -> set[str]:
    """Names (functions, Annotated aliases) whose FastAPI dependency admits only admins."""
    trees = list(trees)
    projected = {n.name for n in all_nodes(trees) if isinstance(n, Function)}
    made_admin_only = admin_role_calls(trees)
    return requiring_names(
        trees,
        lambda d: (
            (isinstance(d, Function) and _admin_dependency(d, projected))
            or _superuser_only_library_dependency(d)
            or made_admin_only(d)
        ),
    )


def admin_role_calls(trees: Iterable[ast.AST]) -> Callable[[ast.AST], bool]:
    """Whether a value is a dependency a project role factory makes for admin roles only
    (`require_role(["admin"])`, role_factories.py)."""
    factories = role_factories(trees)
    return lambda value: admin_role_call(value, factories, ADMIN_WORDS)


def _superuser_only_library_dependency(value: ast.AST) -> bool:
    """FastAPI Users' `fastapi_users.current_user(..., superuser=True)`: the library's dependency
    answers 403 to anyone but an active superuser."""
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "current_user"
        and any(
            k.arg == "superuser" and isinstance(k.value, ast.Constant) and k.value.value is True
            for k in value.keywords
        )
    )


def guarded(stmts: list[ast.stmt], users: set[str], target: Target, raise_only: bool) -> bool:
    """Whether every target node in the statements (and the fall-through, for a dependency:
    `raise_only`) lies behind an admin test whose failing branch leaves. A body that passes
    no admin test (one that always raises, or never reaches a target) proves nothing."""
    tested = False
    for stmt in stmts:
        if isinstance(stmt, ast.If) and _denies(stmt.test, users):
            if _leaves(stmt.body, target, raise_only):
                return True  # all that follows runs for an admin only
        elif isinstance(stmt, ast.If) and _grants(stmt.test, users):
            if _holds(stmt.orelse, target):
                return False
            tested = True
            if stmt.orelse and _leaves(stmt.orelse, target, raise_only):
                return True
            continue
        if _leaves([stmt], target, raise_only):
            return tested
        if _holds([stmt], target):
            return False
    return tested and not raise_only


def user_names(function: Function, projected: set[str]) -> set[str]:
    """Names that hold the authenticated user in the function: flask_login's `current_user` and
    parameters a dependency on a project function fills, named or typed as a user/account."""
    found = set(FLASK_USERS)
    args = function.args
    positional = [*args.posonlyargs, *args.args]
    defaults = dict(
        zip(
            [a.arg for a in positional[len(positional) - len(args.defaults) :]],
            args.defaults,
            strict=True,
        )
    )
    defaults.update({a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d})
    for arg in [*positional, *args.kwonlyargs]:
        markers = [defaults.get(arg.arg)]
        annotation = arg.annotation
        if isinstance(annotation, ast.Subscript) and called_name(annotation.value) == "Annotated":
            items = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else []
            markers += items[1:]
            annotation = items[0] if items else None
        typed = words(arg.arg) | (words(ast.unparse(annotation)) if annotation else set())
        if typed & USER_WORDS and any(_depends_on_project(m, projected) for m in markers):
            found.add(arg.arg)
    return found


def _depends_on_project(marker: ast.AST | None, projected: set[str]) -> bool:
    """`Depends(f)` / `Security(f)` with f a project function."""
    if not (isinstance(marker, ast.Call) and called_name(marker.func) in DEPENDS and marker.args):
        return False
    return isinstance(marker.args[0], ast.Name | ast.Attribute) and (
        called_name(marker.args[0]) in projected
    )


def _admin_decorator(function: ast.AST) -> bool:
    """`def d(f): @wraps(f) def inner(...): <admin test> f(...); return inner`."""
    if not isinstance(function, Function) or len(function.args.args) != 1:
        return False
    wrapped = function.args.args[0].arg
    inner = {s.name: s for s in function.body if isinstance(s, Function)}
    returns = [n for n in statement_nodes(function.body) if isinstance(n, ast.Return)]
    if not returns or not all(
        isinstance(r.value, ast.Name) and r.value.id in inner for r in returns
    ):
        return False

    def uses_wrapped(node: ast.AST) -> bool:
        return isinstance(node, ast.Name) and node.id == wrapped

    return all(
        guarded(inner[r.value.id].body, set(FLASK_USERS), uses_wrapped, False)
        for r in returns
        if isinstance(r.value, ast.Name)
    )


def _admin_dependency(function: Function, projected: set[str]) -> bool:
    """A dependency whose returns, yields and fall-through all lie behind an admin test."""
    users = user_names(function, projected)

    def exits(node: ast.AST) -> bool:
        return isinstance(node, ast.Return | ast.Yield | ast.YieldFrom)

    return guarded(function.body, users, exits, True)


def _holds(stmts: list[ast.stmt], target: Target) -> bool:
    """Whether a node of the statements is a target."""
    return any(target(n) for s in stmts for n in walk(s))


def _leaves(stmts: list[ast.stmt], target: Target, raise_only: bool) -> bool:
    """Whether the block ends by leaving (raise; for a view or wrapper also return or abort())
    and holds no target."""
    if not stmts or _holds(stmts, target):
        return False
    last = stmts[-1]
    if isinstance(last, ast.Raise):
        return True
    if raise_only:
        return False
    if isinstance(last, ast.Return):
        return True
    return (
        isinstance(last, ast.Expr)
        and isinstance(last.value, ast.Call)
        and called_name(last.value.func) in ABORTS
    )


def _grants(test: ast.AST, users: set[str]) -> bool:
    """Whether the test being true means the user is an admin."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _denies(test.operand, users)
    if isinstance(test, ast.BoolOp):
        parts = [_grants(v, users) for v in test.values]
        return any(parts) if isinstance(test.op, ast.And) else all(parts)
    if isinstance(test, ast.Compare):
        return _admin_atom(test, users) and isinstance(test.ops[0], ast.Eq | ast.In | ast.Is)
    return _admin_atom(test, users)


def _denies(test: ast.AST, users: set[str]) -> bool:
    """Whether the test being false means the user is an admin."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _grants(test.operand, users)
    if isinstance(test, ast.BoolOp):
        parts = [_denies(v, users) for v in test.values]
        return all(parts) if isinstance(test.op, ast.And) else any(parts)
    if isinstance(test, ast.Compare):
        return _admin_atom(test, users) and isinstance(
            test.ops[0], ast.NotEq | ast.NotIn | ast.IsNot
        )
    return False


def _admin_atom(node: ast.AST, users: set[str]) -> bool:
    """A comparison, call or attribute that reads the user and names an admin role."""
    if isinstance(node, ast.Compare):
        if len(node.ops) != 1 or any(
            isinstance(c, ast.Constant) and not c.value for c in [node.left, *node.comparators]
        ):
            return False
    elif not isinstance(node, ast.Call | ast.Attribute | ast.Subscript):
        return False
    return _reads_user(node, users) and _names_admin(node)


def _reads_user(node: ast.AST, users: set[str]) -> bool:
    """Whether the expression reads one of the user names (or `g.user` / `request.user`)."""
    for sub in walk(node):
        if isinstance(sub, ast.Name) and sub.id in users:
            return True
        if (
            REQUEST_USER in users
            and isinstance(sub, ast.Attribute)
            and sub.attr in {"user", "current_user"}
            and isinstance(sub.value, ast.Name)
            and sub.value.id in REQUEST_OBJECTS
        ):
            return True
    return False


def _names_admin(node: ast.AST) -> bool:
    """Whether an identifier or text in the expression names an admin role."""
    for sub in walk(node):
        text = spelled(sub)
        said = words(text)
        if not said & NEGATIONS and (said & ADMIN_WORDS or {"super", "user"} <= said):
            return True
    return False
