"""Cookies set without Secure / HttpOnly / SameSite -> all three (CWE-614, CWE-1004, CWE-1275).

Secure is the operator's switch, on unless turned off: a plain-http install (a home network, a
LAN) would have the browser drop a Secure cookie and lose its login. It is the switch the Flask
and Django settings codemods write for the session cookie, so one variable serves the app.
"""

from __future__ import annotations

import re

import libcst as cst
from devsecbots.nodes.autofix.base import Codemod, Project, Site
from devsecbots.nodes.autofix.codemods.django_settings import COOKIES_FROM_ENV
from devsecbots.nodes.autofix.codemods.session_cookie import WANTED as FLASK_SESSION
from devsecbots.nodes.autofix.edits import Edits, expr, set_keyword
from devsecbots.nodes.autofix.tree import (
    Tree,
    code,
    has_star_kwargs,
    is_false,
    is_true,
    keyword,
    string_value,
)

SECURE_FROM_ENV = FLASK_SESSION["SESSION_COOKIE_SECURE"]
WANTED = (("secure", SECURE_FROM_ENV), ("httponly", "True"), ("samesite", '"Lax"'))
_DJANGO = re.compile(r"^\s*(from|import)\s+django\b", re.MULTILINE)
_ENV_READ = re.compile(r"\bos\.environ\b|\bgetenv\(")


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
            secure = COOKIES_FROM_ENV if _DJANGO.search(tree.source) else SECURE_FROM_ENV
            wanted = [(k, secure if k == "secure" else v) for k, v in missing]
            imports = [("os", None)] if any(k == "secure" for k, _ in missing) else []
            found.append(Site(spans=spans, plan=_plan(call, wanted), imports=imports))
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
    if name == "secure" and not is_false(arg.value) and _ENV_READ.search(code(arg.value)):
        return True  # already the operator's switch
    return is_true(arg.value)


def _plan(call: cst.Call, missing: list[tuple[str, str]]):
    def plan(edits: Edits) -> str:
        def change(node: cst.Call) -> cst.Call:
            for name, value in missing:
                node = set_keyword(node, name, expr(value))
            return node

        edits.swap(call, change)
        said = [f"{n}={v}" for n, v in missing if n != "secure"]
        switch = next((re.search(r'"(\w+)"', v) for n, v in missing if n == "secure"), None)
        if switch:
            said.insert(0, f"Secure (unless {switch.group(1)}=0)")
        return "cookie: " + ", ".join(said)

    return plan
