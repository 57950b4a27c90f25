"""Media types an f-string builds from constants the code chose: f"application/x-{service}-result".

A type with a variable part is passive only when the variable cannot reshape it: a browser
reads `application/x-a,text/html;x=-result` as text/html. The f-string is passive when

- the literal text before its first hole fixes the top-level type (holds the "/");
- every hole is a plain name the code limits to tame constants: words of letters, digits and
  hyphens naming no active type (html, xml, xsl, svg), so a value adds no second type (`,`),
  no parameter (`;`) and no `+xml` suffix;
- no hole touches a letter of the literal text or another hole (no active word spans an edge);
- the type, each hole read as "0", is passive (response_headers.py).

A name is limited when its function leaves unless it is one of a literal list of tame strings
(`if service not in ["git-upload-pack", "git-receive-pack"]: abort(400)` before the use, or the
use inside `if service in (...)`), and is never rebound there; or when the caller says so (a
helper's parameter that every call passes a tame constant: response_bodies.py).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from devsecbots.nodes.analyzers.response_headers import ACTIVE_TYPE, function_of, passive_type
from devsecbots.nodes.analyzers.summary_defs import Parents

TAME = re.compile(r"^[A-Za-z0-9-]+$")
STOPPING = frozenset({"abort", "exit"})


def tame(value: ast.AST | None) -> bool:
    """A string constant that cannot reshape a media type it is put into (see above)."""
    if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
        return False
    return bool(TAME.match(value.value)) and not ACTIVE_TYPE.search(value.value)


def built_passive(value: ast.AST, limited: Callable[[ast.Name], bool]) -> bool:
    """Whether the f-string is a passive type whatever its limited holes hold (see above)."""
    if not isinstance(value, ast.JoinedStr):
        return False
    text = ""
    parts = value.values
    for index, part in enumerate(parts):
        if isinstance(part, ast.Constant):
            text += str(part.value)
            continue
        if not isinstance(part, ast.FormattedValue) or part.conversion != -1 or part.format_spec:
            return False
        after = parts[index + 1] if index + 1 < len(parts) else None
        if after is not None and not isinstance(after, ast.Constant):
            return False
        if "/" not in text or text[-1:].isalpha() or str(getattr(after, "value", ""))[:1].isalpha():
            return False
        if not (isinstance(part.value, ast.Name) and limited(part.value)):
            return False
        text += "0"
    return passive_type(ast.Constant(text))


def listed(name: ast.Name, parents: Parents) -> bool:
    """Whether, on the way to this use, its function requires `name` to be one of a literal list
    of tame strings, and never rebinds it."""
    function = function_of(name, parents)
    if function is None or _rebound(function, name.id):
        return False
    node: ast.AST = name
    while node is not function and node in parents:
        parent = parents[node]
        if isinstance(parent, ast.If) and node in parent.body and _among(parent.test, name.id):
            return True
        block = next(
            (b for b in (getattr(parent, f, None) for f in ("body", "orelse")) if _holds(b, node)),
            None,
        )
        for statement in block[: block.index(node)] if block else []:
            if isinstance(statement, ast.If) and _rejects_others(statement, name.id):
                return True
        node = parent
    return False


def _holds(block: object, node: ast.AST) -> bool:
    return isinstance(block, list) and any(s is node for s in block)


def _among(test: ast.AST, name: str, negated: bool = False) -> bool:
    """`name in ("a", "b")` (or `not in`, given negated)."""
    wanted = ast.NotIn if negated else ast.In
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == name
        and len(test.ops) == 1
        and isinstance(test.ops[0], wanted)
        and isinstance(test.comparators[0], ast.List | ast.Tuple | ast.Set)
        and all(tame(e) for e in test.comparators[0].elts)
    )


def _rejects_others(statement: ast.If, name: str) -> bool:
    """`if name not in (...): <leave>` with no else."""
    return (
        _among(statement.test, name, negated=True)
        and not statement.orelse
        and leaves(statement.body)
    )


def leaves(block: list[ast.stmt]) -> bool:
    """Whether the block ends by returning, raising or calling abort() / exit()."""
    last = block[-1] if block else None
    if isinstance(last, ast.Return | ast.Raise):
        return True
    return (
        isinstance(last, ast.Expr)
        and isinstance(last.value, ast.Call)
        and getattr(last.value.func, "id", getattr(last.value.func, "attr", "")) in STOPPING
    )


def _rebound(function: ast.AST, name: str) -> bool:
    return any(
        isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load)
        for n in ast.walk(function)
    )
