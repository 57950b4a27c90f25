"""Cookies set without Secure / HttpOnly / SameSite -> all three (CWE-614, CWE-1004, CWE-1275)."""

from __future__ import annotations

import re

import libcst as cst
from devsecbots.nodes.autofix.base import Codemod, Project, Site
from devsecbots.nodes.autofix.edits import Edits, expr, set_keyword
from devsecbots.nodes.autofix.tree import Tree, has_star_kwargs, is_true, keyword, string_value

WANTED = (("secure", "True"), ("httponly", "True"), ("samesite", '"Lax"'))


class Cookies(Codemod):
    name = "cookies"
    rule_ids = frozenset(
        {
            "devsecbots.flask.insecure-cookie",
            "devsecbots.django.insecure-cookie",
            "devsecbots.fastapi.insecure-cookie",
        }
    )
    cwes = frozenset({"CWE-614", "CWE-1004", "CWE-1275", "CWE-311"})
    pattern = "set_cookie() call missing secure/httponly/samesite"
    topic = r"cookie"

    def sites(self, tree: Tree, path: str, project: Project) -> list[Site]:
        found = []
        for call in tree.find(cst.Call):
            if not (isinstance(call.func, cst.Attribute) and call.func.attr.value == "set_cookie"):
                continue
            missing = [(k, v) for k, v in WANTED if not _already(call, k)]
            if not missing:
                continue
            spans = [tree.span(tree.statement_of(call) or call)]
            if _is_csrf_token(call):
                found.append(
                    Site(
                        spans=spans,
                        reason="cookies: a double-submit CSRF token cookie: the page's scripts "
                        "must read it (no HttpOnly) and it grants nothing by itself",
                    )
                )
                continue
            if has_star_kwargs(call):
                found.append(
                    Site(
                        spans=spans,
                        reason="cookies: options come from **kwargs; not changed automatically",
                    )
                )
                continue
            found.append(Site(spans=spans, plan=_plan(call, missing)))
        return found


def _is_csrf_token(call: cst.Call) -> bool:
    """Whether the cookie's name says it carries a CSRF token (csrf_token, XSRF-TOKEN)."""
    named = keyword(call, "key") or (
        call.args[0] if call.args and not call.args[0].keyword else None
    )
    name = string_value(named.value) if named is not None else None
    return bool(name) and bool(re.search(r"[cx]srf", name, re.IGNORECASE))  # type: ignore[arg-type]


def _already(call: cst.Call, name: str) -> bool:
    arg = keyword(call, name)
    if arg is None:
        return False
    if name == "samesite":
        return string_value(arg.value) in ("Lax", "Strict", "lax", "strict")
    return is_true(arg.value)


def _plan(call: cst.Call, missing: list[tuple[str, str]]):
    def plan(edits: Edits) -> str:
        def change(node: cst.Call) -> cst.Call:
            for name, value in missing:
                node = set_keyword(node, name, expr(value))
            return node

        edits.swap(call, change)
        return "cookie: " + ", ".join(f"{n}={v}" for n, v in missing)

    return plan
