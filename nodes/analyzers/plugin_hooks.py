"""A view that returns what an installed plugin's hook returns (devsecbots.flask.xss).

Plugin hosts built on pluggy dispatch a URL to their plugins: the view calls a project helper
with a hook's name (`call_hook("url_request", values=request.values)`) and returns whatever the
first plugin answering it returns. The taint rule sees request data go into the call and the
result come out. When the helper returns nothing but a hook implementation's own result (or a
constant) and no implementation of that hook is in the project, the body is written by code the
operator installs, not by this code: the finding is kept at low confidence. A hook the project
implements itself (a function of that name decorated `@hookimpl`) keeps the finding; so does a
helper that also returns anything else.
"""

from __future__ import annotations

import ast

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.local_assignments import assigned_values, called_name
from devsecbots.nodes.analyzers.low_confidence import lowered
from devsecbots.nodes.analyzers.project_trees import parents_of, parse_files

XSS_RULES = frozenset({"devsecbots.flask.xss"})


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, an XSS one whose body is only an outside plugin's hook result at low."""
    if not any(f["rule_id"] in XSS_RULES and f["confidence"] != "low" for f in findings):
        return findings
    trees = parse_files(files)
    everything = tuple(trees.values())
    parents = parents_of(everything)
    dispatchers = _dispatchers(everything, parents)
    if not dispatchers:
        return findings
    implemented = _implemented_hooks(everything)
    out = []
    for finding in findings:
        tree = trees.get(finding["file"])
        if finding["rule_id"] in XSS_RULES and finding["confidence"] != "low" and tree:
            hook = _returned_hook(tree, finding["line"], dispatchers, parents)
            if hook and hook not in implemented:
                finding = lowered(
                    finding,
                    f"the body is what an installed plugin's {hook!r} hook returns; no "
                    "implementation of that hook is in this project, so no code here writes "
                    "request data into it",
                )
        out.append(finding)
    return out


def _dispatchers(trees: tuple[ast.AST, ...], parents: dict[ast.AST, ast.AST]) -> set[str]:
    """Module-level helpers every definition of which returns only a hook implementation's
    result or a constant."""
    seen: dict[str, bool] = {}
    for tree in trees:
        for function in getattr(tree, "body", []):
            if isinstance(function, ast.FunctionDef):
                returns = [n for n in ast.walk(function) if isinstance(n, ast.Return)]
                ok = any(r.value is not None and _hook_result(r.value, parents) for r in returns)
                ok = ok and all(
                    r.value is None
                    or isinstance(r.value, ast.Constant)
                    or _hook_result(r.value, parents)
                    for r in returns
                )
                seen[function.name] = seen.get(function.name, True) and ok
    return {name for name, ok in seen.items() if ok}


def _hook_result(value: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """A name bound only to `fn(...)`, where `fn` is a hook implementation's function."""
    if not isinstance(value, ast.Name):
        return False
    values = assigned_values(value, parents)
    return bool(values) and all(
        isinstance(v, ast.Call)
        and isinstance(v.func, ast.Name)
        and _implementation(v.func, parents)
        for v in values
    )


def _implementation(name: ast.Name, parents: dict[ast.AST, ast.AST]) -> bool:
    """`fn` bound by `fn = getattr(impl, "function")` / `impl.function`, where `impl` is the
    target of a loop over `<...>.get_hookimpls()`."""
    values = assigned_values(name, parents)
    if not values:
        return False
    for value in values:
        if isinstance(value, ast.Attribute) and value.attr == "function":
            holder = value.value
        elif (
            isinstance(value, ast.Call)
            and called_name(value.func) == "getattr"
            and len(value.args) == 2
            and isinstance(value.args[1], ast.Constant)
            and value.args[1].value == "function"
        ):
            holder = value.args[0]
        else:
            return False
        if not (isinstance(holder, ast.Name) and _looped_over_hookimpls(holder, value, parents)):
            return False
    return True


def _looped_over_hookimpls(holder: ast.Name, at: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    node = parents.get(at)
    while node is not None:
        if isinstance(node, ast.For) and isinstance(node.target, ast.Name):
            if node.target.id == holder.id:
                return isinstance(node.iter, ast.Call) and called_name(node.iter.func) == (
                    "get_hookimpls"
                )
        node = parents.get(node)
    return False


def _implemented_hooks(trees: tuple[ast.AST, ...]) -> set[str]:
    """Names of functions the project itself marks as hook implementations (`@hookimpl`)."""
    names = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                decorators = [ast.unparse(d) for d in node.decorator_list]
                if any("hookimpl" in d.lower() for d in decorators):
                    names.add(node.name)
    return names


def _returned_hook(
    tree: ast.AST, line: int, dispatchers: set[str], parents: dict[ast.AST, ast.AST]
) -> str:
    """The hook named by the dispatch whose result the return at `line` sends ('' if none)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Return) and node.lineno == line and node.value is not None:
            value = node.value
            calls = assigned_values(value, parents) if isinstance(value, ast.Name) else [value]
            hooks = {_dispatched(call, dispatchers) for call in calls}
            if len(hooks) == 1 and calls:
                return hooks.pop()
    return ""


def _dispatched(call: ast.AST, dispatchers: set[str]) -> str:
    """The hook name a dispatch call passes first, as a constant ('' when it is not one)."""
    if not isinstance(call, ast.Call) or called_name(call.func) not in dispatchers:
        return ""
    first = call.args[0] if call.args else None
    return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else ""
