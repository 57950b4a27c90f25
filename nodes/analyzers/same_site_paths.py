"""Whether a name is proven a same-site URL where it is read, by a test the code runs on it.

A same-site path starts with "/" and then a character that is neither "/" nor "\\" (browsers
read "//host", "/\\host" and, as they drop tabs and newlines, "/\\t/host" as another host). A
regular expression proves that when it is anchored at the start (`re.match`, `re.fullmatch`,
or `re.search` with `^` / `\\A` and no flags but IGNORECASE / ASCII / UNICODE) and begins with a
literal "/" then at least one character of a set holding only letters, digits, "_" or other
characters that are not "/", "\\" or white space (`^/[a-z]+`, `^/\\w`). `^/`, `^/.*`, `^/\\S`
and `startswith("/")` do not prove it. A safe-URL check (url_checks.py: the framework's, or a
project function that rejects a host or scheme then tests further) proves an on-site URL too.

The test must guard the read: the read is in the body of an `if` that requires it (`and`, no
`not`), or an earlier statement of an enclosing block is an `if` without else whose body
returns or raises and whose test is true whenever it fails (`if not x or not re.match(...)`).
The name is not bound again from the test's line on (a parameter, or assigned before the test).
"""

from __future__ import annotations

import ast
import importlib
import re
from typing import Any

from devsecbots.nodes.analyzers.local_assignments import called_name
from devsecbots.nodes.analyzers.url_checks import Param, requires

sre: Any = importlib.import_module("re._parser")  # the stdlib's own reading of a pattern
Function = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
MATCHERS = frozenset({"match", "fullmatch", "search"})
HARMLESS_FLAGS = frozenset({"I", "IGNORECASE", "A", "ASCII", "U", "UNICODE"})
SEPARATORS = frozenset({ord("/"), ord("\\"), ord("\t"), ord("\n"), ord("\r"), ord(" ")})
SAFE_CATEGORIES = frozenset({sre.CATEGORY_DIGIT, sre.CATEGORY_WORD})


def proven_on_site(
    read: ast.Name, parents: dict[ast.AST, ast.AST], checks: dict[str, Param]
) -> bool:
    """Whether every path to this read of a name passes a same-site test of it (see module)."""
    name = read.id
    node: ast.AST = read
    while node in parents:
        parent = parents[node]
        if (
            isinstance(parent, ast.If)
            and node in parent.body
            and _passes(parent.test, name, checks)
        ):
            return not _rebound(parent, name, parents)
        block = _block_of(parent, node)
        if block is not None:
            for statement in block[: block.index(node)]:  # type: ignore[arg-type]
                if _exits_unless_on_site(statement, name, checks):
                    return not _rebound(statement, name, parents)
        if isinstance(parent, Function):
            return False
        node = parent
    return False


def proves_path(test: ast.AST, name: str) -> bool:
    """`re.match(r"^/[a-z]", name)` and the like: true only for a same-site path (see module)."""
    if not isinstance(test, ast.Call) or called_name(test.func) not in MATCHERS:
        return False
    func = test.func
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
        return False
    if func.value.id != "re" or len(test.args) < 2:
        return False
    pattern, subject = test.args[0], test.args[1]
    flags = test.args[2:] + [k.value for k in test.keywords if k.arg == "flags"]
    if any(k.arg not in ("flags", "pos", "endpos") for k in test.keywords) or not all(
        _harmless(f) for f in flags
    ):
        return False
    if not (isinstance(subject, ast.Name) and subject.id == name):
        return False
    if not (isinstance(pattern, ast.Constant) and isinstance(pattern.value, str)):
        return False
    return _path_pattern(pattern.value, anchored=func.attr != "search")


def _path_pattern(pattern: str, anchored: bool) -> bool:
    """The pattern matches only strings starting "/" then a non-separator character."""
    try:
        items = list(sre.parse(pattern))
    except re.error:
        return False
    if (
        items
        and items[0] == (sre.AT, sre.AT_BEGINNING)
        or items[:1] == [(sre.AT, sre.AT_BEGINNING_STRING)]
    ):
        items, anchored = items[1:], True
    if not anchored or len(items) < 2 or items[0] != (sre.LITERAL, ord("/")):
        return False
    op, value = items[1]
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        low, _high, body = value
        if low < 1 or len(body) != 1:
            return False
        op, value = body[0]
    if op is sre.LITERAL:
        return value not in SEPARATORS
    return op is sre.IN and all(_no_separator(o, v) for o, v in value)


def _no_separator(op: object, value: object) -> bool:
    """One member of a character set that cannot match a separator (no NEGATE, no \\s, \\S)."""
    if op is sre.LITERAL:
        return value not in SEPARATORS
    if op is sre.RANGE and isinstance(value, tuple):
        low, high = value
        return not any(low <= c <= high for c in SEPARATORS)
    return op is sre.CATEGORY and value in SAFE_CATEGORIES


def _harmless(flag: ast.AST) -> bool:
    """re.I / re.IGNORECASE / re.A / re.U, alone or |-ed (re.M or re.X change the reading)."""
    if isinstance(flag, ast.BinOp) and isinstance(flag.op, ast.BitOr):
        return _harmless(flag.left) and _harmless(flag.right)
    return isinstance(flag, ast.Attribute) and flag.attr in HARMLESS_FLAGS


def _passes(test: ast.AST, name: str, checks: dict[str, Param]) -> bool:
    """The test is true only when the name passes a same-site test (an `and` of it)."""
    if isinstance(test, ast.BoolOp):
        return isinstance(test.op, ast.And) and any(_passes(v, name, checks) for v in test.values)
    return proves_path(test, name) or requires(test, name, checks)


def _exits_unless_on_site(statement: ast.stmt, name: str, checks: dict[str, Param]) -> bool:
    """`if not TEST(name): return ...` (the test may `or` other conditions), no else."""
    if not isinstance(statement, ast.If) or statement.orelse or not statement.body:
        return False
    if not isinstance(statement.body[-1], ast.Return | ast.Raise):
        return False
    test = statement.test
    tests = test.values if isinstance(test, ast.BoolOp) else [test]
    if isinstance(test, ast.BoolOp) and not isinstance(test.op, ast.Or):
        return False
    return any(
        isinstance(t, ast.UnaryOp)
        and isinstance(t.op, ast.Not)
        and _passes(t.operand, name, checks)
        for t in tests
    )


def _block_of(parent: ast.AST, node: ast.AST) -> list[ast.stmt] | None:
    for field in ("body", "orelse", "finalbody"):
        block = getattr(parent, field, None)
        if isinstance(block, list) and node in block:
            return block
    return None


def _rebound(anchor: ast.AST, name: str, parents: dict[ast.AST, ast.AST]) -> bool:
    """Whether the name is bound in its function (or module) at or after the test's line: only
    its parameter and assignments before the test may give its value."""
    scope = anchor
    while scope in parents and not isinstance(scope, Function):
        scope = parents[scope]
    line = getattr(anchor, "lineno", 0)
    return any(
        isinstance(n, ast.Name)
        and n.id == name
        and not isinstance(n.ctx, ast.Load)
        and n.lineno >= line
        for n in ast.walk(scope)
    )


def prefix_tested(read: ast.expr, parents: dict[ast.AST, ast.AST]) -> bool:
    """Whether the read sits in the body of an `if` that holds only when the value starts with
    "/" and a non-separator: `x.startswith("/admin/")`, `x == "/admin"`, `x in {"/a", "/b"}`,
    an `or` of those, an `and` with one; the function assigns nothing to the expression."""
    text = ast.unparse(read)
    node: ast.AST = read
    while node in parents:
        parent = parents[node]
        if isinstance(parent, ast.If) and node in parent.body and _prefixed(parent.test, text):
            return not _stored(parent, text, parents)
        if isinstance(parent, Function):
            return False
        node = parent
    return False


def _prefixed(test: ast.AST, text: str) -> bool:
    """The test is true only when the expression `text` starts with a same-site literal."""
    if isinstance(test, ast.BoolOp):
        proven = [_prefixed(v, text) for v in test.values]
        return any(proven) if isinstance(test.op, ast.And) else all(proven)
    if (
        isinstance(test, ast.Call)
        and isinstance(test.func, ast.Attribute)
        and test.func.attr == "startswith"
        and ast.unparse(test.func.value) == text
        and len(test.args) == 1
        and not test.keywords
    ):
        return _same_site_literals(test.args[0])
    if (
        isinstance(test, ast.Compare)
        and ast.unparse(test.left) == text
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Eq | ast.In)
    ):
        return _same_site_literals(test.comparators[0])
    return False


def _same_site_literals(value: ast.AST) -> bool:
    """A literal "/x..." (x no separator), or a tuple, list or set of only such literals."""
    items = value.elts if isinstance(value, ast.Tuple | ast.List | ast.Set) else [value]
    return bool(items) and all(
        isinstance(i, ast.Constant)
        and isinstance(i.value, str)
        and len(i.value) > 1
        and i.value[0] == "/"
        and ord(i.value[1]) not in SEPARATORS
        for i in items
    )


def _stored(anchor: ast.AST, text: str, parents: dict[ast.AST, ast.AST]) -> bool:
    """Whether the function around the test assigns to the expression `text` anywhere."""
    scope = anchor
    while scope in parents and not isinstance(scope, Function):
        scope = parents[scope]
    return any(
        isinstance(n, ast.Name | ast.Attribute)
        and isinstance(n.ctx, ast.Store | ast.Del)
        and ast.unparse(n) == text
        for n in ast.walk(scope)
    )
