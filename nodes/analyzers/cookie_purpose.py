"""A cookie without the Secure flag that plainly keeps a preference: no credential to read in it.

The Secure flag matters for a cookie that carries a credential or a session: an access token, a
JWT or a serializer's signed output, a session or user id, an API key, a CSRF or remember-me
token. A visitor's theme, language or enabled search engines read off plain HTTP tell an
eavesdropper nothing the page itself does not show. The finding is low confidence when the words
of the cookie - its name, what its value is made of (following local names), and the function
and class that write it (`class ThemeSetting: def save(...)`) - speak of a preference and none of
them speaks of a credential or of who the visitor is. Anything else keeps the finding: an opaque
name with an opaque value (`set_cookie(name, value)` in a helper) tells nothing, so it blocks.
"""

from __future__ import annotations

import ast

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.constant_cookies import RULES
from devsecbots.nodes.analyzers.helper_summaries import _calls_at
from devsecbots.nodes.analyzers.low_confidence import lowered_at
from devsecbots.nodes.analyzers.name_bindings import Scopes
from devsecbots.nodes.security_words import (
    PRIVILEGE_WORDS,
    SECURITY_WORDS,
    spelled,
    words_and_singulars,
)

WHY = (
    "the cookie keeps a preference (its name, its value and the code writing it say so, and "
    "nothing in them names a credential, a session or a user): there is no secret in it to read"
)
PREFERENCE_WORDS = frozenset(
    {
        "preference",
        "pref",
        "setting",
        "choice",
        "option",
        "theme",
        "language",
        "lang",
        "locale",
        "timezone",
        "tz",
        "currency",
        "layout",
        "ui",
        "display",
        "dark",
        "font",
        "sort",
        "engine",
        "plugin",
        "category",
        "tab",
        "sidebar",
    }
)
# What a credential's value is made of, beside the shared security and privilege words. The
# word "cookie" says nothing about a cookie's content.
CREDENTIAL_WORDS = (
    (SECURITY_WORDS - {"cookie"})
    | PRIVILEGE_WORDS
    | {
        "jwt",
        "jws",
        "jwe",
        "bearer",
        "access",
        "refresh",
        "remember",
        "sid",
        "id",
        "uuid",
        "random",
        "urandom",
        "serializer",
        "signer",
        "itsdangerous",
        "encrypt",
        "encrypted",
        "fernet",
        "hash",
        "digest",
        "oauth",
        "oidc",
        "saml",
    }
)
_FOLLOW = 3  # how many local-name steps the value's words are followed


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, an insecure-cookie one that plainly keeps a preference at low confidence."""
    if not any(f["rule_id"] in RULES for f in findings):
        return findings
    return lowered_at(findings, files, RULES, WHY, _preference_cookies)


def _preference_cookies(tree: ast.Module, line: int) -> bool:
    """Whether every set_cookie call on `line` plainly keeps a preference."""
    calls = _calls_at(tree, line, {"set_cookie"})
    if not calls:
        return False
    scopes = Scopes(tree)
    return all(_keeps_preference(call, scopes) for call in calls)


def _keeps_preference(call: ast.Call, scopes: Scopes) -> bool:
    """Preference words around the cookie and no credential word."""
    if any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        return False  # set_cookie(*args) / (**options): what is set is not in sight
    said = _writers(call, scopes)
    for part in (_argument(call, 0, "key"), _argument(call, 1, "value")):
        if part is not None:
            said |= _said(part, scopes, _FOLLOW)
    return bool(said & PREFERENCE_WORDS) and not said & CREDENTIAL_WORDS


def _argument(call: ast.Call, index: int, keyword: str) -> ast.expr | None:
    """The argument passed at `index` or as `keyword` (None when not passed)."""
    if len(call.args) > index:
        return call.args[index]
    return next((k.value for k in call.keywords if k.arg == keyword), None)


def _writers(call: ast.Call, scopes: Scopes) -> set[str]:
    """The words of the functions and classes (with their bases) the call sits in."""
    said: set[str] = set()
    node: ast.AST = call
    while node in scopes.parents:
        node = scopes.parents[node]
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            said |= words_and_singulars(node.name)
        elif isinstance(node, ast.ClassDef):
            said |= words_and_singulars(node.name)
            for base in node.bases:
                if not spelled(base).endswith("Mixin"):  # LoginRequiredMixin: who may call
                    said |= words_and_singulars(spelled(base))
    return said


def _said(expr: ast.expr, scopes: Scopes, depth: int) -> set[str]:
    """The words of every name, attribute and string in `expr`, and of what its local names
    were bound to. The owner of a read attribute only says whose the value is:
    `request.user.preferred_language` speaks of a language, `user.id` of an id."""
    said: set[str] = set()
    called = {id(n.func) for n in ast.walk(expr) if isinstance(n, ast.Call)}
    receivers = {  # `signer.sign(x)`: a called method's receiver still speaks
        id(n.value) for n in ast.walk(expr) if isinstance(n, ast.Attribute) and id(n) not in called
    }
    for node in ast.walk(expr):
        if id(node) in receivers and isinstance(node, ast.Name | ast.Attribute):
            continue  # `request.user.preferred_language`: whose, not what
        said |= words_and_singulars(spelled(node))
        if isinstance(node, ast.Name) and depth > 0:
            for binding in scopes.bindings(node.id, node):
                if binding.kind == "value" and isinstance(binding.node, ast.expr):
                    said |= _said(binding.node, scopes, depth - 1)
    return said
