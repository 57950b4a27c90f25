"""Untrusted text (paths, titles, messages, test ids) made safe to show to people.

File names and messages come from the input and from analysers reading it: a name can hold a
newline, an ESC sequence that drives the terminal, or a right-to-left override that disguises
what follows. Everything human-readable goes through here: `escape` for rich console markup
(terminal and text format), `md_cell` / `md_code` / `md_text` for Markdown. JSON and SARIF need
none of this (their encoders escape control characters).
"""

from __future__ import annotations

import unicodedata

from rich.markup import escape as _markup_escape

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def visible(text: object) -> str:
    """`text` with control and format characters (C0, C1, DEL, bidi overrides, zero-width)
    replaced by visible escapes such as \\x1b, \\n or \\u202e."""
    value = str(text)
    if value.isprintable():
        return value
    return "".join(_visible_char(ch) for ch in value)


def escape(text: object) -> str:
    """For rich console output: control characters made visible, then markup escaped."""
    return _markup_escape(visible(text))


def md_text(text: object) -> str:
    """For Markdown running text (a line, a list item): control characters made visible."""
    return visible(text)


def md_cell(text: object) -> str:
    """For a Markdown table cell: control characters (newlines included) made visible and `|`
    escaped, so one value stays one cell."""
    return visible(text).replace("|", "\\|")


def md_code(text: object) -> str:
    """An inline code span holding `text` whatever backticks it contains (safe in a cell)."""
    value = md_cell(text)
    run = longest = 0
    for ch in value:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def _visible_char(ch: str) -> str:
    if ch.isprintable() or ch == " ":
        return ch
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    if unicodedata.category(ch) == "Zs":  # other spaces (no-break, ideographic) are harmless
        return ch
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
