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


PEP_701 = '''\
def header(key, rows, items):
    title = f"<b>{"inline" if key else "none"}</b>"
    body = f"""
        <p>{
            "\\n".join(rows)
        }</p>
        {f'<i>{key!r}</i>' if key else ""}"""
    return mark_safe(title + body + f"{{x}}" "tail")
'''


def test_pep_701_fstrings_are_read_on_their_lines_as_concatenations():
    tree = parse_tree(PEP_701)
    assert tree is not None
    calls = {
        n.func.id: n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
    }
    assert calls["mark_safe"].lineno == 8
    title = next(
        n for n in ast.walk(tree) if isinstance(n, ast.Assign) and n.targets[0].id == "title"
    )
    assert isinstance(title.value, ast.BinOp) and title.lineno == 2
    assert calls["format"].lineno == 7  # the conversion !r: not the value itself
    join = next(n for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr == "join")
    assert join.lineno == 5
