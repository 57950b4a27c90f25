"""What a weak random draw is for, read from the names around it (devsecbots.python.weak-random).

The rule reports a `random` value that reaches a name with a security word (`reset_token`,
`new_key`, a session, a cookie). Some of those words name either a secret or not: a cache key is
no API key. The names are read nearest first, the first that says anything deciding:

1. where the value goes: the name it is stored under, the keyword it is passed as, the function
   that returns it, the calls and names it goes to next (hash_purpose.py), and the text the code
   joins it to (`"RANDOM-PLACEHOLDER-" + "".join(random.choices(...))` says what it is);
2. the function and classes it is made in;
3. the module's file name (`cache_key.py`).

Before the names, where the value ends up: one that only leaves in HTTP requests this code sends
to another site (a browser id cookie, a client nonce, imitating a site's web client;
outgoing_values.py) is that site's protocol, not this app's secret, unless a name it passes
through says it is a password or secret made for an account there; one that is only the moving
factor of an HOTP keyed by another secret, and kept server-side (otp_counters.py), is no secret.

A level with a security word (token, secret, password, session, otp, reset, apikey, ...) keeps
the finding; one with an incidental word (cache, bust, etag, color, jitter, sample, fake, ...,
security_words.py) and no security word makes it low confidence. Words such as "key" or "id"
decide nothing; nothing said anywhere keeps the finding.
"""

from __future__ import annotations

import ast
from pathlib import PurePosixPath

from devsecbots.nodes.analyzers.hash_purpose import (
    _is_random_call,
    _names_around,
    _names_used_in,
    _parents,
    _words,
)
from devsecbots.nodes.analyzers.otp_counters import hotp_counter_reason
from devsecbots.nodes.analyzers.outgoing_values import Flow
from devsecbots.nodes.security_words import INCIDENTAL_WORDS, SECURITY_WORDS, words

# A password or secret made up for an account on another site is still a credential.
_CREDENTIAL_WORDS = frozenset(
    {"password", "passwd", "pwd", "passphrase", "secret", "credential", "credentials"}
)


def incidental_reason(tree: ast.AST, line: int, path: str) -> str:
    """Why the random value made at `line` of the file at `path` protects nothing ('' if it may)."""
    call = draw_at(tree, line)
    if call is None:
        return ""
    parents = _parents(tree)
    sent = _sent_elsewhere(tree, call, parents) or hotp_counter_reason(call, parents)
    if sent:
        return sent
    levels = (
        _words(
            _names_around(call, parents) + _names_used_in(call, parents) + _labels(call, parents)
        ),
        _words(_enclosing_names(call, parents)),
        words(PurePosixPath(path).stem),
    )
    for said in levels:
        if said & SECURITY_WORDS:
            return ""
        if said & INCIDENTAL_WORDS:
            found = ", ".join(sorted(said & INCIDENTAL_WORDS))
            return f"the random value is for something nobody gains by guessing ({found})"
    return ""


def draw_at(tree: ast.AST, line: int) -> ast.Call | None:
    """The random call a finding at `line` is about (None when there is not exactly one)."""
    call = next((n for n in ast.walk(tree) if _is_random_call(n) and n.lineno == line), None)
    if call is None:  # the finding names the statement's first line, the draw is further down
        statement = next(
            (n for n in ast.walk(tree) if isinstance(n, ast.stmt) and n.lineno == line), None
        )
        draws = [n for n in ast.walk(statement) if _is_random_call(n)] if statement else []
        call = draws[0] if len(draws) == 1 else None
    return call


def _sent_elsewhere(tree: ast.AST, call: ast.Call, parents: dict[ast.AST, ast.AST]) -> str:
    """Why the draw is only sent to another site ('' when it may be kept, checked or shown)."""
    if not isinstance(tree, ast.Module):
        return ""
    flow = Flow(tree, parents)
    if not flow.only_to_sinks(call) or _words(sorted(flow.names)) & _CREDENTIAL_WORDS:
        return ""
    return (
        "the random value only goes out in requests this code sends to another site, "
        "imitating its client: no secret of this app"
    )


def _enclosing_names(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> list[str]:
    """The names of the functions and classes around `node`."""
    names = []
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.append(node.name)
    return names


def _labels(call: ast.Call, parents: dict[ast.AST, ast.AST]) -> list[str]:
    """The string literals joined to the draw in its expression (`"x-" + ...`, f-strings,
    `"".join(...)`), read as names of what the value is."""
    node: ast.AST = call
    while node in parents and not isinstance(parents[node], ast.stmt):
        parent = parents[node]
        joined = isinstance(parent, ast.BinOp | ast.JoinedStr | ast.FormattedValue) or (
            isinstance(parent, ast.Call)
            and isinstance(parent.func, ast.Attribute)
            and parent.func.attr == "join"
        )
        if not joined:
            break
        node = parent
    if node is call:
        return []
    return [
        n.value
        for n in ast.walk(node)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value.strip()
    ]
