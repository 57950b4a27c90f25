"""Request data stored in the session after an allow-list check (trust-boundary violation).

The rule devsecbots.flask.trust-boundary-violation reports request data stored in the session,
which later code trusts as the server's own. A value that every path to the store has limited to
constants or to a collection the deployer configured (`if lang in app.config["LANGUAGES"]:
session["lang"] = lang`, allow_list_guard.py) is one the server chose, whoever sent it: the
finding is kept at low confidence. The Semgrep rule's own allow-list sanitiser does not see a
check that has an `else` branch, nor a configured collection.

Every part of the store must be so: a key or value that is not a constant or such a checked name
(`session[request.args["k"]] = lang`, `session["lang"] = lang.strip()`) keeps the finding.

A store that runs only after a credential check passed, of what that check vouches for (the
user whose password was checked, the method it was checked with, a validated SAML assertion and
the user it names; credential_checks.py), is the server's own fact: low confidence. Request data
the check did not look at (`session["next"] = request.args["next"]` after the login) still blocks.

Request data crosses a trust boundary only where later code trusts it: for who someone is, what
they may do, or as a credential. A store under a constant key that names none of that
(`session["search_term"] = q`, `session["next"] = request.path`, a locale, a sort order) is the
user's own data kept for them: low confidence. A key naming a user, role, permission, login,
token, ... (security_words.PRIVILEGE_WORDS and SECURITY_WORDS), a key that is not a constant, and
`session.update(...)` (any key) keep the finding.
"""

from __future__ import annotations

import ast

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.allow_list_guard import allow_listed
from devsecbots.nodes.analyzers.credential_checks import vouched
from devsecbots.nodes.analyzers.flask_csrf import session_names
from devsecbots.nodes.analyzers.low_confidence import lowered_at
from devsecbots.nodes.analyzers.name_bindings import Scopes
from devsecbots.nodes.analyzers.project_trees import parents_of
from devsecbots.nodes.security_words import PRIVILEGE_WORDS, SECURITY_WORDS, words_and_singulars

RULE = "devsecbots.flask.trust-boundary-violation"
STORING = frozenset({"setdefault", "update"})
WHY = (
    "the value is stored only after an allow-list check limits it to constants or to values the "
    "deployer configured"
)
VERIFIED = (
    "the value is stored only after a credential check passed (a password, a SAML response) "
    "and is what that check vouches for: the checked user, its inputs, the validated assertion"
)
UNTRUSTED_KEY = (
    "the session key names no user, role, permission or credential: the user's own data kept "
    "for them, which no access decision reads"
)


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, a session store of allow-listed values at low confidence."""
    if not any(f["rule_id"] == RULE and f["confidence"] != "low" for f in findings):
        return findings
    findings = lowered_at(
        findings, files, {RULE}, WHY, lambda tree, line: _allow_listed_store(tree, line)
    )
    findings = lowered_at(findings, files, {RULE}, VERIFIED, _verified_store)
    return lowered_at(findings, files, {RULE}, UNTRUSTED_KEY, _store_under_untrusted_key)


def _verified_store(tree: ast.AST, line: int) -> bool:
    """Whether every session store on `line` stores what a passed credential check vouches for
    (credential_checks.py) under a constant key."""
    sessions = session_names([tree])
    parents = parents_of([tree])
    stores = [node for node in ast.walk(tree) if _stored(node, line, sessions)]
    keys = [_key(store) for store in stores]
    values = [p for node in stores for p in _stored(node, line, sessions) if p not in keys]
    return (
        bool(stores)
        and all(isinstance(k, ast.Constant) for k in keys)
        and all(vouched(v, parents) for v in values)
    )


def _store_under_untrusted_key(tree: ast.AST, line: int) -> bool:
    """Whether every session store on `line` is `session[K] = v` or `session.setdefault(K, v)`
    with a constant key K that names nothing an access decision would trust."""
    sessions = session_names([tree])
    stores = [node for node in ast.walk(tree) if _stored(node, line, sessions)]
    return bool(stores) and all(_untrusted_key(_key(store)) for store in stores)


def _key(store: ast.AST) -> ast.expr | None:
    """The key of a session store, None for `session.update(...)` (any key)."""
    if isinstance(store, ast.Assign):
        return next(t.slice for t in store.targets if isinstance(t, ast.Subscript))
    if isinstance(store, ast.Call) and store.args and getattr(store.func, "attr", "") != "update":
        return store.args[0]
    return None


def _untrusted_key(key: ast.expr | None) -> bool:
    if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
        return False
    return not words_and_singulars(key.value) & (PRIVILEGE_WORDS | SECURITY_WORDS)


def _allow_listed_store(tree: ast.AST, line: int) -> bool:
    """Whether every session store on `line` stores only constants and allow-listed names."""
    scopes = Scopes(tree)
    sessions = session_names([tree])
    parts = [p for node in ast.walk(tree) for p in _stored(node, line, sessions)]
    return bool(parts) and all(_checked(part, scopes) for part in parts)


def _stored(node: ast.AST, line: int, sessions: frozenset[str]) -> list[ast.expr]:
    """The key and value of a session store at `line` (`session[k] = v`, `session.update(...)`,
    `session.setdefault(k, v)`); [] for anything else."""
    if getattr(node, "lineno", 0) != line:
        return []
    if isinstance(node, ast.Assign):
        return [
            part
            for target in node.targets
            if isinstance(target, ast.Subscript) and _is_session(target.value, sessions)
            for part in (target.slice, node.value)
        ]
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in STORING
        and _is_session(node.func.value, sessions)
    ):
        return [*node.args, *(k.value for k in node.keywords)]
    return []


def _is_session(value: ast.AST, sessions: frozenset[str]) -> bool:
    """`session`, `flask.session`, or a name Flask's session is imported as."""
    if isinstance(value, ast.Attribute):
        return value.attr == "session" and isinstance(value.value, ast.Name)
    return isinstance(value, ast.Name) and value.id in sessions


def _checked(part: ast.expr, scopes: Scopes) -> bool:
    """A constant, or a name every path to here limits to allowed values."""
    if isinstance(part, ast.Constant):
        return True
    return isinstance(part, ast.Name) and allow_listed(part.id, part, scopes)
