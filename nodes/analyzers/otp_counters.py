"""A random draw that is only the moving factor of an HOTP, not the secret of the one-time code.

`count = random.randint(0, 10**12)` then `otp = pyotp.HOTP(person.otp_secret).at(count)`: the
code mailed to the user is an HMAC of the counter under the per-user secret (RFC 4226). The
counter is no secret: the RFC synchronises it in the clear, and knowing or predicting it does
not give the code without the key. Such a draw is kept at low confidence when it is stored in a
local name of its function and every use of that name is

- the moving factor of an HOTP built there: `HOTP(key).at(count)`, `.verify(code, count)`,
  `counter=count`, the HOTP object made by `HOTP(...)` directly or bound to a local name; or
- a value a store keeps server-side (`store.add(key, count, ttl=...)`, `.set`, `.setex`,
  `.put`, `.save`), to rebuild the same code when the user answers.

A draw that is itself the HOTP key, is returned, compared, mailed, or passed anywhere else
keeps the finding: it may be the credential. (What a store's value is later compared with is
not followed: a project that both derives an HOTP from the counter and checks the counter
itself as a token would be missed.)
"""

from __future__ import annotations

import ast

_HOTP = "HOTP"
_FACTOR_METHODS = frozenset({"at", "verify", "generate_otp"})
_STORES = frozenset({"add", "set", "setex", "put", "save", "store"})


def hotp_counter_reason(call: ast.Call, parents: dict[ast.AST, ast.AST]) -> str:
    """Why the random `call` is only an HOTP moving factor ('' when it may be a secret)."""
    statement = parents.get(call)
    if not (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(statement.targets[0], ast.Name)
    ):
        return ""
    name = statement.targets[0].id
    function: ast.AST = statement
    while function in parents and not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        function = parents[function]
    if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        return ""
    uses = [
        n
        for n in ast.walk(function)
        if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)
    ]
    if any(_rebinds(n, name) for n in ast.walk(function) if n is not statement):
        return ""
    factors = [u for u in uses if _moving_factor(u, parents, function)]
    if not factors or not all(any(u is f for f in factors) or _stored(u, parents) for u in uses):
        return ""
    return (
        f"{name} is only the moving factor of an HOTP keyed by another secret (and kept "
        "server-side): the one-time code is an HMAC of it under that key, the counter no secret"
    )


def _rebinds(node: ast.AST, name: str) -> bool:
    """Whether `node` binds `name` again (another value may then be the factor)."""
    if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign | ast.For | ast.NamedExpr):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return any(isinstance(t, ast.Name) and t.id == name for t in targets)
    return False


def _moving_factor(use: ast.Name, parents: dict[ast.AST, ast.AST], function: ast.AST) -> bool:
    """`<hotp>.at(use)`, `<hotp>.verify(code, use)`, `HOTP(key, counter=use)`-style uses."""
    parent = parents.get(use)
    if isinstance(parent, ast.keyword) and parent.arg in ("counter", "count"):
        call = parents.get(parent)
        if not isinstance(call, ast.Call):
            return False
        on_hotp = (
            isinstance(call.func, ast.Attribute)
            and call.func.attr in _FACTOR_METHODS
            and _is_hotp(call.func.value, function)
        )
        return on_hotp or _is_hotp(call.func, function)
    if not (isinstance(parent, ast.Call) and isinstance(parent.func, ast.Attribute)):
        return False
    method, args = parent.func.attr, parent.args
    position = next((i for i, a in enumerate(args) if a is use), None)
    factor_at = {"at": 0, "generate_otp": 0, "verify": 1}.get(method)
    return position is not None and position == factor_at and _is_hotp(parent.func.value, function)


def _is_hotp(node: ast.AST, function: ast.AST) -> bool:
    """`HOTP(key)` / `pyotp.HOTP(key)` itself, or a local name bound only to such a call (a
    counter that is also the key is a use of another kind, which keeps the finding)."""
    if isinstance(node, ast.Call):
        func = node.func
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        return called == _HOTP
    if isinstance(node, ast.Name):
        values = [
            s.value
            for s in ast.walk(function)
            if isinstance(s, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == node.id for t in s.targets)
        ]
        return bool(values) and all(_is_hotp(v, function) for v in values)
    return False


def _stored(use: ast.Name, parents: dict[ast.AST, ast.AST]) -> bool:
    """`store.add(key, use, ...)`: kept server-side, not sent or compared here."""
    parent = parents.get(use)
    return (
        isinstance(parent, ast.Call)
        and isinstance(parent.func, ast.Attribute)
        and parent.func.attr in _STORES
        and any(a is use for a in parent.args[1:])
    )
