"""A one-time-code check whose wrong answer shows the secret: enrolment, not a guessing target.

A page that enrols a user in TOTP shows the QR code of the new secret and asks for one code
generated from it, to confirm the authenticator app was set up. When the view answers a wrong
code with the QR code again, anyone who can send it a guess is handed the secret that the codes
are derived from: guessing the code gains nothing, so throttling the check stops no guessing.

A call `r.verify_totp(code)` / `r.verify_otp(code)` (the credential calls of flask_facts.py) is
such a confirmation when, in the same view,

- its failure is a branch: `if not r.verify_totp(...):`, or `ok = r.verify_totp(...)` then
  `if not ok:` later in the same block (`ok` assigned nowhere else in the view);
- that branch returns (before any other return or raise in it) a value that contains the secret
  of the same receiver: a call `r.<m>(...)` whose method name speaks of a QR code or a
  provisioning URI (`get_qrcode_value`, `provisioning_uri`, `totp_qr`), directly or through a
  local name assigned only once in the view, at its top level, from an expression containing
  such a call (`img = b64encode(r.get_qrcode_value())`);
- `r` is a plain local name bound at most once in the view (so both calls see one object).

Not proved: that a method so named really encodes the secret (the name is taken at its word, as
flask_facts.py takes `verify_totp` for a code check); what the page does with the value it is
given. A check whose wrong answer does not carry the secret keeps its evidence, even when another
branch (a GET) shows the QR code: that branch may be open to fewer visitors than the check (an
enrolled user's code checked at a second login step while only unenrolled users see the QR). A
second-factor step that checks the code of an enrolled user and logs them in stays a guessing
target.
"""

from __future__ import annotations

import ast

from devsecbots.nodes.analyzers.project_trees import statement_blocks
from devsecbots.nodes.security_words import words

Function = ast.FunctionDef | ast.AsyncFunctionDef
CODE_CHECKS = frozenset({"verify_totp", "verify_otp"})
# Words of a method name that say it returns the secret in a form the user scans or types in.
_REVEALS = frozenset({"qr", "qrcode", "provisioning"})


def confirms_enrolment(view: Function, call: ast.Call) -> bool:
    """Whether `call` (a code check in `view`) answers a wrong code with the secret it checks."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr in CODE_CHECKS):
        return False
    if not isinstance(func.value, ast.Name):
        return False
    receiver = func.value.id
    if _bindings(view, receiver) > 1:
        return False
    branch = _failure_branch(view, call)
    if branch is None:
        return False
    answer = _first_exit(branch)
    if answer is None or answer.value is None:
        return False
    return _shows_secret(view, answer.value, receiver)


def _bindings(view: Function, name: str) -> int:
    """How many times `name` is bound in the view (parameters, assignments, loop targets...)."""
    count = sum(1 for a in view.args.args + view.args.kwonlyargs if a.arg == name)
    for node in ast.walk(view):
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store):
            count += 1
    return count


def _failure_branch(view: Function, call: ast.Call) -> list[ast.stmt] | None:
    """The statements that run when `call` returned false, or None when there is no such branch."""
    for block in statement_blocks(view):
        for index, stmt in enumerate(block):
            if isinstance(stmt, ast.If) and _negates(stmt.test, call):
                return stmt.body
            if (
                isinstance(stmt, ast.Assign)
                and stmt.value is call
                and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
                and _bindings(view, stmt.targets[0].id) == 1
            ):
                flag = stmt.targets[0].id
                for later in block[index + 1 :]:
                    if isinstance(later, ast.If) and _negates(later.test, flag):
                        return later.body
    return None


def _negates(test: ast.expr, subject: ast.Call | str) -> bool:
    """Whether `test` is `not <subject>` (the call itself, or the name holding its result)."""
    if not (isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)):
        return False
    operand = test.operand
    if isinstance(subject, str):
        return isinstance(operand, ast.Name) and operand.id == subject
    return operand is subject


def _first_exit(branch: list[ast.stmt]) -> ast.Return | None:
    """The branch's first return or raise statement when it is a return directly in it."""
    for stmt in branch:
        exits = [n for n in ast.walk(stmt) if isinstance(n, ast.Return | ast.Raise)]
        if not exits:
            continue
        return stmt if isinstance(stmt, ast.Return) else None
    return None


def _shows_secret(view: Function, value: ast.expr, receiver: str) -> bool:
    """Whether `value` contains the receiver's secret, directly or through a top-level local."""
    if _reveals(value, receiver):
        return True
    names = {n.id for n in ast.walk(value) if isinstance(n, ast.Name)}
    for stmt in view.body:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1):
            continue
        target = stmt.targets[0]
        if (
            isinstance(target, ast.Name)
            and target.id in names
            and _bindings(view, target.id) == 1
            and _reveals(stmt.value, receiver)
        ):
            return True
    return False


def _reveals(value: ast.expr, receiver: str) -> bool:
    """Whether `value` contains a call `receiver.<m>(...)` whose name speaks of a QR code."""
    for node in ast.walk(value):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == receiver
            and words(node.func.attr) & _REVEALS
        ):
            return True
    return False
