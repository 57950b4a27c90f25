"""Response headers that stop a browser rendering the body as a page: a passive type, an attachment.

A Flask response is text/html unless told otherwise. A browser does not run scripts in a body
served with a fixed media type it shows as data (`image/png`, `application/json`, `text/csv`,
a vendor type such as `application/vnd.openxmlformats-...`), nor in one sent with
`Content-Disposition: attachment`, which it downloads instead of rendering. Still rendered as a
document: html, xhtml, any xml (`text/xml`, `application/xml`, `...+xml`), xsl, svg and
multipart types, and any type the code does not fix (`resp.mimetype = requested`).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from devsecbots.nodes.analyzers.summary_defs import Parents

TYPE_ATTRIBUTES = frozenset({"mimetype", "content_type"})
# Media types a browser may render as a document that runs scripts.
ACTIVE_TYPE = re.compile(r"(?i)html|/xml|\+xml|xsl|svg|^multipart/")
CONTENT_TYPE = re.compile(r"(?i)^content-type$")
DISPOSITION = re.compile(r"(?i)^content-disposition$")
ATTACHMENT = re.compile(r"(?i)^\s*attachment\b")


def passive_type(value: ast.AST) -> bool:
    """A fixed media type that a browser does not render as a document running scripts."""
    if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
        return False
    media = value.value.split(";")[0].strip()
    return "/" in media and not ACTIVE_TYPE.search(media)


def attachment(value: ast.AST) -> bool:
    """A Content-Disposition value whose literal start is `attachment` (`"attachment; "
    "filename=..."`, an f-string, `.format(...)`, `%` or `+` on such a literal)."""
    if isinstance(value, ast.Constant):
        return isinstance(value.value, str) and bool(ATTACHMENT.match(value.value))
    if isinstance(value, ast.JoinedStr):
        return bool(value.values) and attachment(value.values[0])
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Mod | ast.Add):
        return attachment(value.left)
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
        return value.func.attr == "format" and attachment(value.func.value)
    return False


def served_inert(
    name: ast.Name,
    parents: Parents,
    binding: ast.stmt | None = None,
    passive: Callable[[ast.AST], bool] | None = None,
) -> bool:
    """Whether, between the last binding of the response `name` and this use of it, its function
    sets its Content-Type to a passive type (`passive`, by default passive_type) or its
    Content-Disposition to an attachment, and never sets that header otherwise. Given the
    binding statement, the setting must follow it in its own block (not in a branch that may
    not run)."""
    function = function_of(name, parents)
    if function is None:
        return False
    bound = [
        n.lineno
        for n in ast.walk(function)
        if isinstance(n, ast.Name) and n.id == name.id and isinstance(n.ctx, ast.Store)
    ]
    since = max(bound, default=0)
    block = rest_of_block(binding, parents) if binding is not None else None
    return _header_between(function, name.id, (since, name.lineno), block, passive or passive_type)


def rest_of_block(statement: ast.stmt, parents: Parents) -> list[ast.stmt]:
    """The statements after `statement` in the block that holds it."""
    parent = parents.get(statement)
    for field in ("body", "orelse", "finalbody"):
        block = getattr(parent, field, None)
        if isinstance(block, list):
            for index, item in enumerate(block):
                if item is statement:
                    return block[index + 1 :]
    return []


def returned_inert(call: ast.Call, parents: Parents) -> bool:
    """Whether `call` (a response) is assigned to a name that its function returns, and every
    such return finds the response typed passive or sent as an attachment (served_inert)."""
    statement = parents.get(call)
    if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1):
        return False
    target = statement.targets[0]
    function = function_of(call, parents)
    if not isinstance(target, ast.Name) or function is None:
        return False
    uses = [
        n
        for n in ast.walk(function)
        if isinstance(n, ast.Return)
        and isinstance(n.value, ast.Name)
        and n.value.id == target.id
        and n.lineno > call.lineno
    ]
    return bool(uses) and all(
        isinstance(u.value, ast.Name) and served_inert(u.value, parents, statement) for u in uses
    )


def _header_between(
    function: ast.AST,
    name: str,
    lines: tuple[int, int],
    block: list[ast.stmt] | None,
    passive: Callable[[ast.AST], bool],
) -> bool:
    """Whether the function gives response `name` a passive type or an attachment disposition
    on a line strictly between `lines` (and, given a block, by one of its statements), every
    assignment of that header agreeing."""
    typed: list[ast.Assign] = []
    attached: list[ast.Assign] = []
    type_ok = disposition_ok = True
    for node in ast.walk(function):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            header = _header_set(target, name)
            if header == "type":
                type_ok = type_ok and passive(node.value)
                typed.append(node)
            elif header == "disposition":
                disposition_ok = disposition_ok and attachment(node.value)
                attached.append(node)

    def inside(sets: list[ast.Assign]) -> bool:
        return any(
            lines[0] < s.lineno < lines[1] and (block is None or any(s is b for b in block))
            for s in sets
        )

    return (type_ok and inside(typed)) or (disposition_ok and inside(attached))


def header_value(headers: ast.AST, wanted: re.Pattern[str]) -> ast.AST | None:
    """The value a dict display gives the header `wanted` (None when it gives none)."""
    if not isinstance(headers, ast.Dict):
        return None
    for key, value in zip(headers.keys, headers.values, strict=True):
        if isinstance(key, ast.Constant) and isinstance(key.value, str) and wanted.match(key.value):
            return value
    return None


def typed_headers(headers: ast.AST) -> bool:
    """A dict display of constant keys (no `**`) giving Content-Type, every time, a passive
    type: `(body, 200, {"Content-Type": "text/plain; charset=utf-8"})`."""
    if not isinstance(headers, ast.Dict):
        return False
    if not all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in headers.keys):
        return False
    types = [
        v
        for k, v in zip(headers.keys, headers.values, strict=True)
        if isinstance(k, ast.Constant) and CONTENT_TYPE.match(str(k.value))
    ]
    return bool(types) and all(passive_type(v) for v in types)


def _header_set(target: ast.AST, name: str) -> str:
    """'type' for `name.mimetype` / `name.content_type` / `name.headers["Content-Type"]`,
    'disposition' for `name.headers["Content-Disposition"]`, and for `name["..."]` (a Headers
    object or dict); '' otherwise."""
    if isinstance(target, ast.Attribute):
        return "type" if _is(target.value, name) and target.attr in TYPE_ATTRIBUTES else ""
    if not isinstance(target, ast.Subscript):
        return ""
    holder = target.value
    if isinstance(holder, ast.Attribute) and holder.attr == "headers":
        holder = holder.value
    key = target.slice
    if not (_is(holder, name) and isinstance(key, ast.Constant) and isinstance(key.value, str)):
        return ""
    if CONTENT_TYPE.match(key.value):
        return "type"
    return "disposition" if DISPOSITION.match(key.value) else ""


def _is(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def function_of(node: ast.AST, parents: Parents) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The function definition enclosing `node` (None at module level)."""
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return node
    return None
