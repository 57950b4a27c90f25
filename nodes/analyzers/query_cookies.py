"""A cookie without the Secure flag that only remembers a query-string argument of the request.

`resp.set_cookie("sort", request.args.get("sort"))` keeps a display choice the visitor made in a
link (a sort column, an order, a tab) for the next visit. The value travelled in the URL of the
same request, which is no secret channel (it sits in server logs, the browser's history and
Referer headers), so the Secure flag would protect nothing the URL did not already show. The
finding is low confidence when the value is `request.args.get("x")` / `request.args["x"]` with a
constant argument name, and neither that name nor the cookie's (a constant) holds a security
word (security_words.py: `?token=...` or a cookie called `session` keeps it).

A value from the body, a header, another cookie or anything computed keeps the finding.
"""

from __future__ import annotations

import ast

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.constant_cookies import RULES
from devsecbots.nodes.analyzers.helper_summaries import _calls_at
from devsecbots.nodes.analyzers.low_confidence import lowered_at
from devsecbots.nodes.security_words import SECURITY_WORDS, words

WHY = (
    "the cookie only remembers a query-string argument of the same request, named nothing "
    "secret: the URL already carried that value in the clear"
)
QUERY_OWNERS = frozenset({"args", "query_params", "GET"})


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, an insecure-cookie one echoing a plain query argument at low confidence."""
    if not any(f["rule_id"] in RULES for f in findings):
        return findings
    return lowered_at(findings, files, RULES, WHY, _query_cookies)


def _query_cookies(tree: ast.Module, line: int) -> bool:
    """Whether every set_cookie call on `line` stores a plain, non-secret query argument."""
    calls = _calls_at(tree, line, {"set_cookie"})
    return bool(calls) and all(_echoes_query(call) for call in calls)


def _echoes_query(call: ast.Call) -> bool:
    """set_cookie("name", request.args.get("arg")) with no security word in either name."""
    if len(call.args) < 2 or any(isinstance(a, ast.Starred) for a in call.args[:2]):
        return False
    name, value = call.args[0], call.args[1]
    if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
        return False
    argument = _query_argument(value)
    if argument is None:
        return False
    return not (words(name.value) | words(argument)) & SECURITY_WORDS


def _query_argument(value: ast.AST) -> str | None:
    """ "x" for `request.args.get("x")` / `request.args["x"]` (None for anything else)."""
    if isinstance(value, ast.Call) and not value.keywords and len(value.args) in (1, 2):
        func = value.func
        if not (isinstance(func, ast.Attribute) and func.attr == "get"):
            return None
        owner, key = func.value, value.args[0]
        if len(value.args) == 2 and not isinstance(value.args[1], ast.Constant):
            return None
    elif isinstance(value, ast.Subscript):
        owner, key = value.value, value.slice
    else:
        return None
    if not (
        isinstance(owner, ast.Attribute)
        and owner.attr in QUERY_OWNERS
        and isinstance(owner.value, ast.Name)
        and owner.value.id == "request"
    ):
        return None
    return key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else None
