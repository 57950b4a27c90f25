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

from devsecbots.nodes.analyzers.parsed import parse_error, parsed_tree
from devsecbots.nodes.analyzers.project_trees import walk

_OPENERS = {"(": ")", "[": "]", "{": "}"}
_INSIGNIFICANT = {
    tokenize.NL,
    tokenize.NEWLINE,
    tokenize.COMMENT,
    tokenize.INDENT,
    tokenize.DEDENT,
    tokenize.ENCODING,
}


@dataclass
class _Bracket:
    subscript: bool
    colons: list[int] = field(default_factory=list)  # indexes of top-level ':' tokens
    has_lambda: bool = False


def rewrite_slices(source: str) -> str:
    """Return source with slices written as index tuples; unchanged when unsure."""
    tree = parsed_tree(source)
    if tree is not None and not any(isinstance(node, ast.Slice) for node in walk(tree)):
        return source  # no slice anywhere (f-string fields included): no need to tokenize
    return _rewrite(source)


def _rewrite(source: str) -> str:
    """rewrite_slices, by the tokens: a slice colon is one at the top level of a subscript."""
    if ":" not in source or "[" not in source:
        return source
    try:
        tokens = [
            t
            for t in tokenize.generate_tokens(io.StringIO(source).readline)
            if t.type not in _INSIGNIFICANT
        ]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return source
    edits = _colon_edits(tokens)
    edits.update(_fstring_edits(tokens))
    if not edits:
        return source
    rewritten = _apply(source, edits)
    return rewritten if _still_parses(source, rewritten) else source


Edits = dict[tuple[int, int], tuple[int, str]]  # (row, col) -> (length replaced, new text)


def _colon_edits(tokens: list[tokenize.TokenInfo]) -> Edits:
    """Replacement text for each slice colon, keyed by its (row, col)."""
    stack: list[_Bracket] = []
    edits: Edits = {}
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
                    edits[tokens[colon].start] = (1, _replacement(tokens, colon))
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


def _fstring_edits(tokens: list[tokenize.TokenInfo]) -> Edits:
    """Rewrite slices inside the {fields} of one-line f-strings (one STRING token before 3.12)."""
    edits: Edits = {}
    for tok in tokens:
        prefix = tok.string[: tok.string.find(tok.string.lstrip("rRbBuUfF")[:1])]
        if tok.type != tokenize.STRING or "f" not in prefix.lower() or tok.start[0] != tok.end[0]:
            continue
        rewritten = _rewrite_fields(tok.string)
        if rewritten != tok.string:
            edits[tok.start] = (len(tok.string), rewritten)
    return edits


def _rewrite_fields(literal: str) -> str:
    """Apply rewrite_slices to each replacement-field expression of an f-string literal."""
    out, i, n = [], 0, len(literal)
    while i < n:
        if literal.startswith("{{", i) or literal[i] != "{":
            step = 2 if literal.startswith("{{", i) else 1
            out.append(literal[i : i + step])
            i += step
            continue
        end = _field_end(literal, i + 1)
        if end < 0:
            return literal
        expression = literal[i + 1 : end]
        out.append("{" + _rewrite_expression(expression))
        i = end
    return "".join(out)


def _field_end(literal: str, start: int) -> int:
    """Index where a field's expression ends ('}', '!conv' or ':spec' at depth 0), or -1."""
    depth, quote, i = 0, "", start
    while i < len(literal):
        char = literal[i]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}" and depth:
            depth -= 1
        elif depth == 0 and (
            char == "}" or char == ":" or (char == "!" and literal[i + 1 : i + 2] != "=")
        ):
            return i
        i += 1
    return -1


def _rewrite_expression(expression: str) -> str:
    """rewrite_slices for one expression; unchanged unless it parses before and after."""
    try:
        ast.parse(expression.strip(), mode="eval")
        rewritten = _rewrite(expression.strip())
        ast.parse(rewritten, mode="eval")
    except (SyntaxError, ValueError):
        return expression
    return expression.replace(expression.strip(), rewritten) if rewritten else expression


def _apply(source: str, edits: Edits) -> str:
    """Apply the one-line edits at their positions, right to left per line."""
    lines = source.splitlines(keepends=True)
    for row, col in sorted(edits, reverse=True):
        length, text = edits[(row, col)]
        line = lines[row - 1]
        lines[row - 1] = line[:col] + text + line[col + length :]
    return "".join(lines)


def _still_parses(original: str, rewritten: str) -> bool:
    """Refuse a rewrite that breaks code Python could parse before."""
    if parse_error(original) is not None:
        return True  # newer syntax than this Python: nothing to compare against
    try:
        ast.parse(rewritten)
    except (SyntaxError, ValueError):
        return False
    return True
