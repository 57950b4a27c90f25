"""Python 3.12 f-strings (PEP 701) rewritten for an older `ast`: same lines, same pieces.

Since 3.12 a replacement field may reuse the string's own quotes (`f"{"a" if x else "b"}"`),
hold a backslash (`f"{"\\n".join(rows)}"`) or span lines in a one-quote string. An older
interpreter rejects the whole file, and every cross-file reading loses it. libcst reads that
grammar; each f-string it finds is written again as a concatenation of its pieces -
`("lit" + (expr) + "lit")`, a field with a conversion or format spec as `format((expr))` -
keeping every newline where it was, so line numbers do not move. The readings treat a `+`
concatenation as they treat an f-string.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_LINE_END = re.compile(r"\r\n|\r|\n")


def rewrite_fstrings(source: str) -> str | None:
    """The source with every f-string written as a concatenation (None when libcst fails)."""
    import libcst as cst  # only for files this interpreter cannot parse: not at start-up
    from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider

    try:
        wrapper = MetadataWrapper(cst.parse_module(source))
    except Exception:  # noqa: BLE001 - libcst cannot read it either
        return None
    module = wrapper.module
    positions = wrapper.resolve(PositionProvider)
    parents = wrapper.resolve(ParentNodeProvider)
    spans = []
    for node, position in positions.items():
        if isinstance(node, cst.FormattedString) and not _inside_fstring(node, parents, cst):
            text = _concatenation(node, module, cst)
            if text is None:
                return None
            if not isinstance(parents.get(node), cst.ConcatenatedString):
                text = f"({text})"
            spans.append((position.start, position.end, text))
    offsets = [0] + [m.end() for m in _LINE_END.finditer(source)]  # libcst's own line breaks
    out, last = [], 0
    for start, end, text in sorted(spans, key=lambda s: (s[0].line, s[0].column)):
        begin = offsets[start.line - 1] + start.column
        out += [source[last:begin], text]
        last = offsets[end.line - 1] + end.column
    return "".join(out) + source[last:]


def _inside_fstring(node: Any, parents: Mapping[Any, Any], cst: Any) -> bool:
    """Whether the f-string sits inside another (the outer one rewrites it)."""
    parent = parents.get(node)
    while parent is not None:
        if isinstance(parent, cst.FormattedString):
            return True
        parent = parents.get(parent)
    return False


def _concatenation(node: Any, module: Any, cst: Any) -> str | None:
    """`"lit" + (expr) + ...` for one f-string, its nested f-strings rewritten too."""
    prefix = node.prefix.lower().replace("f", "")
    quote = node.quote
    pieces = []
    for part in node.parts:
        if isinstance(part, cst.FormattedStringText):
            literal = _literal(part.value, prefix, quote)
            if literal is None:
                return None
            pieces.append(literal)
            continue
        inner = module.code_for_node(part.expression)
        inner = rewrite_fstrings_in(inner) if "f" in inner.lower() else inner
        if inner is None:
            return None
        before = module.code_for_node(part.whitespace_before_expression)
        after = module.code_for_node(part.whitespace_after_expression)
        expression = f"({before}{inner}{after})"
        if part.conversion or part.format_spec or getattr(part, "equal", None):
            expression = f"format{expression}"
        pieces.append(expression)
    return " + ".join(pieces) if pieces else f"{prefix}{quote}{quote}"


def rewrite_fstrings_in(expression: str) -> str | None:
    """An expression's text with the f-strings in it rewritten (itself when it has none)."""
    wrapped = rewrite_fstrings(f"(\n{expression}\n)")
    return None if wrapped is None else wrapped[2:-2]


def _literal(text: str, prefix: str, quote: str) -> str | None:
    """The literal text of an f-string as a plain string in the same quotes."""
    text = text.replace("{{", "{").replace("}}", "}")
    if text.endswith(quote[0]) and not text.endswith("\\" + quote[0]):
        if "r" in prefix:
            return None
        text = text[:-1] + "\\" + quote[0]  # it would close the string early
    return f"{prefix}{quote}{text}{quote}"
