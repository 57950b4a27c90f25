"""Files only a newer Python parses are still read by the cross-file summaries."""

from __future__ import annotations

import ast

from devsecbots.nodes.analyzers.newer_syntax import parse_tree

PEP_758 = """\
def load(text):
    try:
        return decode(text)
    except ValueError, KeyError:
        return None
"""


def test_unparenthesised_except_types_are_read_on_their_lines():
    tree = parse_tree(PEP_758)
    assert tree is not None
    handler = next(n for n in ast.walk(tree) if isinstance(n, ast.ExceptHandler))
    assert handler.lineno == 4
    assert isinstance(handler.type, ast.Tuple) and len(handler.type.elts) == 2


def test_a_real_syntax_error_gives_no_tree():
    assert parse_tree("def broken(:\n    pass\n") is None
