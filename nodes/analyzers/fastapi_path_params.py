"""FastAPI path-traversal findings whose request values cannot reach another directory.

The taint rule treats every parameter of a path operation as text that may hold "../". FastAPI
says more, and this reading, at the finding's file call (open, FileResponse, Path, os.remove ...),
follows the path argument back through the view's assignments to the view's parameters and
lowers the finding when each of them is

- typed so that FastAPI validates it into a value with no "/" or ".." (path_free_types.py), or
- limited to constants by an allow-list check in front of the call (allow_list_guard.py);

or when, besides such values, one plain `str` *path* parameter is the last component of the
path and the call only opens, serves or removes a file. Starlette matches `{name}` against one
URL segment (an encoded "/" answers 404), so the value is a name inside the directory or "." /
"..": the directory or its parent, which open() and FileResponse refuse as not a file. A query
parameter, a `{name:path}` converter, a segment before other components (`base/{user}/x`:
".." reaches the parent's `x`) or a call that may do more with a directory (Path(...), whose
result is used later) keep the finding - unless every such segment follows a fixed name it can
at most climb back over and the path ends on a fixed name (confined_paths.py:
`Path(WORKDIR, "stub", ext_id, "static", "index.js")`). A backslash is a separator only on
Windows.

Followed back, a value may also hold no request text though the request picked it: the
application a `Request` carries (`request.app.config...`), a column of rows a query fetched that
no route writes request data into, one of the values of a table of constants
(request_free_parts.py). A path made only of those is reported at low, with what it reads.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.allow_list_guard import allow_listed
from devsecbots.nodes.analyzers.confined_paths import Request, confined_reason, resolved
from devsecbots.nodes.analyzers.helper_summaries import called_name
from devsecbots.nodes.analyzers.low_confidence import lowered
from devsecbots.nodes.analyzers.name_bindings import COMPREHENSIONS, Binding, Scopes
from devsecbots.nodes.analyzers.path_free_types import path_free
from devsecbots.nodes.analyzers.project_imports import external_name
from devsecbots.nodes.analyzers.project_trees import parse_files
from devsecbots.nodes.analyzers.request_free_parts import FreeParts

RULES = frozenset({"devsecbots.fastapi.path-traversal"})
OPERATIONS = frozenset({"get", "post", "put", "patch", "delete", "api_route", "route", "websocket"})
FILE_CALLS = frozenset({"open", "FileResponse", "remove", "unlink"})  # refuse a directory
SINKS = FILE_CALLS | {"Path", "PurePath"}
MARKERS = frozenset(
    {"Path", "Query", "Body", "Form", "File", "Header", "Cookie", "Depends", "Security"}
)
DEPENDENCIES = frozenset({"Depends", "Security"})
RECEIVERS = frozenset({"self", "cls"})
_TEMPLATE_PARAM = re.compile(r"\{(\w+)(?::(\w+))?\}")

Function = ast.FunctionDef | ast.AsyncFunctionDef


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, a FastAPI path traversal fed only by path-free request values at low."""
    if not any(f["rule_id"] in RULES and f["confidence"] != "low" for f in findings):
        return findings
    trees = parse_files(files)
    parts = FreeParts(trees, _carries_request)
    out = []
    for finding in findings:
        if finding["rule_id"] in RULES and finding["confidence"] != "low":
            why = _why_low(finding["file"], finding["line"], trees, parts)
            if why:
                finding = lowered(finding, why)
        out.append(finding)
    return out


def _why_low(path: str, line: int, trees: Mapping[str, ast.Module], parts: FreeParts) -> str:
    """Why no file call at the line can leave its directory ('' when one may)."""
    tree = trees.get(path)
    if tree is None:
        return ""
    scopes = Scopes(tree)
    calls = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
        and n.lineno <= line <= (n.end_lineno or n.lineno)
        and called_name(n.func) in SINKS
    ]
    reasons = [_why_call(call, path, trees, scopes, parts) for call in calls]
    known = [r for r in reasons if r is not None]  # None: no request value in that call
    return max(known, key=len) if known and all(known) else ""


def _why_call(
    call: ast.Call, path: str, trees: Mapping[str, ast.Module], scopes: Scopes, parts: FreeParts
) -> str | None:
    """Why the call's path holds no request-chosen directory ('' when it may, None: no request
    value reaches it, so it is not the finding's call)."""
    view = scopes.function_of(call)
    argument = (
        call.args[0]
        if call.args
        else next((k.value for k in call.keywords if k.arg in {"path", "file"}), None)
    )
    if argument is None and isinstance(call.func, ast.Attribute):
        argument = call.func.value  # `Path(...).unlink()`: the path is the receiver
    if not isinstance(view, Function) or argument is None or not _route(view):
        return ""
    params = {a.arg: a for a in _arguments(view)}
    free = {n for n, a in params.items() if _free(a, view, call, path, trees, scopes)}
    parts.notes = []
    reached = request_names(argument, view, scopes, parts=parts)
    if reached is None:
        return ""
    if not reached:
        if not parts.notes:
            return None
        return f"no request text reaches the path: {'; '.join(parts.notes)}"
    typed = ", ".join(_described(params[n], call, scopes) for n in sorted(reached & free))
    if reached <= free:
        return f"no request value in this path can hold '/' or '..': {typed}"
    last = last_component(resolved(argument, view, scopes), scopes)
    prefix = request_names(prefix_of(argument, view, scopes), view, scopes, parts=parts)
    if (
        called_name(call.func) in FILE_CALLS
        and last in _segment_params(view, scopes.tree)
        and reached - free == {last}
        and prefix is not None
        and prefix <= free
    ):
        return (
            f"'{last}' is one URL segment (Starlette routes no '/' into it) and the last "
            "component of the path: at most '..' names a directory, which cannot be opened as a "
            "file" + (f"; the other request values are path-free: {typed}" if typed else "")
        )
    request = Request(
        segments=frozenset(_segment_params(view, scopes.tree)),
        free=frozenset(free),
        reaches=lambda node: request_names(node, view, scopes, parts=parts),
    )
    whole = call if called_name(call.func) in {"Path", "PurePath"} else argument
    return confined_reason(whole, view, scopes, request)


def _carries_request(value: ast.AST, view: Function, scopes: Scopes) -> bool:
    """Whether a route's value may hold request data (a parameter, Flask's `request`)."""
    outside: set[str] = set()
    found = request_names(value, view, scopes, outside)
    return found is None or bool(found - RECEIVERS) or "request" in outside


def _free(
    arg: ast.arg,
    view: Function,
    use: ast.AST,
    path: str,
    trees: Mapping[str, ast.Module],
    scopes: Scopes,
) -> bool:
    """A parameter whose type carries no path, or that an allow-list limits to constants."""
    if allow_listed(arg.arg, use, scopes):
        return True
    if _marker(view, arg, scopes.tree) in DEPENDENCIES:
        return False  # a dependency's value is whatever it returns: FastAPI does not convert it
    return path_free(arg.annotation, path, trees)


def _described(arg: ast.arg, use: ast.AST, scopes: Scopes) -> str:
    """`'name' (int)` or `'name' (allow-listed)`, for the reason."""
    if allow_listed(arg.arg, use, scopes) or arg.annotation is None:
        return f"'{arg.arg}' (allow-listed)"
    return f"'{arg.arg}' ({ast.unparse(arg.annotation)})"


def request_names(
    value: ast.AST | None,
    view: Function,
    scopes: Scopes,
    outside: set[str] | None = None,
    parts: FreeParts | None = None,
) -> set[str] | None:
    """The view's parameters whose values reach `value` through its assignments (None: unsure);
    the names reached that the view does not assign (module level, imports) go to `outside`;
    `parts` tells which parts of a value hold no request text (request_free_parts.py)."""
    if value is None:
        return None
    found: set[str] = set()
    todo, seen = [value], set()
    while todo:
        node = todo.pop()
        for name in _names(node, scopes, parts):
            if name.id in seen:
                continue
            seen.add(name.id)
            bindings = scopes.bindings(name.id, name)
            if bindings and _comprehension_elements(bindings, view, scopes):
                todo.extend(b.node for b in bindings)  # an element of the iterable
                continue
            if not bindings or bindings[0].scope is not view:
                if bindings and scopes.function_of(bindings[0].scope) is view:
                    return None  # bound in a nested function: not followed
                if outside is not None:
                    outside.add(name.id)
                continue  # module level or outside the view: not request data
            for binding in bindings:
                if binding.kind == "parameter":
                    found.add(name.id)
                elif isinstance(binding.node, ast.Import | ast.ImportFrom):
                    if outside is not None:  # a module or object imported in the view: code
                        outside.add(name.id)
                elif binding.kind == "opaque":
                    return None
                else:
                    todo.append(binding.node)
    return found


def _names(node: ast.AST, scopes: Scopes, parts: FreeParts | None) -> Iterator[ast.Name]:
    """The names in `node`, past the parts that hold no request text."""
    todo = [node]
    while todo:
        current = todo.pop()
        if isinstance(current, ast.Name):
            yield current
            continue
        instead = parts.through(current, scopes) if parts is not None else None
        if isinstance(instead, str):
            continue
        todo.extend(ast.iter_child_nodes(current) if instead is None else instead)


def _comprehension_elements(bindings: list[Binding], view: Function, scopes: Scopes) -> bool:
    """Whether the name is a target of a comprehension in the view (each binding an element)."""
    scope = bindings[0].scope
    return (
        isinstance(scope, COMPREHENSIONS)
        and scopes.function_of(scope) is view
        and all(b.kind == "element" for b in bindings)
    )


def _components(value: ast.AST) -> tuple[list[ast.expr], ast.expr] | None:
    """(prefix parts, last part) of `a / b`, `a.joinpath(.., b)`, `os.path.join(a, .., b)`,
    `f"{a}/{b}"`."""
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Div):
        return [value.left], value.right
    if isinstance(value, ast.JoinedStr):  # f"{base}/{name}.txt": what follows the last "/"
        cuts = [
            i
            for i, v in enumerate(value.values)
            if isinstance(v, ast.Constant) and "/" in str(v.value)
        ]
        if not cuts:
            return None
        before, after = value.values[: cuts[-1]], value.values[cuts[-1] + 1 :]
        prefix = [v.value for v in before if isinstance(v, ast.FormattedValue)]
        return prefix, ast.JoinedStr(values=after)
    if isinstance(value, ast.Call) and value.args and not value.keywords:
        name = called_name(value.func)
        if name == "joinpath" and isinstance(value.func, ast.Attribute):
            return [value.func.value, *value.args[:-1]], value.args[-1]
        if name in {"join", "Path", "PurePath"} and len(value.args) > 1:
            return value.args[:-1], value.args[-1]
    return None


def last_component(value: ast.AST, scopes: Scopes) -> str:
    """The parameter the path's last component is, alone or in a text with no separator ('')."""
    parts = _components(value)
    last = parts[1] if parts else None
    if isinstance(last, ast.Call) and called_name(last.func) == "str" and len(last.args) == 1:
        last = last.args[0]
    if isinstance(last, ast.JoinedStr):
        texts = [str(v.value) for v in last.values if isinstance(v, ast.Constant)]
        fields = [v for v in last.values if isinstance(v, ast.FormattedValue)]
        if len(fields) != 1 or any("/" in t or "\\" in t for t in texts):
            return ""
        last = fields[0].value
    if not isinstance(last, ast.Name):
        return ""
    bindings = scopes.bindings(last.id, last)  # the parameter itself, never rebound
    kinds = [b.kind for b in bindings if not _self_assigned(b, last.id)]
    return last.id if kinds == ["parameter"] else ""


def _self_assigned(binding: Binding, name: str) -> bool:
    """`name = name`: a binding that keeps the value it had."""
    return isinstance(binding.node, ast.Name) and binding.node.id == name


def prefix_of(value: ast.AST, view: Function, scopes: Scopes) -> ast.AST | None:
    """The path's components before the last, as one tuple expression."""
    parts = _components(resolved(value, view, scopes))
    return ast.Tuple(elts=parts[0], ctx=ast.Load()) if parts else None


def _route(view: Function) -> ast.Call | None:
    """The `@app.get("/...")`-style decorator that makes the function a path operation."""
    for decorator in view.decorator_list:
        if (
            isinstance(decorator, ast.Call)
            and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr in OPERATIONS
        ):
            return decorator
    return None


def _segment_params(view: Function, tree: ast.AST) -> set[str]:
    """Parameters the route's path matches against one segment (`{name}`, not `{name:path}`)."""
    route = _route(view)
    template = (route.args[:1] if route else []) + [
        k.value for k in (route.keywords if route else []) if k.arg == "path"
    ]
    texts = [t.value for t in template if isinstance(t, ast.Constant) and isinstance(t.value, str)]
    named = {m[0] for text in texts for m in _TEMPLATE_PARAM.findall(text) if m[1] in {"", "str"}}
    return {
        a.arg
        for a in _arguments(view)
        if a.arg in named and _str_or_bare(a.annotation) and _marker(view, a, tree) in {"", "Path"}
    }


def _str_or_bare(annotation: ast.AST | None) -> bool:
    """No annotation, `str`, or `Annotated[str, ...]`."""
    if isinstance(annotation, ast.Subscript) and called_name(annotation.value) == "Annotated":
        items = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else []
        return bool(items) and _str_or_bare(items[0])
    return annotation is None or (isinstance(annotation, ast.Name) and annotation.id == "str")


def _marker(view: Function, arg: ast.arg, tree: ast.AST) -> str:
    """`Query`, `Path`, `Depends`, ... that the default or `Annotated[...]` declares ('')."""
    positional = view.args.posonlyargs + view.args.args
    defaults = list(
        zip(
            positional[len(positional) - len(view.args.defaults) :], view.args.defaults, strict=True
        )
    )
    defaults += [
        (a, d) for a, d in zip(view.args.kwonlyargs, view.args.kw_defaults, strict=True) if d
    ]
    found = [d for a, d in defaults if a is arg]
    annotation = arg.annotation
    if isinstance(annotation, ast.Subscript) and called_name(annotation.value) == "Annotated":
        if isinstance(annotation.slice, ast.Tuple):
            found += annotation.slice.elts[1:]
    names = [_imported_as(n.func, tree) for n in found if isinstance(n, ast.Call)]
    return next((n for n in names if n in MARKERS), "")


def _imported_as(func: ast.AST, tree: ast.AST) -> str:
    """`Depends` for `Depends`, `fastapi.Depends` and `D` of `from fastapi import Depends as D`."""
    external = external_name(func, tree) if isinstance(tree, ast.Module) else ""
    return external.rpartition(".")[2] if external else called_name(func)


def _arguments(view: Function) -> list[ast.arg]:
    args = view.args
    return [*args.posonlyargs, *args.args, *args.kwonlyargs]
