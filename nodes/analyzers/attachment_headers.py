"""Header sets that send a response as an attachment, built in one function and used in another.

`headers = Headers(); headers["Content-Disposition"] = "attachment; filename=..."` handed down
to `Response(body, headers=headers)` makes the browser download the body, not render it. A
helper whose every return is a safe body provided one of its parameters is such a header set
is summarised per parameter (response_bodies.py); a call passes one when its argument is

- a local name bound only to a fresh empty container (`Headers()`, `dict()`, `{}`) whose
  Content-Disposition the function sets in the same block after each binding, every such
  assignment an attachment;
- a parameter assumed to be one (in the helper being summarised), never rebound there, every
  assignment of its Content-Disposition keeping the attachment (`"attachment; ..."`, or a
  `.replace(a, b)` of the header's own value where `a` cannot start inside "attachment");
- a dict display whose Content-Disposition is an attachment.

A response made in the function is sent as an attachment when, after it is made and in the same
block, every header of such a set is copied onto it (`for h in headers: resp.headers[h[0]] =
h[1]`, `for k, v in headers.items(): resp.headers[k] = v`, `resp.headers.update(headers)` /
`.extend(headers)`): the copy sets its Content-Disposition last (copied_attachment).
"""

from __future__ import annotations

import ast

from devsecbots.nodes.analyzers.local_assignments import called_name
from devsecbots.nodes.analyzers.name_bindings import own_nodes
from devsecbots.nodes.analyzers.param_guards import RECEIVERS
from devsecbots.nodes.analyzers.response_headers import (
    DISPOSITION,
    attachment,
    function_of,
    header_value,
    rest_of_block,
)
from devsecbots.nodes.analyzers.summary_defs import Definition, Parents

FRESH = frozenset({"Headers", "dict", "Headers.__init__"})
PREFIX = "attachment"


def handed_on(definition: Definition, used: set[str] | None = None) -> dict[str, int]:
    """Parameter -> position (after self / cls) of those never rebound and passed to a call or
    iterated (or, given `used`, among those names)."""
    arguments = definition.function.args
    positional = arguments.posonlyargs + arguments.args
    skip = 1 if positional and positional[0].arg in RECEIVERS else 0
    stored = {n.id for n in definition.own_nodes if isinstance(n, ast.Name) and not _loaded(n)}
    passed = (
        used
        if used is not None
        else {
            a.id
            for n in definition.own_nodes
            if isinstance(n, ast.Call)
            for a in [*n.args, *(k.value for k in n.keywords)]
            if isinstance(a, ast.Name)
        }
        | {
            n.iter.id
            for n in definition.own_nodes
            if isinstance(n, ast.For | ast.comprehension)
            if isinstance(n.iter, ast.Name)
        }
    )
    return {
        a.arg: index - skip
        for index, a in enumerate(positional)
        if index >= skip and a.arg in passed and a.arg not in stored
    }


def argument(call: ast.Call, param: str, position: int) -> ast.expr | None:
    """What the call passes for the parameter (None when it passes nothing certain)."""
    named = [k.value for k in call.keywords if k.arg == param]
    if named:
        return named[0]
    if any(isinstance(a, ast.Starred) for a in call.args[: position + 1]):
        return None
    return call.args[position] if position < len(call.args) else None


def attachment_headers(value: ast.AST | None, attached: frozenset[str], parents: Parents) -> bool:
    """Whether the expression is a header set sending the response as an attachment."""
    if isinstance(value, ast.Dict):
        found = header_value(value, DISPOSITION)
        return found is not None and attachment(found)
    if not isinstance(value, ast.Name):
        return False
    function = function_of(value, parents)
    if function is None:
        return False
    nodes = own_nodes(function)
    sets = [n for n in nodes if isinstance(n, ast.Assign) and _sets_disposition(n, value.id)]
    if not all(attachment(s.value) or _keeps_prefix(s.value, value.id) for s in sets):
        return False
    bindings = [
        parents.get(n)
        for n in nodes
        if isinstance(n, ast.Name) and n.id == value.id
        if not _loaded(n)
    ]
    if value.id in attached:
        return not bindings
    if not all(isinstance(b, ast.Assign) and _fresh(b.value) for b in bindings):
        return False
    after = [rest_of_block(b, parents) for b in bindings]  # type: ignore[arg-type]
    before = [s for s in sets if s.lineno < value.lineno]
    return bool(bindings) and all(any(s in rest for s in before) for rest in after)


def copied_attachment(
    name: ast.Name, made: ast.stmt, attached: frozenset[str], parents: Parents
) -> bool:
    """Whether, after the statement `made` binding the response and before this use of `name`,
    its block copies an attachment header set onto it (see above)."""
    for statement in rest_of_block(made, parents):
        if statement.lineno >= name.lineno:
            break
        source = _copied_from(statement, name.id)
        if source is not None and attachment_headers(source, attached, parents):
            return True
    return False


def _copied_from(statement: ast.stmt, name: str) -> ast.expr | None:
    """The header set a statement copies onto `name.headers` whole (None if it copies none)."""
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        call = statement.value
        func = call.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr in ("update", "extend")
            and _headers_of(func.value, name)
            and len(call.args) == 1
        ):
            return call.args[0]
        return None
    if not (isinstance(statement, ast.For) and len(statement.body) == 1):
        return None
    body = statement.body[0]
    if not (isinstance(body, ast.Assign) and len(body.targets) == 1):
        return None
    target = body.targets[0]
    if not (isinstance(target, ast.Subscript) and _headers_of(target.value, name)):
        return None
    loop, source = statement.target, statement.iter
    if isinstance(loop, ast.Name):  # for h in headers: resp.headers[h[0]] = h[1]
        pair = (constant_item(target.slice, loop.id, 0), constant_item(body.value, loop.id, 1))
        return source if all(pair) else None
    if (
        isinstance(loop, ast.Tuple)
        and len(loop.elts) == 2
        and isinstance(source, ast.Call)
        and isinstance(source.func, ast.Attribute)
        and source.func.attr == "items"
        and not source.args
    ):  # for k, v in headers.items(): resp.headers[k] = v
        key, value = loop.elts
        same = _is_name(target.slice, key) and _is_name(body.value, value)
        return source.func.value if same else None
    return None


def _headers_of(node: ast.AST, name: str) -> bool:
    """`name.headers`."""
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "headers"
        and isinstance(node.value, ast.Name)
        and node.value.id == name
    )


def constant_item(node: ast.AST, name: str, index: object) -> bool:
    """`name[index]` with a constant index (`pair[0]`, `params["url"]`)."""
    return (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Name)
        and node.value.id == name
        and isinstance(node.slice, ast.Constant)
        and node.slice.value == index
    )


def _is_name(node: ast.AST, other: ast.AST) -> bool:
    return isinstance(node, ast.Name) and isinstance(other, ast.Name) and node.id == other.id


def _sets_disposition(statement: ast.Assign, name: str) -> bool:
    """`name["Content-Disposition"] = ...` among the targets."""
    return any(_disposition_of(t, name) for t in statement.targets)


def _disposition_of(node: ast.AST, name: str) -> bool:
    """`name["Content-Disposition"]`."""
    return (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Name)
        and node.value.id == name
        and isinstance(node.slice, ast.Constant)
        and isinstance(node.slice.value, str)
        and bool(DISPOSITION.match(node.slice.value))
    )


def _keeps_prefix(value: ast.AST, name: str) -> bool:
    """`name["Content-Disposition"].replace(a, b)` with a constant `a` that cannot start inside
    the leading "attachment" (its first character is not one of that word's letters)."""
    if not (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "replace"
        and value.args
    ):
        return False
    old = value.args[0]
    return (
        _disposition_of(value.func.value, name)
        and isinstance(old, ast.Constant)
        and isinstance(old.value, str)
        and bool(old.value)
        and old.value[0].lower() not in PREFIX
    )


def _fresh(value: ast.AST) -> bool:
    """An empty header container: `Headers()`, `dict()`, `{}`."""
    if isinstance(value, ast.Dict):
        return not value.keys
    return (
        isinstance(value, ast.Call)
        and called_name(value.func) in FRESH
        and not value.args
        and not value.keywords
    )


def _loaded(name: ast.Name) -> bool:
    return isinstance(name.ctx, ast.Load)
