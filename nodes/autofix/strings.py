"""Strings built from pieces (f-strings, +, %, .format): read as text and values, written back."""

from __future__ import annotations

import ast
import re
import string

import libcst as cst
from devsecbots.nodes.autofix.tree import code, string_value

Part = str | cst.BaseExpression  # literal text, or an interpolated expression
_PERCENT = re.compile(r"%(?:%|(?P<flags>[-#0 +]*\d*(?:\.\d+)?)(?P<conv>[a-zA-Z]))")


def quote_of(node: cst.CSTNode) -> str:
    """The quote a string literal uses ('"', "'", '\"\"\"' or "'''"); '"' for anything else."""
    if isinstance(node, cst.SimpleString):
        return node.quote
    if isinstance(node, cst.FormattedString):
        return node.end
    if isinstance(node, cst.ConcatenatedString):
        return quote_of(node.left)
    if isinstance(node, cst.BinaryOperation):
        return quote_of(node.left)
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        return quote_of(node.func.value)
    return '"'


def parts_of(node: cst.BaseExpression) -> list[Part] | None:
    """Split a string-building expression into text and expressions; None when not recognised."""
    value = string_value(node)
    if value is not None:
        return [value]
    if isinstance(node, cst.FormattedString):
        return _fstring_parts(node)
    if isinstance(node, cst.ConcatenatedString):
        left, right = parts_of(node.left), parts_of(node.right)
        return None if left is None or right is None else _merge(left + right)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        return _concat_parts(node)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Modulo):
        return _percent_parts(node)
    if (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "format"
    ):
        return _format_parts(node)
    return None


def is_dynamic(parts: list[Part] | None) -> bool:
    """Whether a split string has at least one interpolated expression."""
    return bool(parts) and any(not isinstance(p, str) for p in parts)  # type: ignore[union-attr]


def _merge(parts: list[Part]) -> list[Part]:
    merged: list[Part] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] = merged[-1] + part
        elif not (isinstance(part, str) and part == ""):
            merged.append(part)
    return merged


def _fstring_parts(node: cst.FormattedString) -> list[Part] | None:
    prefix = node.prefix.lower().replace("f", "")
    if "b" in prefix:
        return None
    parts: list[Part] = []
    for piece in node.parts:
        if isinstance(piece, cst.FormattedStringText):
            raw = piece.value.replace("{{", "{").replace("}}", "}")
            try:
                parts.append(ast.literal_eval(f"{prefix}{node.end}{raw}{node.end}"))
            except (ValueError, SyntaxError):
                return None
        elif isinstance(piece, cst.FormattedStringExpression):
            if piece.conversion or piece.format_spec or piece.equal:
                return None  # {x!r} / {x:>10} / {x=} do more than insert str(x)
            parts.append(piece.expression)
    return _merge(parts)


def _concat_parts(node: cst.BinaryOperation) -> list[Part] | None:
    operands: list[cst.BaseExpression] = []

    def flatten(n: cst.BaseExpression) -> None:
        if isinstance(n, cst.BinaryOperation) and isinstance(n.operator, cst.Add) and not n.lpar:
            flatten(n.left)
            flatten(n.right)
        else:
            operands.append(n)

    flatten(node)
    parts: list[Part] = []
    saw_text = False
    for operand in operands:
        sub = parts_of(operand)
        if sub is None:
            parts.append(unwrap_str(operand))
        else:
            saw_text = True
            parts.extend(sub)
    return _merge(parts) if saw_text else None  # `a + b` alone may be numbers


def _percent_parts(node: cst.BinaryOperation) -> list[Part] | None:
    template = string_value(node.left)
    if template is None:
        return None
    right = node.right
    values = [e.value for e in right.elements] if isinstance(right, cst.Tuple) else [right]
    parts: list[Part] = []
    position, used = 0, 0
    for match in _PERCENT.finditer(template):
        parts.append(template[position : match.start()])
        position = match.end()
        if match.group(0) == "%%":
            parts.append("%")
            continue
        if match.group("conv") not in "sdi" or match.group("flags") or used >= len(values):
            return None  # %r / %05d / too few values: more than plain insertion
        parts.append(unwrap_str(values[used]))
        used += 1
    if used != len(values) or (not isinstance(right, cst.Tuple) and used != 1):
        return None
    parts.append(template[position:])
    return _merge(parts)


def _format_parts(node: cst.Call) -> list[Part] | None:
    template = string_value(node.func.value)  # type: ignore[attr-defined]
    if template is None or any(a.star for a in node.args):
        return None
    positional = [a.value for a in node.args if a.keyword is None]
    named = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
    parts: list[Part] = []
    auto = 0
    try:
        fields = list(string.Formatter().parse(template))
    except ValueError:
        return None
    for literal, field, spec, conversion in fields:
        parts.append(literal)
        if field is None:
            continue
        if spec or conversion:
            return None
        if field == "":
            if auto >= len(positional):
                return None
            parts.append(unwrap_str(positional[auto]))
            auto += 1
        elif field.isdigit() and int(field) < len(positional):
            parts.append(unwrap_str(positional[int(field)]))
        elif field.isidentifier() and field in named:
            parts.append(unwrap_str(named[field]))
        else:
            return None  # {0.attr}, {x[1]}, missing arguments
    return _merge(parts)


def unwrap_str(node: cst.BaseExpression) -> cst.BaseExpression:
    """`str(x)` -> `x` (the conversion was only there to build the string)."""
    if (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Name)
        and node.func.value == "str"
        and len(node.args) == 1
        and not node.args[0].keyword
        and not node.args[0].star
    ):
        return node.args[0].value
    return node


# --------------------------------------------------------------------------- writing literals


def _body(value: str, quote: str) -> str:
    out = value.replace("\\", "\\\\").replace(quote[0], "\\" + quote[0])
    if len(quote) == 1:
        out = out.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return "".join(c if c.isprintable() or c == "\n" else f"\\x{ord(c):02x}" for c in out)


def literal(value: str, quote: str = '"') -> str:
    """Python source for a plain string literal holding `value`, in the given quote style."""
    if len(quote) == 3 and "\n" not in value:
        quote = quote[0]
    return quote + _body(value, quote) + quote


def fstring(parts: list[Part], quote: str = '"') -> str | None:
    """Python source for an f-string of the parts; None if an expression cannot sit inside one."""
    if len(quote) == 3 and not any(isinstance(p, str) and "\n" in p for p in parts):
        quote = quote[0]
    body = []
    for part in parts:
        if isinstance(part, str):
            body.append(_body(part, quote).replace("{", "{{").replace("}", "}}"))
        else:
            inner = code(part)
            if quote[0] in inner or "\\" in inner or "\n" in inner or inner.startswith("{"):
                return None
            body.append("{" + inner + "}")
    return "f" + quote + "".join(body) + quote
