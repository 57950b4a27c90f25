"""Split a shell command string (with interpolated expressions) into argv words like /bin/sh."""

from __future__ import annotations

import libcst as cst
from devsecbots.nodes.autofix.strings import Part, fstring, literal
from devsecbots.nodes.autofix.tree import code

# Outside quotes these make the shell do more than run one program with arguments.
METACHARACTERS = set("|&;<>()$`\\*?[]{}~#\n\r")
_QUOTING_FUNCTIONS = {"shlex.quote", "pipes.quote", "quote"}

Word = list[Part]


class NotSimple(ValueError):
    """The command needs a shell (pipes, redirection, expansion...)."""


def split_words(parts: list[Part]) -> list[Word]:
    """argv words of a command; raises NotSimple when the shell would do more than split it."""
    words: list[Word] = []
    current: Word | None = None
    quote: str | None = None

    def add(piece: Part) -> None:
        nonlocal current
        if current is None:
            current = []
        if isinstance(piece, str) and current and isinstance(current[-1], str):
            current[-1] += piece
        else:
            current.append(piece)

    for part in parts:
        if not isinstance(part, str):
            add(part)
            continue
        for char in part:
            if quote == "'":
                quote = None if char == "'" else quote
                if quote:
                    add(char)
            elif quote == '"':
                if char in "$`\\":
                    raise NotSimple(f"{char!r} inside double quotes")
                if char == '"':
                    quote = None
                else:
                    add(char)
            elif char in " \t":
                if current is not None:
                    words.append(current)
                    current = None
            elif char in "'\"":
                quote = char
                add("")
            elif char in METACHARACTERS:
                raise NotSimple(f"shell metacharacter {char!r}")
            else:
                add(char)
    if quote:
        raise NotSimple("unbalanced quote")
    if current is not None:
        words.append(current)
    if not words:
        raise NotSimple("empty command")
    return words


def argv_source(words: list[Word], quote: str = '"') -> str:
    """Python source of a list literal for the words."""
    return "[" + ", ".join(_element(word, quote) for word in words) + "]"


def _element(word: Word, quote: str) -> str:
    pieces = [p for p in word if not (isinstance(p, str) and p == "")] or [""]
    if all(isinstance(p, str) for p in pieces):
        return literal("".join(pieces), quote)  # type: ignore[arg-type]
    pieces = [_unquoted(p) if not isinstance(p, str) else p for p in pieces]
    if len(pieces) == 1:
        value = pieces[0]
        text = code(value)  # type: ignore[arg-type]
        is_str_call = isinstance(value, cst.Call) and code(value.func) == "str"
        return (
            text
            if is_str_call or isinstance(value, (cst.SimpleString, cst.FormattedString))
            else f"str({text})"
        )
    made = fstring(pieces, quote)
    if made is None:
        raise NotSimple("an argument mixes text with an expression that cannot sit in an f-string")
    return made


def _unquoted(node: cst.BaseExpression) -> cst.BaseExpression:
    """shlex.quote(x) -> x: without a shell, quoting would end up inside the argument."""
    if isinstance(node, cst.Call) and code(node.func) in _QUOTING_FUNCTIONS and len(node.args) == 1:
        return node.args[0].value
    return node
