"""Rewrite slices (x[a:b]) as index tuples (x[a,b]) in the copy of the code semgrep scans.

Semgrep's taint engine drops taint at Python slice expressions (semgrep/semgrep#6203), so request
data that is trimmed with a slice - a query string cut at "&", a name minus its extension - is
silently lost. Indexing keeps taint, so the copy semgrep scans turns every slice into an index
tuple. Only colons change (and a None fills an empty bound), so every line stays where it was and
findings point at the user's real lines. Rules must therefore not match on slice syntax.
"""

from __future__ import annotations

import ast
import io
import keyword
import tokenize
from dataclasses import dataclass, field

_OPENERS = {"(": ")", "[": "]", "{": "}"}
_INSIGNIFICANT = {tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT,
                  tokenize.DEDENT, tokenize.ENCODING}


@dataclass
class _Bracket:
    subscript: bool
    colons: list[int] = field(default_factory=list)  # indexes of top-level ':' tokens
    has_lambda: bool = False


def rewrite_slices(source: str) -> str:
    """Return source with slices written as index tuples; unchanged when unsure."""
    if ":" not in source or "[" not in source:
        return source
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline)
                  if t.type not in _INSIGNIFICANT]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return source
    edits = _colon_edits(tokens)
    if not edits:
        return source
    rewritten = _apply(source, edits)
    return rewritten if _still_parses(source, rewritten) else source


def _colon_edits(tokens: list[tokenize.TokenInfo]) -> dict[tuple[int, int], str]:
    """Replacement text for each slice colon, keyed by its (row, col)."""
    stack: list[_Bracket] = []
    edits: dict[tuple[int, int], str] = {}
    for index, tok in enumerate(tokens):
        if tok.type != tokenize.OP and not (tok.type == tokenize.NAME and tok.string == "lambda"):
            continue
        if tok.string == "lambda":
            if stack:
                stack[-1].has_lambda = True
        elif tok.string in _OPENERS:
            stack.append(_Bracket(subscript=tok.string == "[" and _ends_operand(tokens, index)))
        elif tok.string in _OPENERS.values() and stack:
            bracket = stack.pop()
            if bracket.subscript and not bracket.has_lambda:
                for colon in bracket.colons:
                    edits[tokens[colon].start] = _replacement(tokens, colon)
        elif tok.string == ":" and stack and stack[-1].subscript:
            stack[-1].colons.append(index)
    return edits


def _ends_operand(tokens: list[tokenize.TokenInfo], index: int) -> bool:
    """True when the token before '[' ends an expression, so '[' starts a subscript."""
    if index == 0:
        return False
    prev = tokens[index - 1]
    if prev.type == tokenize.NAME:
        return not keyword.iskeyword(prev.string) or prev.string in ("True", "False", "None")
    return prev.type in (tokenize.STRING, tokenize.NUMBER) or prev.string in (")", "]", "}")


def _replacement(tokens: list[tokenize.TokenInfo], colon: int) -> str:
    """',' for a colon, with None filling an empty bound so the index stays valid Python."""
    before = tokens[colon - 1].string
    after = tokens[colon + 1].string if colon + 1 < len(tokens) else "]"
    text = ","
    if before in ("[", ":", ","):
        text = "None" + text
    if after == ",":
        text += "None"
    return text


def _apply(source: str, edits: dict[tuple[int, int], str]) -> str:
    """Replace the one-character colons at the given positions, right to left per line."""
    lines = source.splitlines(keepends=True)
    for (row, col) in sorted(edits, reverse=True):
        line = lines[row - 1]
        if line[col:col + 1] == ":":
            lines[row - 1] = line[:col] + edits[(row, col)] + line[col + 1:]
    return "".join(lines)


def _still_parses(original: str, rewritten: str) -> bool:
    """Refuse a rewrite that breaks code Python could parse before."""
    try:
        ast.parse(original)
    except (SyntaxError, ValueError):
        return True  # newer syntax than this Python: nothing to compare against
    try:
        ast.parse(rewritten)
    except (SyntaxError, ValueError):
        return False
    return True
