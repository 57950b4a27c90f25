"""A host the application chose, opened by a literal "//": once it is known not to be empty, a
path after it cannot move the redirect elsewhere (for redirect_targets.py).

`f"{scheme}://{host}" + request.path` goes to `host` whatever the path is, even "//evil.example"
("https://h//evil.example" is a path on h), provided `host` is not empty: "https://" + "" +
"//evil.example" is https://evil.example. So redirect_targets.py reads three facts:

- a value is not empty where it is read after `if not x: return ...` (redirect_targets.py's own
  rule for a name) or, for a part of a parsed URL, after `if not parts.netloc: return ...`, `parts`
  being bound only to `urlparse(...)` / `urlsplit(...)` results (immutable tuples) before the
  test. Each of its values built only of text and chosen values (not an ORIGIN), with a chosen
  one and no "/", "?", "#" or "\\" in its text, is then one non-empty chosen value (NON_EMPTY);
  its other values are kept as they are, less the empty text;
- NON_EMPTY right after text ending in "//" is a chosen origin (ORIGIN): whatever text or chosen
  value came before, "//" then a non-empty host either opens the authority (the host is that
  value) or sits in a path, a query or a fragment (then nothing after it can leave the path);
- after ORIGIN, a "/" (perhaps after a ":port") ends the authority (AFTER_ORIGIN): the request's
  path, which begins with "/", cannot change the host (redirect_targets._verdict).

Known gaps: a chosen host made only of "/" ("https://" + "/" + "/evil.example") is read as a host;
so is one the deployer left as whitespace. A value is not known to be non-empty inside `if x:`
(only after an early exit), nor an attribute of any object other than a parsed URL.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

Token = tuple[str, str]
NON_EMPTY: Token = ("chosen", "+")  # a chosen value known not to be ""
ORIGIN: Token = ("chosen", "//")  # a non-empty chosen value right after a literal "//"
AFTER_ORIGIN = re.compile(r"^(:[^/\\\s?#@]*)?/")  # what ends the authority after ORIGIN
PARSERS = frozenset({"urlparse", "urlsplit"})
PINNING = re.compile(r"[/?#\\]")
REQUEST_FREE = frozenset({"text", "chosen", "lead"})


def non_empty(found: list[list[Token]]) -> list[list[Token]]:
    """The values of something known not to be empty: the empty text dropped, a value built of
    text and a chosen value that pins nothing read as one non-empty chosen value."""
    out = []
    for tokens in found:
        if tokens == [("text", "")]:
            continue
        kinds = {kind for kind, _ in tokens}
        plain = "chosen" in kinds and kinds <= REQUEST_FREE and ORIGIN not in tokens
        if plain and not any(kind == "text" and PINNING.search(v) for kind, v in tokens):
            out.append([NON_EMPTY])
        else:
            out.append(tokens)
    return out


def opened(tokens: list[Token]) -> list[Token]:
    """The tokens with each NON_EMPTY right after text ending in "//" made ORIGIN."""
    return [
        ORIGIN if token == NON_EMPTY and i and _ends_slashes(tokens[i - 1]) else token
        for i, token in enumerate(tokens)
    ]


def _ends_slashes(token: Token) -> bool:
    return token[0] == "text" and token[1].endswith("//")


def parsed_part_non_empty(value: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """`parts.netloc` (any attribute) after `if not parts.netloc: return ...` in an enclosing
    block, `parts` being assigned only `urlparse(...)` / `urlsplit(...)`, and only before it."""
    if not (isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name)):
        return False
    name, attr = value.value.id, value.attr
    function = _function_of(value, parents)
    if function is None or not _parsed_only(function, name):
        return False
    node: ast.AST = value
    while node in parents and node is not function:
        parent = parents[node]
        blocks = [getattr(parent, f, None) for f in ("body", "orelse")]
        block = next((b for b in blocks if isinstance(b, list) and node in b), [])
        for statement in block[: block.index(node) if block else 0]:
            if exits_if_empty(statement, lambda x: _is_attribute(x, name, attr)):
                return not any(
                    isinstance(n, ast.Name)
                    and n.id == name
                    and not isinstance(n.ctx, ast.Load)
                    and n.lineno >= statement.lineno
                    for n in ast.walk(function)
                )
        node = parent
    return False


def _parsed_only(function: ast.AST, name: str) -> bool:
    """Whether every binding of `name` in the function is `name = urlparse(...)` (or urlsplit)."""
    if any(isinstance(a, ast.arg) and a.arg == name for a in ast.walk(function.args)):  # type: ignore[attr-defined]
        return False
    stores = [
        n
        for n in ast.walk(function)
        if isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load)
    ]
    for store in stores:
        statement = next(
            (
                s
                for s in ast.walk(function)
                if isinstance(s, ast.Assign) and len(s.targets) == 1 and s.targets[0] is store
            ),
            None,
        )
        call = statement.value if statement is not None else None
        if not (isinstance(call, ast.Call) and _call_name(call.func) in PARSERS):
            return False
    return bool(stores)


def exits_if_empty(statement: ast.stmt, empty: Callable[[ast.expr], bool]) -> bool:
    """`if not <x>: return ...` / `if not <x> or ...: raise ...` without an else, where
    `empty(x)` says x is the value looked for."""
    if not isinstance(statement, ast.If) or statement.orelse or not statement.body:
        return False
    if not isinstance(statement.body[-1], ast.Return | ast.Raise):
        return False
    test = statement.test
    tests = test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or) else [test]
    return any(
        isinstance(t, ast.UnaryOp) and isinstance(t.op, ast.Not) and empty(t.operand) for t in tests
    )


def _is_attribute(node: ast.expr, name: str, attr: str) -> bool:
    """Whether node is `name.attr`."""
    return (
        isinstance(node, ast.Attribute)
        and node.attr == attr
        and isinstance(node.value, ast.Name)
        and node.value.id == name
    )


def _function_of(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> ast.AST | None:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return node
    return None


def _call_name(func: ast.AST) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""
