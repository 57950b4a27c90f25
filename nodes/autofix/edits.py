"""Planned changes to a parsed module, applied in one pass: replace nodes, insert statements."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar, cast

import libcst as cst

Replacer = Callable[[cst.CSTNode], cst.CSTNode]
N = TypeVar("N", bound=cst.CSTNode)


@dataclass
class Edits:
    """Node replacements and statement insertions keyed by the ORIGINAL nodes' identity."""

    replace: dict[int, Replacer] = field(default_factory=dict)
    before: dict[int, list[cst.BaseStatement]] = field(default_factory=dict)
    after: dict[int, list[cst.BaseStatement]] = field(default_factory=dict)
    done: set[str] = field(default_factory=set)  # keys of one-off edits already planned

    def swap(self, original: N, replacer: Callable[[N], cst.CSTNode]) -> None:
        """Replace `original` by replacer(updated original); several replacers chain."""
        # libcst hands the replacer the updated original, a node of the original's type (a
        # replacer chained after another gets what that one returned, as planned together).
        planned = cast(Replacer, replacer)
        previous = self.replace.get(id(original))
        if previous is None:
            self.replace[id(original)] = planned
        else:
            self.replace[id(original)] = lambda node: planned(previous(node))

    def insert_before(
        self, anchor: cst.BaseStatement, statements: Sequence[cst.BaseStatement]
    ) -> None:
        """Insert statements just before `anchor`, in its block."""
        self.before.setdefault(id(anchor), []).extend(statements)

    def insert_after(
        self, anchor: cst.BaseStatement, statements: Sequence[cst.BaseStatement]
    ) -> None:
        """Insert statements just after `anchor`, in its block."""
        self.after.setdefault(id(anchor), []).extend(statements)

    def once(self, key: str) -> bool:
        """True the first time a key is seen: guards edits that must happen once per file."""
        if key in self.done:
            return False
        self.done.add(key)
        return True

    @property
    def empty(self) -> bool:
        """Whether nothing is planned."""
        return not (self.replace or self.before or self.after)

    def apply(self, module: cst.Module) -> cst.Module:
        """Apply every planned edit to the module the nodes came from."""
        return module.visit(_Apply(self))


class _Apply(cst.CSTTransformer):
    def __init__(self, edits: Edits) -> None:
        super().__init__()
        self.edits = edits

    def on_leave(self, original_node, updated_node):
        if isinstance(original_node, (cst.Module, cst.IndentedBlock)):
            updated_node = self._insert(original_node, updated_node)
        replacer = self.edits.replace.get(id(original_node))
        return replacer(updated_node) if replacer else updated_node

    def _insert(self, original, updated):
        if not any(id(s) in self.edits.before or id(s) in self.edits.after for s in original.body):
            return updated
        body: list[cst.BaseStatement] = []
        for old, new in zip(original.body, updated.body, strict=True):
            body.extend(self.edits.before.get(id(old), []))
            body.append(new)
            body.extend(self.edits.after.get(id(old), []))
        return updated.with_changes(body=body)


# --------------------------------------------------------------------------- call arguments


def set_keyword(call: cst.Call, name: str, value: cst.BaseExpression) -> cst.Call:
    """Set keyword `name` to `value`, appending it when absent (keeps the call's layout)."""
    args = list(call.args)
    for i, arg in enumerate(args):
        if arg.keyword is not None and arg.keyword.value == name:
            args[i] = arg.with_changes(value=value)
            return call.with_changes(args=args)
    new_arg = cst.Arg(
        keyword=cst.Name(name),
        value=value,
        equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
    )
    if not args:
        return call.with_changes(args=[new_arg])
    last = args[-1]
    if isinstance(last.comma, cst.Comma):  # trailing comma: the call is laid out one arg per line
        args.append(new_arg.with_changes(comma=last.comma))
        args[-2] = last.with_changes(
            comma=_comma_like(last.comma, args[-3] if len(args) > 2 else None)
        )
    else:  # the new argument goes on the last one's line; the space before ")" moves after it
        args[-1] = last.with_changes(
            comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")),
            whitespace_after_arg=cst.SimpleWhitespace(""),
        )
        args.append(new_arg.with_changes(whitespace_after_arg=last.whitespace_after_arg))
    return call.with_changes(args=args)


def _comma_like(trailing: cst.Comma, previous: cst.Arg | None) -> cst.Comma:
    # Between-argument commas in a multi-line call look like the one before the last argument.
    if previous is not None and isinstance(previous.comma, cst.Comma):
        return previous.comma
    return trailing


def remove_keyword(call: cst.Call, name: str) -> cst.Call:
    """Drop keyword `name` from the call, fixing up the commas."""
    args = list(call.args)
    index = next(
        (i for i, a in enumerate(args) if a.keyword is not None and a.keyword.value == name), None
    )
    if index is None:
        return call
    removed = args.pop(index)
    if index == len(args) and args:  # removed the last one: the new last takes its comma
        args[-1] = args[-1].with_changes(comma=removed.comma)
    return call.with_changes(args=args)


def replace_arg(call: cst.Call, index: int, value: cst.BaseExpression) -> cst.Call:
    """Replace the value of the positional argument at `index`."""
    args = list(call.args)
    args[index] = args[index].with_changes(value=value)
    return call.with_changes(args=args)


def append_positional(call: cst.Call, position: int, value: cst.BaseExpression) -> cst.Call:
    """Insert a positional argument after the first `position` arguments."""
    args = list(call.args)
    new_arg = cst.Arg(value=value)
    before = args[position - 1]
    if position == len(args):
        new_arg = new_arg.with_changes(whitespace_after_arg=before.whitespace_after_arg)
        if isinstance(before.comma, cst.Comma):
            new_arg = new_arg.with_changes(comma=before.comma)
        args[position - 1] = before.with_changes(
            comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")),
            whitespace_after_arg=cst.SimpleWhitespace(""),
        )
    else:
        new_arg = new_arg.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    args.insert(position, new_arg)
    return call.with_changes(args=args)


def expr(text: str) -> cst.BaseExpression:
    """Parse one expression."""
    return cst.parse_expression(text)


def stmt(text: str) -> cst.BaseStatement:
    """Parse one statement (simple or compound)."""
    return cst.parse_statement(text)
