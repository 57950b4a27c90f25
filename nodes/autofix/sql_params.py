"""Turn a query string built from pieces into a placeholder query plus its parameters."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import libcst as cst
from devsecbots.nodes.autofix.strings import Part, fstring, unwrap_str
from devsecbots.nodes.autofix.tree import code, string_value

PLACEHOLDER = {"qmark": "?", "format": "%s"}  # "named" -> :name (SQLAlchemy text())
_VALUE_BEFORE = re.compile(
    r"(?:=|<|>|(?<![-+])[-+]|\blike|\bilike|\blimit|\boffset|\bthen|\belse|\bwhen|\bbetween\s+\S+\s+and)\s*$"
    r"|\b(?:values|in)\s*\([^()]*$",
    re.IGNORECASE,
)
_VALUE_AFTER = re.compile(r"^(?:$|[\s),;])")
_STRAY_BIND = re.compile(r"(?<![:\w\\]):\w")


class NotParameterisable(ValueError):
    """Some interpolated piece is not a value (a table or column name, an SQL fragment...)."""


@dataclass
class Parameterised:
    """The query text with placeholders, and the parameter expressions in order."""

    query: str
    params: list[tuple[str, str]] = field(default_factory=list)  # (bind name, expression source)

    def params_source(self, style: str) -> str:
        """Python source of the parameters argument for the driver's style."""
        if style == "named":
            return "{" + ", ".join(f'"{n}": {e}' for n, e in self.params) + "}"
        items = [e for _, e in self.params]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


def parameterise(parts: list[Part], style: str) -> Parameterised:
    """Placeholders for every interpolated value; NotParameterisable when one is not a value."""
    out: list[str] = []
    result = Parameterised(query="")
    quote: str | None = None
    buffer: list[Part] = []
    check_after = False
    for part in parts:
        if not isinstance(part, str) and _joined_list(part):
            raise NotParameterisable(
                f"{code(part)!r} splices a list into the SQL text: one parameter would bind it "
                "as a single string; bind one placeholder per element"
            )
        if not isinstance(part, str):
            if quote:
                buffer.append(part)
                continue
            if not _VALUE_BEFORE.search("".join(out)):
                raise NotParameterisable(
                    f"{code(part)!r} is not in a value position (identifier or SQL fragment?)"
                )
            out.append(_bind(result, [part], style))
            check_after = True
            continue
        if check_after and not quote and not _VALUE_AFTER.match(part):
            raise NotParameterisable("an interpolated value is glued to SQL text")
        check_after = False
        text = part
        i = 0
        while i < len(text):
            char = text[i]
            if quote:
                if char == quote and text[i + 1 : i + 2] == quote:  # '' escapes a quote inside SQL
                    buffer.append(char)
                    i += 2
                    continue
                if char == quote:
                    out.append(_close(result, quote, buffer, style))
                    quote, buffer = None, []
                else:
                    buffer.append(char)
            elif char in "'\"":
                quote, buffer = char, []
            else:
                out.append("%%" if char == "%" and style == "format" else char)
            i += 1
    if quote:
        raise NotParameterisable("unbalanced quote in the SQL text")
    result.query = "".join(out)
    if not result.params:
        raise NotParameterisable("nothing is interpolated")
    if style == "named" and _STRAY_BIND.search(_without_binds(result)):
        raise NotParameterisable(
            "the SQL text contains ':name' sequences that text() would treat as binds"
        )
    return result


def _joined_list(value: cst.BaseExpression) -> bool:
    """Whether the value is `"<sep with a comma>".join(...)`: several SQL values, not one."""
    if not (
        isinstance(value, cst.Call)
        and isinstance(value.func, cst.Attribute)
        and value.func.attr.value == "join"
    ):
        return False
    separator = string_value(value.func.value)
    return separator is not None and "," in separator


def _close(result: Parameterised, quote: str, buffer: list[Part], style: str) -> str:
    pieces = _merge(buffer)
    if all(isinstance(p, str) for p in pieces):
        text = "".join(pieces)  # type: ignore[arg-type]
        text = text.replace(quote, quote * 2)
        return quote + (text.replace("%", "%%") if style == "format" else text) + quote
    return _bind(result, pieces, style)


def _merge(pieces: list[Part]) -> list[Part]:
    merged: list[Part] = []
    for piece in pieces:
        if isinstance(piece, str) and merged and isinstance(merged[-1], str):
            merged[-1] = merged[-1] + piece
        else:
            merged.append(piece)
    return merged


def _bind(result: Parameterised, pieces: list[Part], style: str) -> str:
    if len(pieces) == 1 and not isinstance(pieces[0], str):
        value = unwrap_str(pieces[0])
        source = code(value)
    else:
        unwrapped = [unwrap_str(p) if not isinstance(p, str) else p for p in pieces]
        made = fstring(unwrapped, '"') or fstring(unwrapped, "'")
        if made is None:
            raise NotParameterisable(
                "a quoted value mixes text with an expression that cannot sit in an f-string"
            )
        source, value = made, None
    if style != "named":
        result.params.append(("", source))
        return PLACEHOLDER[style]
    for name, existing in result.params:
        if existing == source:
            return f":{name}"
    expressions = [p for p in pieces if not isinstance(p, str)]
    if value is None and len(expressions) == 1:  # '%{term}%' is still about `term`
        value = unwrap_str(expressions[0])
    name = _bind_name(value, {n for n, _ in result.params}, len(result.params) + 1)
    result.params.append((name, source))
    return f":{name}"


def _bind_name(value: cst.BaseExpression | None, taken: set[str], index: int) -> str:
    base = ""
    if isinstance(value, cst.Name):
        base = value.value
    elif isinstance(value, cst.Attribute):
        base = value.attr.value
    elif isinstance(value, cst.Call) and value.args:
        base = string_value(value.args[0].value) or ""
    elif (
        isinstance(value, cst.Subscript)
        and len(value.slice) == 1
        and isinstance(value.slice[0].slice, cst.Index)
    ):
        base = string_value(value.slice[0].slice.value) or ""
    base = re.sub(r"\W", "_", base).strip("_") or f"p{index}"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    return name


def _without_binds(result: Parameterised) -> str:
    text = result.query
    for name, _ in result.params:
        text = re.sub(rf":{re.escape(name)}\b", "", text)
    return text
