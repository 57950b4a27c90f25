"""A random token the app shows to every visitor is no secret (devsecbots.python.weak-random).

Some tokens only tell a browser from a bot: the app draws one value, keeps it for everyone
(stored under a fixed key, not per session or user) and writes it into the pages it serves (a
stylesheet URL the browser must fetch). Anyone can read it by opening a page, so guessing it
gains nothing. The weak-random finding on such a draw is kept at low confidence when the code
shows all of it:

1. the draw is assigned to a name in a module-level function, which returns that name and stores
   it under a fixed key (`store.set(TOKEN_KEY, token, ...)`, `cache[KEY] = token`; the key a
   literal or a module constant), so there is one value for all visitors;
2. somewhere in the project a call to that function is put into a template's context: a keyword
   of a render call (`render_template(..., token=get_token())`), or an item set, outside any
   branch, in a dict later passed as `**context` to one;
3. that render runs in a route view with no login/admin/permission decorator, or in a helper such
   a view calls (the app's own `render(...)` wrapper).

A per-session or per-user token (a CSRF token, a reset link) fails 1; one shown only to signed-in
users or admins fails 3.
"""

from __future__ import annotations

import ast
from pathlib import PurePosixPath

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.local_assignments import called_name
from devsecbots.nodes.analyzers.low_confidence import lowered
from devsecbots.nodes.analyzers.project_trees import parse_files
from devsecbots.nodes.analyzers.random_purpose import draw_at

RULES = frozenset({"devsecbots.python.weak-random", "B311"})
RENDERS = frozenset({"render_template", "render", "render_to_string", "TemplateResponse"})
ROUTES = frozenset({"route", "get", "post"})
GUARD_WORDS = ("login", "auth", "admin", "permission", "require", "staff", "superuser")
STORES = frozenset({"set", "setex", "put", "add"})
# A store one visitor has to itself: the same key there is still a value per visitor.
PER_VISITOR = ("session", "cookie", "request", "response", "user", "flask.g")


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, a weak-random one on a token published to every visitor at low."""
    if not any(f["rule_id"] in RULES and f["confidence"] != "low" for f in findings):
        return findings
    trees = parse_files(files)
    out = []
    for finding in findings:
        tree = trees.get(finding["file"])
        if finding["rule_id"] in RULES and finding["confidence"] != "low" and tree is not None:
            draw = draw_at(tree, finding["line"])
            why = published_reason(draw, tree, finding["file"], files) if draw else ""
            if why:
                finding = lowered(finding, why)
        out.append(finding)
    return out


def published_reason(draw: ast.Call, tree: ast.Module, path: str, files: dict[str, str]) -> str:
    """Why the random value drawn by `draw` is a token shown to every visitor ('' when not)."""
    parents = {c: n for n in ast.walk(tree) for c in ast.iter_child_nodes(n)}
    function, name = _drawn_into(draw, parents)
    if function is None or parents.get(function) is not tree:
        return ""
    if not (_returns(function, name) and _stored_under_fixed_key(function, name, tree)):
        return ""
    stem = PurePosixPath(path).stem
    for other_path, other in parse_files(files).items():
        same = other_path == path
        if not same and not _imports(other, stem):
            continue
        for view in _public_renders(other, function.name, stem if not same else "", same):
            return (
                f"one token for every visitor (stored under a fixed key), put into the page "
                f"{view}() renders: the app publishes it, so it is no secret"
            )
    return ""


def _drawn_into(
    draw: ast.Call, parents: dict[ast.AST, ast.AST]
) -> tuple[ast.FunctionDef | None, str]:
    """The function the draw is in and the local name its statement assigns."""
    node: ast.AST = draw
    while node in parents and not isinstance(node, ast.stmt):
        node = parents[node]
    if not (
        isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
    ):
        return None, ""
    function = parents.get(node)
    while function is not None and not isinstance(function, ast.FunctionDef):
        function = parents.get(function)
    return function, node.targets[0].id


def _returns(function: ast.FunctionDef, name: str) -> bool:
    return any(
        isinstance(n, ast.Return) and isinstance(n.value, ast.Name) and n.value.id == name
        for n in ast.walk(function)
    )


def _stored_under_fixed_key(function: ast.FunctionDef, name: str, module: ast.Module) -> bool:
    """Whether the function keeps `name` under a key that is the same for every request."""
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and called_name(node.func) in STORES and node.args:
            func = node.func
            if isinstance(func, ast.Attribute) and _mentions(node.args[1:], name):
                receiver = ast.unparse(func.value).lower()
                shared = not any(word in receiver for word in PER_VISITOR)
                if shared and _fixed_key(node.args[0], module):
                    return True
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name):
            target = node.targets[0]
            if node.value.id == name and isinstance(target, ast.Subscript):
                if _module_dict(target.value, module) and _fixed_key(target.slice, module):
                    return True
    return False


def _module_dict(store: ast.AST, module: ast.Module) -> bool:
    """A name the module itself assigns (`_TOKENS = {}`), not an imported `session`."""
    return isinstance(store, ast.Name) and any(
        isinstance(s, ast.Assign) and any(_binds(t, store.id) for t in s.targets)
        for s in module.body
    )


def _mentions(values: list[ast.expr], name: str) -> bool:
    return any(isinstance(v, ast.Name) and v.id == name for v in values)


def _fixed_key(key: ast.AST, module: ast.Module) -> bool:
    """A string literal, or a module-level name bound once to one."""
    if isinstance(key, ast.Constant):
        return isinstance(key.value, str)
    if not isinstance(key, ast.Name):
        return False
    bound = [
        s.value
        for s in module.body
        if isinstance(s, ast.Assign) and any(_binds(t, key.id) for t in s.targets)
    ]
    return (
        len(bound) == 1 and isinstance(bound[0], ast.Constant) and isinstance(bound[0].value, str)
    )


def _binds(target: ast.AST, name: str) -> bool:
    return isinstance(target, ast.Name) and target.id == name


def _imports(module: ast.Module, stem: str) -> bool:
    """Whether the module imports one named `stem` (`from pkg import stem`, `import a.stem`)."""
    for node in ast.walk(module):
        if isinstance(node, ast.ImportFrom | ast.Import):
            if any(a.name.rsplit(".", 1)[-1] == stem and a.asname is None for a in node.names):
                return True
    return False


def _public_renders(module: ast.Module, function: str, stem: str, same: bool) -> list[str]:
    """Views (by name) with no sign-in guard that render a page carrying `function()`'s result,
    themselves or through a helper of this module."""
    carriers = [
        f
        for f in module.body
        if isinstance(f, ast.FunctionDef) and _renders_with(f, function, stem, same)
    ]
    views = []
    for carrier in carriers:
        callers = [carrier] + [
            f
            for f in module.body
            if isinstance(f, ast.FunctionDef)
            and any(_calls_by_name(n, carrier.name) for n in ast.walk(f))
        ]
        views += [f.name for f in callers if _public_view(f)]
    return views


def _calls_by_name(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name


def _renders_with(helper: ast.FunctionDef, function: str, stem: str, same: bool) -> bool:
    """Whether a render call in `helper` gets the result of `function()` in its context."""
    carried: set[str] = set()
    for statement in helper.body:  # the top level only: set on every call of the helper
        if isinstance(statement, ast.Assign) and _calls(statement.value, function, stem, same):
            target = statement.targets[0]
            if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                carried.add(target.value.id)
    for node in ast.walk(helper):
        if not isinstance(node, ast.Call) or called_name(node.func) not in RENDERS:
            continue
        for keyword in node.keywords:
            if keyword.arg is None and isinstance(keyword.value, ast.Name):
                if keyword.value.id in carried:
                    return True
            elif keyword.arg is not None and _calls(keyword.value, function, stem, same):
                return True
    return False


def _calls(value: ast.AST, function: str, stem: str, same: bool) -> bool:
    """A call of `function`: by its bare name in its own module, or as `stem.function()`."""
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    if isinstance(func, ast.Name):
        return same and func.id == function
    return (
        isinstance(func, ast.Attribute)
        and func.attr == function
        and isinstance(func.value, ast.Name)
        and func.value.id == stem
    )


def _public_view(function: ast.FunctionDef) -> bool:
    """A route view none of whose decorators asks for a sign-in, a role or a permission."""
    names = [_decorator_name(d) for d in function.decorator_list]
    routed = any(n.rsplit(".", 1)[-1] in ROUTES for n in names)
    return routed and not any(word in n.lower() for n in names for word in GUARD_WORDS)


def _decorator_name(decorator: ast.AST) -> str:
    node = decorator.func if isinstance(decorator, ast.Call) else decorator
    return ast.unparse(node)
