"""Whether a validator admits only http(s) URLs: every way out that accepts passes a scheme test.

Read in a validate(value) function: a loop whose body ends `if <test> and ...: continue` then
`raise` (each line accepted only through the test), the function ending `if <test>: return` then
`raise`, or `if not <test>: raise` before any return. A scheme test is
`urlparse(u).scheme.startswith("http")`, `parts.scheme in ("http", "https")`, `== "https"`, or
`u.startswith(("http://", "https://"))`. Anything else is not read as a scheme check (a
substring test such as `"http" in u` admits `file:///http`).
"""

from __future__ import annotations

import ast
import re

_WEB_URL = re.compile(r"^https?://", re.IGNORECASE)
_WEB_SCHEMES = frozenset({"http", "https"})


def admits_only_web_schemes(function: ast.FunctionDef) -> bool:
    """Whether `function` raises unless its value's URL scheme is http(s)."""
    if _raises_after(function.body, ast.Return):
        return True
    for node in ast.walk(function):
        if isinstance(node, ast.For | ast.AsyncFor) and _raises_after(node.body, ast.Continue):
            if not any(isinstance(n, ast.Break) for n in ast.walk(node)):
                return True
    for index, statement in enumerate(function.body):
        if _refuses_other_schemes(statement):
            return not any(
                isinstance(n, ast.Return) for s in function.body[:index] for n in ast.walk(s)
            )
    return False


def web_scheme_literal(node: ast.AST) -> bool:
    """Whether `node` is a string literal each non-empty line of which is an http(s) URL."""
    if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
        return False
    lines = [line.strip() for line in node.value.splitlines() if line.strip()]
    return all(_WEB_URL.match(line) for line in lines)


def _raises_after(block: list[ast.stmt], exit_type: type) -> bool:
    """`if <requires a web scheme>: continue|return` then `raise`, ending the block, the only
    exit of that kind in it."""
    if len(block) < 2 or not isinstance(block[-1], ast.Raise):
        return False
    gate = block[-2]
    exits = [n for s in block for n in ast.walk(s) if isinstance(n, exit_type)]
    return (
        isinstance(gate, ast.If)
        and not gate.orelse
        and len(gate.body) == 1
        and isinstance(gate.body[0], exit_type)
        and getattr(gate.body[0], "value", None) is None
        and len(exits) == 1
        and _requires(gate.test)
    )


def _refuses_other_schemes(statement: ast.stmt) -> bool:
    """`if not <web scheme>: raise` (or a test that is true for every other scheme)."""
    return (
        isinstance(statement, ast.If)
        and bool(statement.body)
        and isinstance(statement.body[-1], ast.Raise)
        and _refuses(statement.test)
    )


def _requires(test: ast.AST) -> bool:
    """Whether `test` is true only for a web scheme."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return any(_requires(value) for value in test.values)
    return _scheme_test(test)


def _refuses(test: ast.AST) -> bool:
    """Whether `test` is true for every scheme that is not a web one."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _requires(test.operand)
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        return any(_refuses(value) for value in test.values)
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        negated = {ast.NotIn: ast.In, ast.NotEq: ast.Eq}.get(type(test.ops[0]))
        if negated is not None:
            return _scheme_test(ast.Compare(test.left, [negated()], test.comparators))
    return False


def _scheme_test(test: ast.AST) -> bool:
    """x.scheme.startswith("http"), x.scheme in {"http", "https"}, x.scheme == "https",
    url.startswith(("http://", "https://"))."""
    if (
        isinstance(test, ast.Call)
        and isinstance(test.func, ast.Attribute)
        and test.func.attr == "startswith"
        and len(test.args) == 1
    ):
        prefixes = _strings(test.args[0])
        if _is_scheme(test.func.value):
            return bool(prefixes) and all(p.lower().startswith("http") for p in prefixes)
        return bool(prefixes) and all(_WEB_URL.match(p) for p in prefixes)
    if (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.In | ast.Eq)
        and _is_scheme(test.left)
    ):
        schemes = _strings(test.comparators[0])
        return bool(schemes) and schemes <= _WEB_SCHEMES
    return False


def _is_scheme(node: ast.AST) -> bool:
    """`x.scheme` (a parsed URL's scheme), possibly lower-cased."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not node.args:
        node = node.func.value if node.func.attr == "lower" else node
    return isinstance(node, ast.Attribute) and node.attr == "scheme"


def _strings(node: ast.AST) -> set[str]:
    """The strings of a literal string or tuple/list/set of strings (empty when not one)."""
    items = node.elts if isinstance(node, ast.Tuple | ast.List | ast.Set) else [node]
    found = {i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)}
    return found if len(found) == len(items) else set()
