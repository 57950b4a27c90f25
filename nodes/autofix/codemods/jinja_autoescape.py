"""Jinja2 environments without autoescaping -> select_autoescape() (CWE-79, Bandit B701)."""

from __future__ import annotations

import ast

import libcst as cst
from devsecbots.nodes.analyzers.jinja_environment import LOADERS, is_markup_template
from devsecbots.nodes.analyzers.jinja_markdown import markdown_reason_at
from devsecbots.nodes.autofix.base import Codemod, Project, Site
from devsecbots.nodes.autofix.edits import Edits, expr, set_keyword
from devsecbots.nodes.autofix.tree import (
    Tree,
    code,
    has_star_kwargs,
    is_false,
    keyword,
    string_value,
)

ENVIRONMENTS = {"jinja2.Environment", "jinja2.environment.Environment"}


class JinjaAutoescape(Codemod):
    name = "jinja-autoescape"
    rule_ids = frozenset({"B701"})
    cwes = frozenset({"CWE-79", "CWE-80", "CWE-116"})
    pattern = "jinja2 Environment without autoescape"
    topic = r"jinja|autoescap|template|escap"

    def sites(self, tree: Tree, path: str, project: Project) -> list[Site]:
        found = []
        for call in tree.calls_to(*ENVIRONMENTS):
            spans = [tree.span(tree.statement_of(call) or call)]
            current = keyword(call, "autoescape")
            if current is not None and not is_false(current.value):
                if _is_safe(current.value):
                    continue
                found.append(
                    Site(
                        spans=spans,
                        reason="jinja-autoescape: autoescape is computed by "
                        f"{code(current.value)!r}; not changed",
                    )
                )
                continue
            if current is None and has_star_kwargs(call):
                found.append(
                    Site(spans=spans, reason="jinja-autoescape: options come from **kwargs")
                )
                continue
            plain = _plain_text_templates(tree, call)
            if plain:
                found.append(
                    Site(
                        spans=spans,
                        reason=f"jinja-autoescape: renders only {', '.join(plain)}, not HTML or "
                        "XML: nothing to escape",
                    )
                )
                continue
            markdown = _markdown(tree, call)
            if markdown:
                found.append(Site(spans=spans, reason=f"jinja-autoescape: {markdown}"))
                continue
            module_style = isinstance(call.func, cst.Attribute)
            prefix = f"{code(call.func.value)}." if module_style else ""  # type: ignore[attr-defined]
            found.append(
                Site(
                    spans=spans,
                    plan=_plan(call, f"{prefix}select_autoescape()"),
                    imports=[] if module_style else [("select_autoescape", "jinja2")],
                )
            )
        return found


def _plain_text_templates(tree: Tree, call: cst.Call) -> list[str]:
    """The templates an environment bound to a name loads, when all are named and none is markup
    (`config.cfg.template`); [] when any is HTML/XML, unnamed, or the use is not visible here."""
    assign = tree.parent(call)
    if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
        return []
    target = assign.targets[0].target
    if not isinstance(target, cst.Name):
        return []
    scope = tree.function_of(call) or tree.module
    names = []
    for use in tree.within(scope, cst.Call):
        func = use.func
        if not (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value == target.value
        ):
            continue
        if func.attr.value not in LOADERS or not use.args:
            return []  # from_string, a list of names, ...: content not known here
        name = string_value(use.args[0].value)
        if name is None or is_markup_template(name):
            return []
        names.append(name)
    return names


def _markdown(tree: Tree, call: cst.Call) -> str:
    """Why the environment writes Markdown, not HTML ('' when it may write HTML)."""
    try:
        parsed = ast.parse(tree.source)
    except SyntaxError:
        return ""
    return markdown_reason_at(parsed, tree.span(call)[0])


def _is_safe(value: cst.BaseExpression) -> bool:
    if isinstance(value, cst.Name) and value.value == "True":
        return True
    return isinstance(value, cst.Call) and code(value.func).split(".")[-1] == "select_autoescape"


def _plan(call: cst.Call, value: str):
    def plan(edits: Edits) -> str:
        edits.swap(call, lambda node: set_keyword(node, "autoescape", expr(value)))
        return f"jinja2 Environment: autoescape={value}"

    return plan
