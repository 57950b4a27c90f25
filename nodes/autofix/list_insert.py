"""Insert string entries into a list literal in place, keeping its comments, quotes and layout."""

from __future__ import annotations

import libcst as cst


def insert_strings(node: cst.List, inserts: list[tuple[int, str]]) -> cst.List:
    """`node` with each (position, text) inserted as a string before the original element at
    `position` (len(elements): at the end). A comment above that element stays above it; the
    new entries take the quotes of the first string in the list."""
    elements = list(node.elements)
    quote = _quote_of(elements)
    plain = _plain_comma(elements, node.lbracket)
    lbracket = node.lbracket
    result: list[cst.BaseElement] = []
    for position in range(len(elements) + 1):
        here = [t for p, t in inserts if min(p, len(elements)) == position]
        for text in here:
            new = cst.Element(cst.SimpleString(f"{quote}{text}{quote}"), comma=plain)
            if result:  # the comment lines above the original element stay above it
                previous = result[-1]
                stays, moves = _split(previous.comma, plain)
                new = new.with_changes(comma=moves)
                result[-1] = previous.with_changes(comma=stays)
            elif elements and isinstance(lbracket.whitespace_after, cst.ParenthesizedWhitespace):
                after = lbracket.whitespace_after
                new = new.with_changes(comma=cst.Comma(whitespace_after=_without_trailing(after)))
                lbracket = lbracket.with_changes(
                    whitespace_after=after.with_changes(empty_lines=[])
                )
            result.append(new)
        if position < len(elements):
            result.append(elements[position])
    if not elements and result:
        result[-1] = result[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return node.with_changes(elements=result, lbracket=lbracket)


def _split(
    comma: cst.Comma | cst.MaybeSentinel, plain: cst.Comma
) -> tuple[cst.Comma, cst.Comma | cst.MaybeSentinel]:
    """(what stays after the previous entry: its trailing comment, what follows the new entry:
    the comment lines above the next one)."""
    if not isinstance(comma, cst.Comma) or not isinstance(
        comma.whitespace_after, cst.ParenthesizedWhitespace
    ):  # the last entry, or one line
        return plain, comma
    after = comma.whitespace_after
    return (
        comma.with_changes(whitespace_after=after.with_changes(empty_lines=[])),
        comma.with_changes(whitespace_after=_without_trailing(after)),
    )


def _without_trailing(after: cst.ParenthesizedWhitespace) -> cst.ParenthesizedWhitespace:
    return after.with_changes(first_line=cst.TrailingWhitespace(newline=after.first_line.newline))


def _quote_of(elements: list[cst.BaseElement]) -> str:
    for element in elements:
        if isinstance(element.value, cst.SimpleString):
            return element.value.quote
    return '"'


def _plain_comma(elements: list[cst.BaseElement], lbracket: cst.LeftSquareBracket) -> cst.Comma:
    """The separator between two entries, without any comment that sits in it."""
    for element in elements[:-1]:
        if isinstance(element.comma, cst.Comma):
            return element.comma.with_changes(
                whitespace_after=_plain(element.comma.whitespace_after)
            )
    if isinstance(lbracket.whitespace_after, cst.ParenthesizedWhitespace):  # one per line
        return cst.Comma(whitespace_after=_plain(lbracket.whitespace_after))
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def _plain(whitespace: cst.BaseParenthesizableWhitespace) -> cst.BaseParenthesizableWhitespace:
    """The same line break and indentation with no comment lines."""
    if isinstance(whitespace, cst.ParenthesizedWhitespace):
        return whitespace.with_changes(
            first_line=cst.TrailingWhitespace(newline=whitespace.first_line.newline),
            empty_lines=[],
        )
    return whitespace
