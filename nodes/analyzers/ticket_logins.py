"""A login view that asks the issuing server about its ticket (CAS, OAuth code): nothing to guess.

A CAS login (`GET <cas>/serviceValidate?ticket=...`) or an OAuth callback (`POST <idp>/token` with
the `code`) checks no secret the visitor knows: the visitor brings back a one-time, high-entropy
value the identity server issued, and the view asks that server whether it is valid. Guessing such
a value is hopeless, and the server that issued it is the one that sees the attempts, so a view
named "login" is no guessing target for that reason alone.

A view exchanges a ticket when a value it reads from the request (directly, or through local
names assigned from it) is an argument of an HTTP client call in the view, or of a function of
the same module whose body makes one. It does not when the view or that function speaks of a
password or one-time code anywhere (`password`, `pwd`, `otp`, `passcode`, `secret`,
`request.authorization`, ...): a password or TOTP code forwarded to a remote checker is still
guessed through this view, and a password checked here beside an unrelated outgoing call (an
audit hook) is checked here. A view that also calls a password check keeps its evidence anyway
(flask_facts._evidence): beside a ticket only `login_user(...)` is taken for the logging-in, while
`authenticate(...)` may check a password and still counts.
"""

from __future__ import annotations

import ast

from devsecbots.nodes.analyzers.outgoing_values import is_http_call
from devsecbots.nodes.security_words import words

Function = ast.FunctionDef | ast.AsyncFunctionDef
# What a visitor knows or can enumerate: forwarding it elsewhere leaves it guessable here.
GUESSABLE = frozenset(
    {
        "password",
        "passwd",
        "pwd",
        "pw",
        "pass",
        "passphrase",
        "passcode",
        "pin",
        "otp",
        "totp",
        "hotp",
        "mfa",
        "secret",
        "credential",
        "credentials",
    }
)


def exchanges_ticket(view: Function, tree: ast.Module) -> bool:
    """Whether the view passes a request value to an HTTP call (here or in a module function)
    and neither it nor that function speaks of a password or one-time code."""
    if _speaks_of_secrets(view):
        return False
    functions = {
        f.name: f for f in tree.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    carried = _request_names(view)
    for call in (n for n in ast.walk(view) if isinstance(n, ast.Call)):
        if not any(_carries(a, carried) for a in _arguments(call)):
            continue
        if is_http_call(call):
            return True
        helper = functions.get(call.func.id) if isinstance(call.func, ast.Name) else None
        if helper is not None and helper is not view and _asks_remote(helper):
            return True
    return False


def _asks_remote(function: Function) -> bool:
    """Whether a module function makes an HTTP call and speaks of no password or code."""
    if _speaks_of_secrets(function):
        return False
    return any(isinstance(n, ast.Call) and is_http_call(n) for n in ast.walk(function))


def _speaks_of_secrets(function: Function) -> bool:
    """Whether a name, attribute, parameter or string in the function names a guessable secret."""
    for node in ast.walk(function):
        if isinstance(node, ast.Name):
            text = node.id
        elif isinstance(node, ast.Attribute):
            if node.attr == "authorization":  # request.authorization: HTTP basic auth
                return True
            text = node.attr
        elif isinstance(node, ast.arg):
            text = node.arg
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        if words(text) & GUESSABLE:
            return True
    return False


def _request_names(view: Function) -> set[str]:
    """Local names assigned from the request, or from names that were (to a fixed point)."""
    carried: set[str] = set()
    assignments = [n for n in ast.walk(view) if isinstance(n, (ast.Assign, ast.AnnAssign))]
    while True:
        before = len(carried)
        for node in assignments:
            if node.value is not None and _carries(node.value, carried):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                carried |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        if len(carried) == before:
            return carried


def _carries(node: ast.AST, carried: set[str]) -> bool:
    """Whether an expression reads the request or a name holding a request value."""
    return any(
        isinstance(n, ast.Name) and (n.id == "request" or n.id in carried) for n in ast.walk(node)
    )


def _arguments(call: ast.Call) -> list[ast.expr]:
    return [*call.args, *(k.value for k in call.keywords)]
