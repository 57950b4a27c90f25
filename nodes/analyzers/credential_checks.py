"""Values a credential check that succeeded vouches for, where code runs only after it succeeded.

A check of a password (`user.check_password(pw)`, `checkpw(...)`, `user.is_validate(...)` of a
user built with the submitted password) or of a SAML response (`auth.process_response()`, then
`errors = auth.get_errors()`) passes or turns the request away. Where code runs only once it
passed (inside `if check(...):` / `if not errors:`, or after `if not ok: return | raise |
abort(...)`, also from inside a `try` whose handlers all leave), the object checked, the values
it was given and what it returned are facts the server established: the user the password
belongs to, the method it was checked with, the validated assertion.

A value is vouched for when it is built only from those, constants, names the function does not
bind (module-level classes, config, `session`, `current_user`) and local names every assignment
of which is so built. `request` (and function parameters) never are: request data the check did
not look at is still the visitor's.
"""

from __future__ import annotations

import ast
import re

from devsecbots.nodes.analyzers.built_types import leaves
from devsecbots.nodes.analyzers.local_assignments import assigned_values, called_name
from devsecbots.nodes.analyzers.response_headers import function_of
from devsecbots.nodes.security_words import words

# Checks whose name says they check a password or one-time code.
PASSWORD_CHECKS = re.compile(
    r"^(check_password\w*|verify_password\w*|checkpw|authenticate|verify_(totp|otp))$"
)
# Checks named only "valid...": they count when given, or called on, a password.
VALIDITY_CHECKS = re.compile(r"^(is_valid(ate)?|validate)(_\w+)?$")
PASSWORD_WORDS = frozenset({"password", "passwd", "passphrase", "credential", "credentials"})
REQUEST_NAMES = frozenset({"request"})
DEPTH = 6
Function = ast.FunctionDef | ast.AsyncFunctionDef


def vouched(value: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Whether `value` runs only after a credential check passed and is built from what the
    check vouches for (see the module)."""
    trusted = _vouched_names(value, parents)
    return trusted is not None and _built_from(value, trusted, parents, DEPTH)


def _vouched_names(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> set[str] | None:
    """The names passed checks before `node` vouch for (None when no check guards it)."""
    names: set[str] = set()
    while node in parents:
        parent = parents[node]
        if isinstance(parent, ast.If) and any(s is node for s in parent.body):
            names |= _passed(parent.test, parents, success=True)
        block = _block(parent, node)
        for before in block[: block.index(node)] if block else []:  # type: ignore[arg-type]
            names |= _guards_before(before, parents)
        if isinstance(parent, Function | ast.Lambda | ast.ClassDef):
            break
        node = parent
    return names or None


def _guards_before(statement: ast.stmt, parents: dict[ast.AST, ast.AST]) -> set[str]:
    """What `if <failed>: <leave>` before the code vouches for, also from a try's body."""
    if isinstance(statement, ast.If) and not statement.orelse and leaves(statement.body):
        return _passed(statement.test, parents, success=False)
    if isinstance(statement, ast.Try) and all(leaves(h.body) for h in statement.handlers):
        return {n for s in statement.body for n in _guards_before(s, parents)}
    return set()


def _passed(test: ast.expr, parents: dict[ast.AST, ast.AST], success: bool) -> set[str]:
    """Names vouched for where `test` is true (success) or false (not success)."""
    if isinstance(test, ast.BoolOp):  # `a and b` true, or `a or b` false: each part held
        if isinstance(test.op, ast.And) == success:
            return {n for v in test.values for n in _passed(v, parents, success)}
        return set()
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _passed(test.operand, parents, not success)
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        return _compared(test, parents, success)
    return _outcome(test, parents, empty=not success)


def _compared(test: ast.Compare, parents: dict[ast.AST, ast.AST], success: bool) -> set[str]:
    """`ok == False`, `ok is None`, `ok is True`, `len(errors) == 0`, `errors == []`, ..."""
    left, op, right = test.left, test.ops[0], test.comparators[0]
    if isinstance(left, ast.Call) and called_name(left.func) == "len" and left.args:
        left, right = left.args[0], ast.Constant(value=None if _zero(right) else 1)
    if isinstance(right, ast.List | ast.Tuple) and not right.elts:
        right = ast.Constant(value=None)
    if not isinstance(right, ast.Constant) or right.value not in (True, False, None):
        return set()
    equal = isinstance(op, ast.Eq | ast.Is)
    if not (equal or isinstance(op, ast.NotEq | ast.IsNot)):
        return set()
    holds_empty = (right.value in (False, None)) == (equal == success)
    return _outcome(left, parents, empty=holds_empty)


def _zero(value: ast.expr) -> bool:
    return isinstance(value, ast.Constant) and value.value == 0


def _outcome(value: ast.expr, parents: dict[ast.AST, ast.AST], empty: bool) -> set[str]:
    """Names vouched for when `value` is known empty (empty) or non-empty (not empty): a
    password check's result non-empty, a SAML response's error list empty."""
    if isinstance(value, ast.Name):
        assigned = _last_assigned(value, parents)
        if assigned is None:
            return set()
        found = _outcome(assigned, parents, empty)
        return found | {value.id} if found and not empty else found
    if not isinstance(value, ast.Call):
        return set()
    if not empty and _password_check(value, parents):
        return _checked_names(value)
    if empty and called_name(value.func) == "get_errors" and _saml_response(value, parents):
        return _checked_names(value)
    return set()


def _password_check(call: ast.Call, parents: dict[ast.AST, ast.AST]) -> bool:
    """A call named for a password check, or a validity check given or called on a password."""
    name = called_name(call.func)
    if PASSWORD_CHECKS.match(name):
        return True
    if not VALIDITY_CHECKS.match(name):
        return False
    given: list[ast.AST] = [*call.args, *(k.value for k in call.keywords)]
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    if isinstance(receiver, ast.Name):
        given += assigned_values(receiver, parents)
    return any(_speaks_of_password(node) for value in given for node in ast.walk(value))


def _speaks_of_password(node: ast.AST) -> bool:
    if isinstance(node, ast.Name):
        said = node.id
    elif isinstance(node, ast.keyword):
        said = node.arg or ""
    else:
        said = node.attr if isinstance(node, ast.Attribute) else ""
    return bool(said) and bool(words(said) & PASSWORD_WORDS)


def _saml_response(call: ast.Call, parents: dict[ast.AST, ast.AST]) -> bool:
    """`X.get_errors()` of an X whose response the function processed (`X.process_response()`)."""
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    function = function_of(call, parents)
    if not isinstance(receiver, ast.Name) or function is None:
        return False
    return any(
        isinstance(n, ast.Call)
        and called_name(n.func) == "process_response"
        and isinstance(n.func, ast.Attribute)
        and isinstance(n.func.value, ast.Name)
        and n.func.value.id == receiver.id
        for n in ast.walk(function)
    )


def _checked_names(call: ast.Call) -> set[str]:
    """The receiver of a check and the names passed to it."""
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    given = [*call.args, *(k.value for k in call.keywords), receiver]
    return {v.id for v in given if isinstance(v, ast.Name)}


def _built_from(
    value: ast.AST, trusted: set[str], parents: dict[ast.AST, ast.AST], depth: int
) -> bool:
    """Whether every name `value` reads is vouched for, not bound in the function, or assigned
    only values so built (depth: assignments followed)."""
    if depth <= 0:
        return False
    for node in ast.walk(value):
        if isinstance(node, ast.Lambda | ast.NamedExpr | ast.comprehension):
            return False
        if not isinstance(node, ast.Name) or node.id in trusted:
            continue
        if node.id in REQUEST_NAMES or _parameter(node, parents):
            return False
        bound = assigned_values(node, parents)
        if not bound and _bound_here(node, parents):
            return False  # bound by a loop, with, augmented assignment, ...
        if not all(_built_from(v, trusted, parents, depth - 1) for v in bound):
            return False
    return True


def _parameter(name: ast.Name, parents: dict[ast.AST, ast.AST]) -> bool:
    function = function_of(name, parents)
    return function is not None and any(
        a.arg == name.id for a in ast.walk(function.args) if isinstance(a, ast.arg)
    )


def _bound_here(name: ast.Name, parents: dict[ast.AST, ast.AST]) -> bool:
    function = function_of(name, parents)
    return function is not None and any(
        isinstance(n, ast.Name) and n.id == name.id and not isinstance(n.ctx, ast.Load)
        for n in ast.walk(function)
    )


def _last_assigned(name: ast.Name, parents: dict[ast.AST, ast.AST]) -> ast.expr | None:
    """The value of the last statement before the use, in its block or the blocks around it,
    that binds `name`, when that is `name = value` (None when unknown)."""
    node: ast.AST = name
    while node in parents and not isinstance(node, Function):
        parent = parents[node]
        block = _block(parent, node)
        for statement in reversed(block[: block.index(node)] if block else []):  # type: ignore[arg-type]
            if not _stores(statement, name.id):
                continue
            plain = isinstance(statement, ast.Assign) and len(statement.targets) == 1
            if plain and isinstance(statement.targets[0], ast.Name):  # type: ignore[attr-defined]
                return statement.value  # type: ignore[attr-defined]
            return None
        node = parent
    return None


def _stores(statement: ast.stmt, name: str) -> bool:
    return any(
        isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load)
        for n in ast.walk(statement)
    )


def _block(parent: ast.AST, child: ast.AST) -> list[ast.stmt] | None:
    """The statement list of `parent` that holds `child` (None if it is no statement there)."""
    for _, value in ast.iter_fields(parent):
        if isinstance(value, list) and any(v is child for v in value):
            return value if all(isinstance(v, ast.stmt) for v in value) else None
    return None
