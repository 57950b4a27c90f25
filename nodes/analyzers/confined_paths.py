"""Paths whose one-segment request values cannot climb out of the directory the path starts in.

A URL segment (Starlette `{name}`, Werkzeug `<name>`) holds no "/": at worst it is "..", which
climbs one level. Written after fixed names, it only climbs back over them:
`Path(WORKDIR, "stub", ext_id, "static", "index.js")` stays inside WORKDIR whatever ext_id is (at
worst WORKDIR/static/index.js). This reading splits the path into its components, takes the
first one as the directory (the first argument of the join, the literal text before an
f-string's first field) and walks the rest: a fixed name goes one level down, a segment (or text
made only of request values) one level up, a validated value (int, UUID, safe Enum) at least
none. The path is confined when the walk never rises above the directory and ends below it, on
a component that cannot be "..". `BASE / segment / "x"` is not: ".." there reaches BASE's
parent's x. The directory must hold no request value; a component this reading cannot read
(a call, a module-level name after the directory) keeps the finding.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass

from devsecbots.nodes.analyzers.local_assignments import called_name
from devsecbots.nodes.analyzers.name_bindings import Scopes

JOINS = frozenset({"Path", "PurePath", "PosixPath", "PurePosixPath"})
SAME_PATH = frozenset({"absolute", "resolve", "as_posix", "expanduser"})  # on a Path: same place
SAME_PATH_FUNCS = frozenset({"str", "abspath", "normpath", "realpath", "fspath"})
HEX = frozenset({"hexdigest"})  # non-empty, letters and digits only
_DEPTH = 8

# What a piece of text can be: a fixed name (non-empty, no "/", not "." or ".."), text without
# "/" that may be "." or ".." (a URL segment), or anything (None).
NAME, SLASH_FREE = "name", "slash-free"


@dataclass(frozen=True)
class Request:
    """The view's parameters by what they may hold, and a test for other request names."""

    segments: frozenset[str]  # one URL segment each
    free: frozenset[str]  # validated to a path-free value (int, UUID, safe Enum, ...)
    reaches: Callable[[ast.AST], set[str] | None]  # view parameters reaching an expression


def confined_reason(path: ast.AST, view: ast.AST, scopes: Scopes, request: Request) -> str:
    """Why `path` stays below its first component and names a fixed entry there ('' if it may
    not)."""
    parts = components(path, view, scopes, 0)
    if not parts or len(parts) < 2:
        return ""
    base, rest = parts[0], parts[1:]
    if request.reaches(base) != set():
        return ""
    depth, lowest, segments, last = 0, 0, False, 0
    for part in rest:
        step = _step(part, view, scopes, request)
        if step is None:
            return ""
        segments = segments or step < 0
        depth += step
        lowest = min(lowest, depth)
        last = step
    if not segments or lowest < 0 or depth < 1 or last < 0:
        return ""
    return (
        "every URL segment in the path follows a fixed name it can at most climb back over "
        f"('..' holds no '/'), so the path stays inside {ast.unparse(base)}"
    )


def components(value: ast.AST, view: ast.AST, scopes: Scopes, depth: int) -> list[ast.AST] | None:
    """The path's components in order (the first is the directory it starts in); None when
    it is not a join this reading follows."""
    if depth > _DEPTH:
        return None
    value = resolved(value, view, scopes)
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Div):
        left = components(value.left, view, scopes, depth + 1) or [value.left]
        return [*left, value.right]
    if isinstance(value, ast.JoinedStr):
        return _fstring_components(value)
    if not isinstance(value, ast.Call) or value.keywords:
        return None
    name = called_name(value.func)
    receiver = value.func.value if isinstance(value.func, ast.Attribute) else None
    if name in SAME_PATH and receiver is not None and not value.args:
        return components(receiver, view, scopes, depth + 1)
    if name in SAME_PATH_FUNCS and len(value.args) == 1 and _path_function(value.func):
        return components(value.args[0], view, scopes, depth + 1)
    if name == "joinpath" and receiver is not None:
        head = components(receiver, view, scopes, depth + 1) or [receiver]
        return [*head, *value.args]
    if (name in JOINS or (name == "join" and _path_function(value.func))) and value.args:
        head = components(value.args[0], view, scopes, depth + 1) or [value.args[0]]
        return [*head, *value.args[1:]]
    return None


def _path_function(func: ast.AST) -> bool:
    """`f` or `os.path.f` / `posixpath.f` / `os.f`: not a method of some text (`"-".join`)."""
    if isinstance(func, ast.Name):
        return True
    return isinstance(func, ast.Attribute) and ast.unparse(func.value) in {
        "os.path",
        "posixpath",
        "os",
    }


def _fstring_components(value: ast.JoinedStr) -> list[ast.AST] | None:
    """`f"/srv/{a}/{b}.txt"` -> ["/srv", a, f"{b}.txt"]; None without a "/"."""
    parts: list[list[ast.expr]] = [[]]
    for piece in value.values:
        if isinstance(piece, ast.Constant):
            texts = str(piece.value).split("/")
            for index, text in enumerate(texts):
                if index:
                    parts.append([])
                if text:
                    parts[-1].append(ast.Constant(text))
        else:
            parts[-1].append(piece)
    if len(parts) < 2:
        return None
    first_field = next(i for i, p in enumerate(parts) if _has_field(p) or i == len(parts) - 1)
    if first_field == 0:
        head: list[ast.AST] = [_joined(parts[0])]
        rest = parts[1:]
    else:  # the literal text before the first field is the directory
        literal = "/".join(_text(p) for p in parts[:first_field]) or "/"
        head, rest = [ast.Constant(literal)], parts[first_field:]
    return [*head, *(_joined(p) for p in rest)]


def _text(pieces: list[ast.expr]) -> str:
    return "".join(str(p.value) for p in pieces if isinstance(p, ast.Constant))


def _has_field(pieces: list[ast.expr]) -> bool:
    return any(isinstance(p, ast.FormattedValue) for p in pieces)


def _joined(pieces: list[ast.expr]) -> ast.AST:
    """One component's pieces as an expression: the field's value alone, or an f-string."""
    if len(pieces) == 1 and isinstance(pieces[0], ast.FormattedValue):
        return _field(pieces[0])
    if all(isinstance(p, ast.Constant) for p in pieces):
        return ast.Constant(_text(pieces))
    return ast.JoinedStr(values=pieces)


def resolved(value: ast.AST, view: ast.AST, scopes: Scopes) -> ast.AST:
    """The expression a name stands for when one assignment in the view binds it."""
    for _ in range(_DEPTH):
        if not isinstance(value, ast.Name):
            return value
        bindings = scopes.bindings(value.id, value)
        if len(bindings) != 1 or bindings[0].scope is not view or bindings[0].kind != "value":
            return value
        value = bindings[0].node
    return value


def _step(part: ast.AST, view: ast.AST, scopes: Scopes, request: Request) -> int | None:
    """Levels the component goes down at least (-1: it may be ".."), None when unknown."""
    if isinstance(part, ast.Constant) and isinstance(part.value, str):
        texts = part.value.split("/")
        if part.value.startswith("/") or ".." in texts:
            return None  # an absolute component restarts the path; ".." climbs a fixed text
        return sum(t not in {"", "."} for t in texts)
    kind = _kind(part, view, scopes, request, 0)
    if kind == NAME:
        return 1
    if kind == SLASH_FREE:
        return 0 if _free_value(part, scopes, request) else -1
    return None


def _free_value(part: ast.AST, scopes: Scopes, request: Request) -> bool:
    """A validated parameter (or its `.value`), never rebound: no "/" and never ".."."""
    if isinstance(part, ast.Call) and called_name(part.func) == "str" and len(part.args) == 1:
        part = part.args[0]
    if isinstance(part, ast.Attribute) and part.attr == "value":
        part = part.value
    if not (isinstance(part, ast.Name) and part.id in request.free):
        return False
    return [b.kind for b in scopes.bindings(part.id, part)] == ["parameter"]


def _kind(part: ast.AST, view: ast.AST, scopes: Scopes, request: Request, depth: int) -> str | None:
    """NAME, SLASH_FREE or None (may hold "/" or anything) for one component's text."""
    if depth > _DEPTH:
        return None
    if isinstance(part, ast.Constant) and isinstance(part.value, str):
        if "/" in part.value or "\\" in part.value:
            return None
        return SLASH_FREE if part.value in {"", ".", ".."} else NAME
    if _free_value(part, scopes, request):
        return SLASH_FREE
    if isinstance(part, ast.Call) and called_name(part.func) in HEX and not part.args:
        return NAME
    if isinstance(part, ast.Call) and called_name(part.func) == "str" and len(part.args) == 1:
        return _kind(part.args[0], view, scopes, request, depth + 1)
    if isinstance(part, ast.IfExp):
        kinds = {_kind(side, view, scopes, request, depth + 1) for side in (part.body, part.orelse)}
        return None if None in kinds else (NAME if kinds == {NAME} else SLASH_FREE)
    if isinstance(part, ast.Name):
        return _name_kind(part, view, scopes, request, depth)
    pieces = _concatenated(part)
    if pieces is None:
        return None
    piece_kinds = [_kind(piece, view, scopes, request, depth + 1) for piece in pieces]
    if None in piece_kinds:
        return None
    # "." + segment may be "..": only a fixed name piece with more than dots makes a name
    named = any(_named_piece(p, k) for p, k in zip(pieces, piece_kinds, strict=True))
    return NAME if named else SLASH_FREE


def _named_piece(piece: ast.AST, kind: str | None) -> bool:
    if isinstance(piece, ast.Constant):
        return kind == NAME and bool(str(piece.value).strip("."))
    return kind == NAME


def _name_kind(
    name: ast.Name, view: ast.AST, scopes: Scopes, request: Request, depth: int
) -> str | None:
    """The weakest kind over every binding of a name the view makes."""
    bindings = scopes.bindings(name.id, name)
    if not bindings or bindings[0].scope is not view:
        return None  # module level or outside the view: text this reading does not know
    kinds = set()
    for binding in bindings:
        if binding.kind == "parameter":
            known = name.id in request.segments or name.id in request.free
            kinds.add(SLASH_FREE if known else None)
        elif binding.kind == "value":
            kinds.add(_kind(binding.node, view, scopes, request, depth + 1))
        else:
            return None
    if None in kinds:
        return None
    return NAME if kinds == {NAME} else SLASH_FREE


def _concatenated(part: ast.AST) -> list[ast.AST] | None:
    """The pieces of `a + b` or `f"{a}.vue"` (None for other expressions)."""
    if isinstance(part, ast.BinOp) and isinstance(part.op, ast.Add):
        left = _concatenated(part.left) or [part.left]
        return [*left, part.right]
    if isinstance(part, ast.JoinedStr):
        return [_field(p) if isinstance(p, ast.FormattedValue) else p for p in part.values]
    return None


def _field(field: ast.FormattedValue) -> ast.AST:
    """The value an f-string field shows; the field itself (unread) when a format spec may cut
    it (`{name:.2}` of "..x" is "..")."""
    return field.value if field.format_spec is None else field
