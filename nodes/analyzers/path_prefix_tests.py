"""Whether an `or` of tests on a name is true for every value that is not a same-site path,
written out with string tests rather than a check function.

A same-site path starts with "/" and then a character that is not "/" or "\\" (browsers read
"//host" and "/\\host" as another host) nor a tab, CR or LF (browsers drop those anywhere, so
"/\\t/host" becomes "//host"). The tests, read as "reject when any holds", must require:

- the first "/": `not name.startswith("/")` (or `name[0] != "/"`, `name[:1] != "/"`);
- the second character outside "/" and "\\": `name[1:2] in ("/", "\\\\")` / `name[1] in ...`,
  or `name.startswith(("//", "/\\\\"))`;
- tab, CR and LF excluded the same way, or dropped before the test by a statement of the same
  block, `name = re.sub(r"[\\t\\n\\r]", "", name)` (also inside `if name:`).
"""

from __future__ import annotations

import ast
import importlib
import re
from typing import Any

sre: Any = importlib.import_module("re._parser")
HOSTS = frozenset("/\\")
CONTROLS = frozenset("\t\n\r")


def rejects_off_site(test: ast.AST, name: str, earlier: list[ast.stmt]) -> bool:
    """The test (an `or` of parts) holds for every value of `name` that is not a same-site path;
    `earlier`: the statements of its block before it, which may drop tab/CR/LF first."""
    parts = test.values if isinstance(test, ast.BoolOp) else [test]
    if isinstance(test, ast.BoolOp) and not isinstance(test.op, ast.Or):
        return False
    if not any(_needs_slash(p, name) for p in parts):
        return False
    excluded = set().union(*(_second_excluded(p, name) for p in parts))
    if not HOSTS <= excluded:
        return False
    return CONTROLS <= excluded or _controls_dropped(earlier, name)


def _needs_slash(test: ast.AST, name: str) -> bool:
    """`not name.startswith("/")`, `name[0] != "/"`, `name[:1] != "/"`."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _startswith(test.operand, name) == ["/"]
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.NotEq):
        return _char_at(test.left, name) == 0 and _text(test.comparators[0]) == "/"
    return False


def _second_excluded(test: ast.AST, name: str) -> set[str]:
    """The second characters the test rejects (`name[1:2] in (...)`, `name.startswith("//")`)."""
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        op, right = test.ops[0], test.comparators[0]
        if _char_at(test.left, name) != 1:
            return set()
        if isinstance(op, ast.In) and isinstance(right, ast.Tuple | ast.List | ast.Set):
            return {t for t in map(_text, right.elts) if t is not None and len(t) == 1}
        if isinstance(op, ast.Eq) and (t := _text(right)) is not None and len(t) == 1:
            return {t}
        return set()
    prefixes = _startswith(test, name) or []
    return {p[1] for p in prefixes if len(p) == 2 and p[0] == "/"}


def _startswith(call: ast.AST, name: str) -> list[str] | None:
    """The prefixes of `name.startswith(p)` / `name.startswith((p, q))` (None for anything else)."""
    if not (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "startswith"
        and _is(call.func.value, name)
        and len(call.args) == 1
        and not call.keywords
    ):
        return None
    arg = call.args[0]
    items = arg.elts if isinstance(arg, ast.Tuple) else [arg]
    texts = [_text(i) for i in items]
    return None if any(t is None for t in texts) else texts  # type: ignore[return-value]


def _char_at(value: ast.AST, name: str) -> int | None:
    """i for `name[i]` or `name[i:i+1]` (None for anything else)."""
    if not (isinstance(value, ast.Subscript) and _is(value.value, name)):
        return None
    index = value.slice
    if isinstance(index, ast.Constant) and isinstance(index.value, int):
        return index.value if index.value >= 0 else None
    if isinstance(index, ast.Slice) and index.step is None:
        low = 0 if index.lower is None else _int(index.lower)
        high = _int(index.upper)
        return low if low is not None and high == low + 1 else None
    return None


def _controls_dropped(earlier: list[ast.stmt], name: str) -> bool:
    """The last statement before the test that binds `name` drops tab, CR and LF from it."""
    for statement in reversed(earlier):
        if not any(
            isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
            for n in ast.walk(statement)
        ):
            continue
        if isinstance(statement, ast.If) and _is(statement.test, name) and not statement.orelse:
            body = statement.body
            return len(body) == 1 and _drops_controls(body[0], name)
        return _drops_controls(statement, name)
    return False


def _drops_controls(statement: ast.stmt, name: str) -> bool:
    """`name = re.sub(r"[\\t\\n\\r]", "", name)` (a class holding at least tab, CR and LF)."""
    if not (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and _is(statement.targets[0], name)
    ):
        return False
    call = statement.value
    if not (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "sub"
        and _is(call.func.value, "re")
        and len(call.args) == 3
        and not call.keywords
        and _text(call.args[1]) == ""
        and _is(call.args[2], name)
    ):
        return False
    pattern = _text(call.args[0])
    return pattern is not None and CONTROLS <= _class_members(pattern)


def _class_members(pattern: str) -> set[str]:
    """The control characters a one-character-class pattern (`[\\t\\n\\r]`, `\\s`) matches."""
    try:
        items = list(sre.parse(pattern))
    except re.error:
        return set()
    if len(items) == 1 and items[0][0] in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        items = list(items[0][1][2])
    if len(items) != 1:
        return set()
    op, value = items[0]
    members = [(op, value)] if op is not sre.IN else list(value)
    if any(o is sre.NEGATE for o, _v in members):
        return set()
    found = set()
    for o, v in members:
        if o is sre.LITERAL:
            found.add(chr(v))
        elif o is sre.CATEGORY and v is sre.CATEGORY_SPACE:
            found |= CONTROLS
        elif o is sre.RANGE:
            found |= {c for c in CONTROLS if v[0] <= ord(c) <= v[1]}
    return found


def _is(value: ast.AST, name: str) -> bool:
    return isinstance(value, ast.Name) and value.id == name


def _text(value: ast.AST) -> str | None:
    return value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else None


def _int(value: ast.AST | None) -> int | None:
    if isinstance(value, ast.Constant) and isinstance(value.value, int):
        return value.value
    return None
