"""A redirect target kept only when it matches one of the app's own routes (Werkzeug's URL map).

`adapter = app.url_map.bind(host)` then `adapter.allowed_methods(target)` (or `.match(target)`,
`.test(target)`) accepts a target whose path is a route of the app. That alone is not a safe-URL
check: Werkzeug strips every leading "/" before matching, so `//evil.example/x` matches wherever
`/evil.example/x` does, and `https://evil.example/` wherever `/https:/evil.example/` does. It is
one when every route of the project begins with a literal segment of letters, digits, `_`, `-`
or `~` (its blueprint's url_prefix included): a target such a route accepts starts with `/word/`
(or `//word/`, a single-label host nobody on the Internet can own) and never names a host with a
dot, a scheme or a backslash; a root file whose extension is no top-level domain (`/robots.txt`,
`/favicon.ico`) matches only itself. A rule this module cannot read (an f-string, a computed
prefix), a blueprint registered from elsewhere without a literal url_prefix, or a route whose
first segment is a variable (`/<lang>/...`, `/<path:p>`) makes no match a check. Routes that a
library registers itself are not seen.

The matched string may also be a suffix of the target (`remove_prefix(target, script_name)`: a
project function returning its first parameter, a slice of it from some start, or ""; Werkzeug
2.2+ matches "" against no route). What is cut off is not read: a cut that turns `//evil.example/x`
into `/x` would need the deployer's prefix (SCRIPT_NAME) to be `//evil.example`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable

from devsecbots.nodes.analyzers.helper_summaries import called_name
from devsecbots.nodes.analyzers.url_checks import replaced_when_rejected

MATCHERS = frozenset({"allowed_methods", "match", "test"})
BINDERS = frozenset({"bind", "bind_to_environ"})
ROUTE_DECORATORS = frozenset({"route", "get", "post", "put", "patch", "delete"})
LITERAL_FIRST = re.compile(r"^/[A-Za-z0-9_~-]+(/|$)")
# A root file (`/robots.txt`): "//robots.txt" would name a host, but none of these extensions is
# a top-level domain, so nobody can own one.
ROOT_FILE = re.compile(r"^/[A-Za-z0-9_~-]+\.(txt|ico|xml|json|js|css|webmanifest|html?|png|svg)$")
Function = ast.FunctionDef | ast.AsyncFunctionDef


def map_checked(trees: Iterable[ast.AST]) -> Callable[[ast.Return, dict[ast.AST, ast.AST]], bool]:
    """A test of `return target`: whether the target was replaced (`target = url_for(...)`) when
    it matched none of the app's routes, in a project whose routes make that a safe-URL check."""
    trees = list(trees)
    if not pinned_routes(trees):
        return lambda ret, parents: False
    suffixes = suffix_functions(trees)

    def checked(ret: ast.Return, parents: dict[ast.AST, ast.AST]) -> bool:
        if not isinstance(ret.value, ast.Name):
            return False
        function: ast.AST = ret
        while function in parents and not isinstance(function, Function):
            function = parents[function]
        adapters = map_adapters(function)

        def accepts(test: ast.AST, name: str) -> bool:
            return map_match(test, name, adapters, suffixes)

        return replaced_when_rejected(ret, ret.value.id, parents, {}, accepts)

    return checked


def pinned_routes(trees: Iterable[ast.AST]) -> bool:
    """Whether every route the project declares starts with a literal word segment."""
    trees = list(trees)
    prefixes: dict[str, set[str | None]] = {}
    blueprints = {
        t.id
        for tree in trees
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Call)
        and called_name(node.value.func) == "Blueprint"
        for t in node.targets
        if isinstance(t, ast.Name)
    }
    rules: list[tuple[str, list[str] | None]] = []  # (owner, possible rules; None: unreadable)
    for tree in trees:
        constants = _constant_lists(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                if called_name(node.value.func) == "Blueprint":
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            own = _keyword(node.value, "url_prefix")
                            prefixes.setdefault(target.id, set()).add(_text(own))
            if isinstance(node, ast.Call) and called_name(node.func) == "register_blueprint":
                registered = node.args[0] if node.args else None
                prefix = _keyword(node, "url_prefix")
                name = called_name(registered) if registered is not None else ""
                if prefix is not None:
                    prefixes.setdefault(name, set()).add(_text(prefix))
                elif not isinstance(registered, ast.Name) or name not in blueprints:
                    rules.append(("", None))  # routes we cannot see, first segment unknown
            if isinstance(node, Function):
                for decorator in node.decorator_list:
                    if isinstance(decorator, ast.Call) and _route_call(decorator):
                        rules.append(_rule(decorator, constants))
            if isinstance(node, ast.Call) and called_name(node.func) == "add_url_rule":
                rules.append(_rule(node, constants))
    for owner, texts in rules:
        if texts is None:
            return False
        for start in prefixes.get(owner, {""}):
            if start is None:
                return False
            if not all(_pinned(start.rstrip("/") + text) for text in texts):
                return False
    return True


def _pinned(rule: str) -> bool:
    return rule in ("", "/") or bool(LITERAL_FIRST.match(rule) or ROOT_FILE.match(rule))


def _route_call(decorator: ast.Call) -> bool:
    """`@x.route("/...")`, `@x.get("/...")`: a decorator registering a route rule."""
    return (
        isinstance(decorator.func, ast.Attribute)
        and decorator.func.attr in ROUTE_DECORATORS
        and bool(decorator.args)
    )


def _rule(call: ast.Call, constants: dict[str, list[str]]) -> tuple[str, list[str] | None]:
    """(owner name, the rule texts the call registers; None when not readable)."""
    owner = called_name(call.func.value) if isinstance(call.func, ast.Attribute) else ""
    rule = call.args[0] if call.args else _keyword(call, "rule")
    text = _text(rule)
    if text is not None:
        return owner, [text]
    # '/{}/<x>'.format(d), d a loop variable over a module list of string constants
    if (
        isinstance(rule, ast.Call)
        and isinstance(rule.func, ast.Attribute)
        and rule.func.attr == "format"
        and _text(rule.func.value) is not None
        and len(rule.args) == 1
        and not rule.keywords
        and isinstance(rule.args[0], ast.Name)
        and rule.args[0].id in constants
    ):
        template = str(_text(rule.func.value))
        return owner, [template.format(c) for c in constants[rule.args[0].id]]
    return owner, None


def _constant_lists(tree: ast.AST) -> dict[str, list[str]]:
    """Module-level loop variables over a list of string constants: `for d in ["a", "b"]:`, or
    over a module name bound once to such a list."""
    lists: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    for node in _module_level(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            counts[node.id] = counts.get(node.id, 0) + 1
    for stmt in getattr(tree, "body", []):
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target, values = stmt.targets[0], _strings(stmt.value)
            if isinstance(target, ast.Name) and values is not None and counts[target.id] == 1:
                lists[target.id] = values
    found = {}
    for stmt in getattr(tree, "body", []):
        if isinstance(stmt, ast.For) and isinstance(stmt.target, ast.Name):
            values = (
                lists.get(stmt.iter.id) if isinstance(stmt.iter, ast.Name) else _strings(stmt.iter)
            )
            if values is not None and counts[stmt.target.id] == 1:
                found[stmt.target.id] = values
    return found


def _module_level(tree: ast.AST) -> list[ast.AST]:
    """The nodes of the module outside function and class bodies."""
    found, todo = [], list(ast.iter_child_nodes(tree))
    while todo:
        node = todo.pop()
        if not isinstance(node, Function | ast.Lambda | ast.ClassDef):
            found.append(node)
            todo.extend(ast.iter_child_nodes(node))
    return found


def _strings(value: ast.AST) -> list[str] | None:
    if isinstance(value, ast.List | ast.Tuple) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts
    ):
        return [str(e.value) for e in value.elts]  # type: ignore[attr-defined]
    return None


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _text(value: ast.AST | None) -> str | None:
    """The string a rule or prefix is ('' for none given, None when not a literal)."""
    if value is None:
        return ""
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return value.value
    return None


def suffix_functions(trees: Iterable[ast.AST]) -> frozenset[str]:
    """Project functions every definition of which returns only its first parameter, a slice of
    it from some start (`text[len(prefix):]`), or a constant "" (remove_prefix-like)."""
    verdicts: dict[str, bool] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, Function):
                verdicts[node.name] = verdicts.get(node.name, True) and _returns_suffix(node)
    return frozenset(name for name, ok in verdicts.items() if ok)


def _returns_suffix(function: Function) -> bool:
    params = [a.arg for a in function.args.posonlyargs + function.args.args]
    if not params or any(
        isinstance(n, ast.Name) and n.id == params[0] and not isinstance(n.ctx, ast.Load)
        for n in ast.walk(function)
    ):
        return False
    first = params[0]
    returns = [n.value for n in ast.walk(function) if isinstance(n, ast.Return)]

    def suffix(value: ast.AST | None) -> bool:
        if isinstance(value, ast.Constant):
            return value.value == ""
        if isinstance(value, ast.Subscript) and isinstance(value.slice, ast.Slice):
            whole = value.slice.upper is None and value.slice.step is None
            return whole and isinstance(value.value, ast.Name) and value.value.id == first
        return isinstance(value, ast.Name) and value.id == first

    return bool(returns) and all(suffix(v) for v in returns)


def map_adapters(function: ast.AST) -> frozenset[str]:
    """Names the function binds (once) to `....url_map.bind(...)` / `.bind_to_environ(...)`."""
    bound: dict[str, int] = {}
    adapters = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound[node.id] = bound.get(node.id, 0) + 1
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and _binds_map(node.value):
            if isinstance(node.targets[0], ast.Name):
                adapters.add(node.targets[0].id)
    return frozenset(a for a in adapters if bound.get(a) == 1)


def _binds_map(value: ast.AST) -> bool:
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr in BINDERS
        and called_name(value.func.value) == "url_map"
    )


def map_match(test: ast.AST, name: str, adapters: frozenset[str], suffixes: frozenset[str]) -> bool:
    """`len(a.allowed_methods(name))` / `a.match(name)` / `a.test(...)` (possibly of a suffix of
    `name`), `a` a URL map adapter: true only when the target's path is a route of the app."""
    if isinstance(test, ast.Call) and called_name(test.func) in ("len", "bool") and test.args:
        test = test.args[0]
    if not (
        isinstance(test, ast.Call)
        and isinstance(test.func, ast.Attribute)
        and test.func.attr in MATCHERS
        and test.args
    ):
        return False
    receiver = test.func.value
    if not (isinstance(receiver, ast.Name) and receiver.id in adapters or _binds_map(receiver)):
        return False
    path = test.args[0]
    if isinstance(path, ast.Call) and called_name(path.func) in suffixes and path.args:
        path = path.args[0]
    return isinstance(path, ast.Name) and path.id == name
