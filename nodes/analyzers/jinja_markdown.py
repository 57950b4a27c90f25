"""A jinja2 Environment without autoescaping whose renders are Markdown source (Bandit B701).

Autoescaping writes HTML entities for <, >, &, ' and ": right in an HTML template, wrong in one
that writes Markdown for a converter to turn into HTML (an entity in a code span or block is
shown as typed: `&amp;`). Whether raw HTML inside that Markdown reaches the page is the
converter's choice (MarkdownIt's `html` option, a sanitiser), not Jinja's.

The finding is low confidence when the environment stays in its function (used only for
`from_string` / `get_template` and its settings), every template it makes is rendered, and every
render's text goes straight into a Markdown converter: as its argument, through a local name
used only there, or as the return value of a method or property whose every use in the module
(`x.<name>`, `x.<name>()`) is such an argument, or of a module function every call of which is.
Converters: `markdown(...)` (Python-Markdown, markdown2, mistletoe), `commonmark(...)`,
cmarkgfm's `*markdown_to_html(...)`, `mistune.html(...)`, and `.render` / `.convert` of a
MarkdownIt / Markdown object (made in place or bound to a name).
Still blocking: a render returned to anything else, stored or joined into other text, and an
environment that leaves its function.
"""

from __future__ import annotations

import ast

from devsecbots.nodes.analyzers.local_assignments import called_name
from devsecbots.nodes.analyzers.name_bindings import Scopes

MAKERS = frozenset({"from_string", "get_template", "select_template", "get_or_select_template"})
_SETTINGS = frozenset({"globals", "filters", "tests", "policies"})
FUNCTIONS = frozenset(
    {"markdown", "commonmark", "markdown_to_html", "github_flavored_markdown_to_html"}
)
CLASSES = frozenset({"MarkdownIt", "Markdown", "create_markdown"})
METHODS = frozenset({"render", "convert"})
_PROPERTIES = frozenset({"property", "cached_property"})


def markdown_reason_at(tree: ast.AST, line: int) -> str:
    """Why the Environment(...) call on `line` renders only Markdown source ('' when it may not)."""
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and node.lineno == line
            and called_name(node.func) == "Environment"
        ):
            return markdown_reason(node, Scopes(tree))
    return ""


def markdown_reason(call: ast.Call, scopes: Scopes) -> str:
    """Why the Environment `call` renders only Markdown source ('' when it may render HTML)."""
    templates = _uses(call, scopes, MAKERS, _SETTINGS)
    renders = [r for t in templates for r in _uses(t, scopes, frozenset({"render"}))]
    if not templates or len(renders) < len(templates):
        return ""
    converters: set[str] = set()
    for render in renders:
        converter = _converted(render, scopes)
        if not converter:
            return ""
        converters.add(converter)
    return (
        f"its renders are Markdown source, converted by {', '.join(sorted(converters))}: HTML "
        "autoescaping does not apply to Markdown (the converter's own options decide raw HTML)"
    )


def _uses(
    made: ast.Call, scopes: Scopes, methods: frozenset[str], settings: frozenset[str] = frozenset()
) -> list[ast.Call]:
    """The `made.<method>(...)` calls made on `made` in place or through the local name it is
    bound to ([] when it is used any other way)."""
    parent = scopes.parents.get(made)
    if isinstance(parent, ast.Attribute):
        call = scopes.parents.get(parent)
        if parent.attr in methods and isinstance(call, ast.Call) and call.func is parent:
            return [call]
        return []
    target = _local_target(made, scopes)
    function = scopes.function_of(made)
    if target is None or function is None:
        return []
    calls: list[ast.Call] = []
    for node in ast.walk(function):
        if not isinstance(node, ast.Name) or node.id != target.id or node is target:
            continue
        use = scopes.parents.get(node)
        if not isinstance(node.ctx, ast.Load) or not isinstance(use, ast.Attribute):
            return []
        if use.attr in settings:
            continue
        call = scopes.parents.get(use)
        if use.attr not in methods or not isinstance(call, ast.Call) or call.func is not use:
            return []
        calls.append(call)
    return calls


def _local_target(value: ast.AST, scopes: Scopes) -> ast.Name | None:
    """The name `value` is assigned to, alone, in a function (None otherwise)."""
    assign = scopes.parents.get(value)
    if (
        isinstance(assign, ast.Assign)
        and len(assign.targets) == 1
        and isinstance(assign.targets[0], ast.Name)
        and scopes.function_of(assign) is not None
    ):
        return assign.targets[0]
    return None


def _converted(render: ast.Call, scopes: Scopes) -> str:
    """The converter the render's text goes to, directly, through a local name or as its
    function's return value ('' when it may go anywhere else)."""
    converter = _argument_of(render, scopes)
    if converter:
        return converter
    target = _local_target(render, scopes)
    function = scopes.function_of(render)
    if target is not None and function is not None:
        uses: list[ast.AST] = [
            n
            for n in ast.walk(function)
            if isinstance(n, ast.Name) and n.id == target.id and n is not target
        ]
        return _all_converted(uses, scopes)
    if isinstance(scopes.parents.get(render), ast.Return):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            return _all_converted(_callers(function, scopes), scopes)
    return ""


def _callers(function: ast.FunctionDef | ast.AsyncFunctionDef, scopes: Scopes) -> list[ast.AST]:
    """The expressions in the module that hold the function's return value: `f(...)` for a
    module function; `x.f(...)`, or `x.f` for a property, for a method."""
    owner = scopes.parents.get(function)
    uses: list[ast.AST] = []
    if isinstance(owner, ast.ClassDef):
        is_property = any(called_name(d) in _PROPERTIES for d in function.decorator_list)
        for node in ast.walk(scopes.tree):
            if isinstance(node, ast.Attribute) and node.attr == function.name:
                call = scopes.parents.get(node)
                if is_property:
                    uses.append(node)
                elif isinstance(call, ast.Call) and call.func is node:
                    uses.append(call)
                else:
                    uses.append(node)  # the bound method itself goes somewhere: not converted
        return uses
    if owner is not scopes.tree:
        return []
    for node in ast.walk(scopes.tree):
        if isinstance(node, ast.Name) and node.id == function.name:
            call = scopes.parents.get(node)
            uses.append(call if isinstance(call, ast.Call) and call.func is node else node)
    return uses


def _all_converted(uses: list[ast.AST], scopes: Scopes) -> str:
    """The converter every one of `uses` is an argument of ('' when one is not, or none)."""
    found = {_argument_of(use, scopes) for use in uses}
    if not uses or "" in found:
        return ""
    return ", ".join(sorted(found))


def _argument_of(node: ast.AST, scopes: Scopes) -> str:
    """The Markdown converter `node` is a positional argument of ('' when none)."""
    call = scopes.parents.get(node)
    if not isinstance(call, ast.Call) or node not in call.args:
        return ""
    name = called_name(call.func)
    if name in FUNCTIONS:
        return f"{name}()"
    if name == "html" and _dotted(call.func) == "mistune.html":
        return "mistune.html()"
    if name in METHODS and isinstance(call.func, ast.Attribute):
        maker = _markdown_object(call.func.value, scopes)
        return f"{maker}(...).{name}()" if maker else ""
    return ""


def _markdown_object(node: ast.AST, scopes: Scopes, depth: int = 0) -> str:
    """The Markdown class `node` is an object of: made in place (also through chained calls,
    `MarkdownIt().enable(...)`) or bound to a name ('' when not one)."""
    if depth > 5:
        return ""
    if isinstance(node, ast.Call):
        name = called_name(node.func)
        if name in CLASSES:
            return name
        if isinstance(node.func, ast.Attribute):
            return _markdown_object(node.func.value, scopes, depth + 1)
        return ""
    if isinstance(node, ast.Name):
        bindings = scopes.bindings(node.id, node)
        if not bindings or any(b.kind != "value" for b in bindings):
            return ""
        makers = {_markdown_object(b.node, scopes, depth + 1) for b in bindings}
        return "" if "" in makers else ", ".join(sorted(makers))
    return ""


def _dotted(func: ast.AST) -> str:
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return f"{func.value.id}.{func.attr}"
    return ""
