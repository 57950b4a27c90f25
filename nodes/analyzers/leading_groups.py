"""Rewrite conditions that open with a bracketed group, in the copy of the code semgrep scans.

Semgrep (1.182 to 1.185 at least) gives up a whole file - "Other syntax error ... Invalid_argument:
String.sub / Bytes.sub" - when a rule's metavariable-pattern reads an `if`/`while` condition that
starts with a parenthesised group and goes on after it:

    if (cfg or {}).get("provider") not in KNOWN:
    if ("topics" or "posts") not in data.keys():

Every taint rule with an `if $COND: ... return` guard does that, so one such line costs the file
all their findings (frigate's api/auth.py, zou's preview service). The copy semgrep scans writes
the condition as `True and (cfg or {})...`: the same truth value, every line where it was (only
columns move, and findings are placed by line).
"""

from __future__ import annotations

import ast
import io
import re
import tokenize

from devsecbots.nodes.analyzers.parsed import parsed_tree
from devsecbots.nodes.analyzers.project_trees import walk

PREFIX = "True and "
_CANDIDATE = re.compile(r"\b(?:if|elif|while)\s*\(")  # cheap test before parsing


def rewrite_leading_groups(source: str) -> str:
    """Return source with `True and ` before each condition that opens with a group and goes on."""
    if not _CANDIDATE.search(source):
        return source
    tree = parsed_tree(source)
    if tree is None:
        return source
    lines = source.splitlines(keepends=True)
    edits: list[tuple[int, int]] = []  # (line index, character column) to insert PREFIX at
    for node in walk(tree):
        if isinstance(node, (ast.If, ast.While)):
            spot = _leading_group(source, lines, node.test)
            if spot is not None:
                edits.append(spot)
    for row, column in sorted(edits, reverse=True):
        line = lines[row]
        glue = " " if column and (line[column - 1].isalnum() or line[column - 1] == "_") else ""
        lines[row] = line[:column] + glue + PREFIX + line[column:]
    rewritten = "".join(lines)
    return rewritten if edits and parsed_tree(rewritten) is not None else source


def _leading_group(source: str, lines: list[str], test: ast.expr) -> tuple[int, int] | None:
    """Where the condition's first group opens, when that group does not enclose all of it
    (groups that do are looked into); None when the condition does not open with a group."""
    text = ast.get_source_segment(source, test)
    if not text or not text.startswith("("):
        return None
    row = test.lineno - 1
    column = len(lines[row].encode("utf-8")[: test.col_offset].decode("utf-8", errors="replace"))
    skipped = 0
    while text.startswith("("):
        close = _matching_close(text)
        if close is None:
            return None
        if text[close + 1 :].strip():
            return _position(row, column, text_before=lines[row][column:], offset=skipped)
        inner = text[1:close]
        stripped = inner.lstrip()
        skipped += 1 + len(inner) - len(stripped)
        text = stripped
    return None


def _position(row: int, column: int, *, text_before: str, offset: int) -> tuple[int, int] | None:
    """(row, column) `offset` characters after (row, column), when it is still on that line."""
    if offset > len(text_before) or "\n" in text_before[:offset]:
        return None  # the inner group starts on a later line: leave it
    return row, column + offset


def _matching_close(text: str) -> int | None:
    """Index in text of the bracket that closes the one at text[0], by the tokens."""
    depth = 0
    starts = _line_starts(text)
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type != tokenize.OP:
                continue
            if token.string in "([{":
                depth += 1
            elif token.string in ")]}":
                depth -= 1
                if depth == 0:
                    return starts[token.start[0] - 1] + token.start[1]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    return None


def _line_starts(text: str) -> list[int]:
    """Offset in text of the first character of each line."""
    starts = [0]
    for index, char in enumerate(text):
        if char == "\n":
            starts.append(index + 1)
    return starts
