"""Which template variables a view fills from request data (Django and Flask views, read with ast).

A view that renders `render(request, "search.html", {"q": request.GET["q"]})` or
`render_template("search.html", q=request.args["q"])` hands the template a value the client
chose. This module lists those (template name, variable) pairs; the template check decides what
the template does with them.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from devsecbots.nodes.analyzers.parsed import parsed_tree
from devsecbots.nodes.analyzers.project_trees import walk

RENDERERS = {"render", "render_to_response", "render_to_string", "TemplateResponse"}
FLASK_RENDERERS = {"render_template"}
# Attributes of a request object that carry what the client sent (Django, Flask, Starlette).
REQUEST_DATA = {
    "GET",
    "POST",
    "COOKIES",
    "FILES",
    "META",
    "body",
    "data",
    "headers",
    "args",
    "form",
    "values",
    "cookies",
    "json",
    "files",
    "query_params",
    "path_params",
    "get_json",
}
# Calls whose result no longer carries markup the client wrote.
CONVERSIONS = {"int", "len", "bool", "float", "UUID", "uuid4", "date", "datetime"}
SANITISER_WORDS = ("escape", "clean", "sanitize", "sanitise", "bleach")


@dataclass(frozen=True)
class RequestValue:
    """A template variable filled from request data, and where the view does it."""

    template: str  # the name the view renders, e.g. "shop/search.html"
    variable: str
    view_file: str
    view_line: int


def request_values(path: str, source: str) -> list[RequestValue]:
    """Template variables that views in one Python file fill from request data."""
    tree = parsed_tree(source)
    if tree is None:
        return []
    found: list[RequestValue] = []
    for function in walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            found.extend(_in_view(path, function))
    return found


def _in_view(path: str, function: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[RequestValue]:
    renders = [
        node
        for node in walk(function)
        if isinstance(node, ast.Call) and _called_name(node) in RENDERERS | FLASK_RENDERERS
    ]
    if not renders:
        return  # most functions render nothing: no need to follow their request data
    tainted = _tainted_names(function)
    dicts = _dict_assignments(function)
    for call in renders:
        name = _called_name(call)
        if name in RENDERERS:
            template, context = _django_arguments(call)
            items = _context_items(context, dicts)
        else:
            template = _string(call.args[0]) if call.args else ""
            items = [(k.arg, k.value) for k in call.keywords if k.arg]
        for key, value in items:
            if template and key and _is_tainted(value, tainted):
                yield RequestValue(template, key, path, call.lineno)


def _tainted_names(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """Names that hold request data: a view's URL parameters, and what is assigned from them."""
    params = [a.arg for a in function.args.args]
    tainted = set(params[1:]) if params[:1] == ["request"] or _is_route(function) else set()
    if _is_route(function):
        tainted |= set(params)
    changed = True
    while changed:
        changed = False
        for node in ast.walk(function):
            if isinstance(node, ast.Assign) and _is_tainted(node.value, tainted):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id not in tainted:
                        tainted.add(target.id)
                        changed = True
    return tainted


def _is_route(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A Flask view: decorated with `<app or blueprint>.route(...)` or `.get/.post(...)`."""
    for decorator in function.decorator_list:
        func = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(func, ast.Attribute) and func.attr in {"route", "get", "post"}:
            return True
    return False


def _is_tainted(node: ast.AST, tainted: set[str]) -> bool:
    """Whether an expression's value comes from the request (not through a sanitiser)."""
    if isinstance(node, ast.Call) and _is_sanitiser(_called_name(node)):
        return False
    if isinstance(node, ast.Name):
        return node.id in tainted
    if isinstance(node, ast.Attribute):
        if node.attr in REQUEST_DATA and _names_request(node.value):
            return True
        return _is_tainted(node.value, tainted)
    if isinstance(node, ast.Subscript | ast.Call):
        inner = node.value if isinstance(node, ast.Subscript) else node.func
        return _is_tainted(inner, tainted)
    if isinstance(node, ast.JoinedStr | ast.BinOp | ast.FormattedValue):
        return any(_is_tainted(child, tainted) for child in ast.iter_child_nodes(node))
    return False


def _django_arguments(call: ast.Call) -> tuple[str, ast.AST | None]:
    """The template name and context of render(request, name, context) and its relatives."""
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    strings = [i for i, a in enumerate(call.args) if _string(a)]
    template = _string(keywords["template_name"]) if "template_name" in keywords else ""
    context = keywords.get("context")
    if not template and strings:
        template = _string(call.args[strings[0]])
        rest = call.args[strings[0] + 1 :]
        context = context or (rest[0] if rest else None)
    return template, context


def _context_items(
    context: ast.AST | None, dicts: dict[str, list[tuple[str, ast.AST]]]
) -> list[tuple[str, ast.AST]]:
    if isinstance(context, ast.Dict):
        return [(_string(k), v) for k, v in zip(context.keys, context.values, strict=True) if k]
    if isinstance(context, ast.Name):
        return dicts.get(context.id, [])
    return []


def _dict_assignments(
    function: ast.FunctionDef | ast.AsyncFunctionDef,
) -> dict[str, list[tuple[str, ast.AST]]]:
    """`ctx = {...}` and `ctx["key"] = value` in a view: name -> (key, value) pairs."""
    found: dict[str, list[tuple[str, ast.AST]]] = {}
    for node in ast.walk(function):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            if isinstance(target, ast.Name) and isinstance(node.value, ast.Dict):
                found.setdefault(target.id, []).extend(_context_items(node.value, {}))
            elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                key = _string(target.slice)
                if key:
                    found.setdefault(target.value.id, []).append((key, node.value))
    return found


def _called_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _is_sanitiser(name: str) -> bool:
    return name in CONVERSIONS or any(word in name.lower() for word in SANITISER_WORDS)


def _names_request(node: ast.AST) -> bool:
    """`request`, or `self.request` as class-based views spell it."""
    if isinstance(node, ast.Name):
        return node.id == "request"
    return isinstance(node, ast.Attribute) and node.attr == "request"


def _string(node: ast.AST | None) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return ""
