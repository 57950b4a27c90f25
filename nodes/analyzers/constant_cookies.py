"""A cookie without the Secure flag whose value is written in the code: nothing in it to steal.

The Secure flag keeps a cookie off plain HTTP, where an eavesdropper could read it. A cookie set
to a constant (`set_cookie("is_user_authorized", "true")`, or a local name bound only to a
constant) holds what the code says and every client gets: reading it tells nothing. It is low
confidence when its value is a flag - empty, a number or a yes/no word - whatever its name, or
another constant when neither its name nor its value holds a security word (security_words.py:
a constant named `session` or `auth_token` may be a credential written into the code).

A value computed at run time (a token, a session id, a user's data) keeps the finding.
"""

from __future__ import annotations

import ast

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.helper_summaries import _calls_at
from devsecbots.nodes.analyzers.low_confidence import lowered_at
from devsecbots.nodes.analyzers.name_bindings import Scopes
from devsecbots.nodes.security_words import SECURITY_WORDS, words

RULES = frozenset(
    {
        "devsecbots.flask.insecure-cookie",
        "devsecbots.django.insecure-cookie",
        "devsecbots.fastapi.insecure-cookie",
    }
)
FLAGS = frozenset({"", "true", "false", "yes", "no", "on", "off", "y", "n", "t", "f", "none"})
WHY = "the cookie's value is a constant flag written in the code: there is no secret in it to read"


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, an insecure-cookie one setting only a constant flag at low confidence."""
    if not any(f["rule_id"] in RULES for f in findings):
        return findings
    return lowered_at(findings, files, RULES, WHY, _constant_cookies)


def _constant_cookies(tree: ast.Module, line: int) -> bool:
    """Whether every set_cookie call on `line` sets a constant that holds no secret."""
    calls = _calls_at(tree, line, {"set_cookie"})
    if not calls:
        return False
    scopes = Scopes(tree)
    return all(_no_secret(call, scopes) for call in calls)


def _no_secret(call: ast.Call, scopes: Scopes) -> bool:
    """A constant flag, or a constant that neither it nor the cookie's name calls a secret."""
    if any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        return False  # set_cookie(*args) / (**options): what is set is not in sight
    name = _argument(call, 0, "key")
    value = _argument(call, 1, "value")
    text = "" if value is None else _constant(value, scopes)
    if text is None:
        return False
    if text.strip().lower() in FLAGS or text.strip().isdigit():
        return True
    name_text = _constant(name, scopes) if name is not None else None
    said = words(text) | words(name_text or "")
    return name_text is not None and not said & SECURITY_WORDS


def _argument(call: ast.Call, index: int, keyword: str) -> ast.expr | None:
    """The argument passed at `index` or as `keyword` (None when not passed)."""
    if len(call.args) > index:
        return call.args[index]
    return next((k.value for k in call.keywords if k.arg == keyword), None)


def _constant(value: ast.expr, scopes: Scopes, depth: int = 0) -> str | None:
    """The text of a constant, or of a name bound only to one same constant (None otherwise)."""
    if isinstance(value, ast.Constant) and isinstance(value.value, str | int | bool):
        return str(value.value)
    if isinstance(value, ast.Name) and depth < 3:
        found = scopes.bindings(value.id, value)
        texts = {
            _constant(b.node, scopes, depth + 1) if b.kind == "value" else None  # type: ignore[arg-type]
            for b in found
        }
        return texts.pop() if len(texts) == 1 and None not in texts else None
    return None
