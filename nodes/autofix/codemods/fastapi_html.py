"""FastAPI HTMLResponse built from request data -> every interpolated value html.escape()d
(devsecbots.fastapi.xss); the markup itself is kept."""

from __future__ import annotations

import libcst as cst
from devsecbots.nodes.autofix.base import Codemod, Project, Site
from devsecbots.nodes.autofix.edits import Edits, expr, replace_arg
from devsecbots.nodes.autofix.strings import fstring, is_dynamic, parts_of, quote_of, unwrap_str
from devsecbots.nodes.autofix.tree import Tree, code

HTML_RESPONSES = {"fastapi.responses.HTMLResponse", "starlette.responses.HTMLResponse"}


class FastapiHtml(Codemod):
    name = "fastapi-html"
    rule_ids = frozenset({"devsecbots.fastapi.xss"})
    pattern = "HTMLResponse built from strings"

    def sites(self, tree: Tree, path: str, project: Project) -> list[Site]:
        found = []
        for call in tree.find(cst.Call):
            if not (tree.qualnames(call) & HTML_RESPONSES) or not call.args:
                continue
            first = call.args[0]
            if first.keyword is not None and first.keyword.value != "content":
                continue
            spans = [tree.span(tree.statement_of(call) or call)]
            parts = parts_of(first.value)
            if not is_dynamic(parts):
                found.append(
                    Site(
                        spans=spans,
                        reason="fastapi-html: the HTML is not built from strings here "
                        "(a variable or a call); escape its values where it is built",
                    )
                )
                continue
            if any(not isinstance(p, str) and _has_markup(p) for p in parts):  # type: ignore[union-attr]
                found.append(
                    Site(
                        spans=spans,
                        reason="fastapi-html: an interpolated piece holds markup itself; "
                        "escaping it would break the page, so escape its values where it is built",
                    )
                )
                continue
            escaped = [
                p if isinstance(p, str) else expr(f"html.escape(str({code(unwrap_str(p))}))")
                for p in parts  # type: ignore[union-attr]
            ]
            built = fstring(escaped, quote_of(first.value)) or fstring(escaped, "'")
            if built is None:
                found.append(
                    Site(spans=spans, reason="fastapi-html: cannot rebuild the HTML as one string")
                )
                continue
            found.append(Site(spans=spans, plan=_plan(call, built), imports=[("html", None)]))
        return found


def _plan(call: cst.Call, built: str):
    def plan(edits: Edits) -> str:
        edits.swap(call, lambda node: replace_arg(node, 0, expr(built)))
        return "HTMLResponse values escaped with html.escape"

    return plan


def _has_markup(node: cst.CSTNode) -> bool:
    """Whether an expression contains a string literal with HTML markup in it."""
    return any(
        isinstance(n, (cst.SimpleString, cst.FormattedStringText))
        and ("<" in code(n) or ">" in code(n))
        for n in _walk(node)
    )


def _walk(node: cst.CSTNode):
    yield node
    for child in node.children:
        yield from _walk(child)
