"""A jinja2 Environment without autoescaping that renders only non-HTML templates (Bandit B701).

Autoescaping protects HTML and XML. An environment that a function creates, keeps to itself and
uses only to load templates named in the code, none of them HTML or XML (`config.cfg.template`,
`setup.sh.j2`), writes a configuration file or a script: there is no markup to escape. Anything
else keeps Bandit's finding: a template named by a variable or built from a string, a name that
says HTML/XML or nothing (`page.html.j2`, `index`), or the environment leaving the function
(returned, passed on, stored, assigned at module level where other modules can import it).
An environment with its own delimiters whose renders are only written to files generates source
code (written_files.py); one whose renders all go to a Markdown converter writes Markdown
(jinja_markdown.py).
"""

from __future__ import annotations

import ast

from devsecbots.nodes.analyzers.jinja_markdown import markdown_reason
from devsecbots.nodes.analyzers.name_bindings import Scopes
from devsecbots.nodes.analyzers.written_files import generator_reason

LOADERS = frozenset({"get_template", "select_template", "get_or_select_template"})
# Reading or filling these does not hand templates or the environment to anyone else.
_SETTINGS = frozenset({"globals", "filters", "tests", "policies"})
TEMPLATE_SUFFIXES = frozenset({"template", "tmpl", "j2", "jinja", "jinja2", "tpl"})
MARKUP_SUFFIXES = frozenset({"html", "htm", "xml", "xhtml", "svg"})


def is_markup_template(name: str) -> bool:
    """Whether a template's name says it renders HTML/XML (`page.html.j2`), or says nothing."""
    parts = name.lower().rsplit("/", 1)[-1].split(".")[1:]
    if any(part in MARKUP_SUFFIXES for part in parts):
        return True
    return not [part for part in parts if part not in TEMPLATE_SUFFIXES]


def plain_text_reason(tree: ast.AST, line: int) -> str:
    """Why the Environment Bandit flags at `line` needs no autoescaping ('' when it may)."""
    scopes = Scopes(tree)
    call = next(
        (
            n
            for n in ast.walk(tree)
            if isinstance(n, ast.Call) and n.lineno == line and _called(n.func) == "Environment"
        ),
        None,
    )
    if call is None:
        return ""
    generated = generator_reason(tree, call, scopes.parents)
    if generated:
        return generated
    markdown = markdown_reason(call, scopes)
    if markdown:
        return markdown
    assign = scopes.parents.get(call)
    if not (
        isinstance(assign, ast.Assign)
        and len(assign.targets) == 1
        and isinstance(assign.targets[0], ast.Name)
    ):
        return ""
    function = scopes.scope_of(assign)
    if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        return ""
    names = _templates(assign.targets[0], function, scopes)
    if not names:
        return ""
    return f"the environment renders only non-HTML templates ({', '.join(names)})"


def _templates(target: ast.Name, function: ast.AST, scopes: Scopes) -> list[str]:
    """The templates the environment bound to `target` loads, when every use of it loads a named
    non-HTML template or changes its settings ([] when any use is anything else)."""
    names: list[str] = []
    for node in ast.walk(function):
        if not isinstance(node, ast.Name) or node.id != target.id or node is target:
            continue
        use = scopes.parents.get(node)
        if not isinstance(node.ctx, ast.Load) or not isinstance(use, ast.Attribute):
            return []  # bound again, or the environment itself goes somewhere
        if use.attr in _SETTINGS:
            continue
        call = scopes.parents.get(use)
        if use.attr not in LOADERS or not isinstance(call, ast.Call) or not call.args:
            return []
        loaded = _constant_names(call.args[0])
        if not loaded or any(is_markup_template(name) for name in loaded):
            return []
        names += loaded
    return names


def _constant_names(arg: ast.AST) -> list[str]:
    """The template names a constant argument gives: one string, or a list/tuple of strings."""
    items = arg.elts if isinstance(arg, ast.List | ast.Tuple) else [arg]
    found = [i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)]
    return found if len(found) == len(items) else []


def _called(func: ast.AST) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""
