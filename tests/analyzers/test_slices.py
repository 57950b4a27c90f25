"""The slice rewrite keeps lines in place, keeps code valid and leaves everything else alone."""

from __future__ import annotations

import ast

import pytest
from devsecbots.nodes.analyzers.slices import rewrite_slices


@pytest.mark.parametrize(
    "source, expected",
    [
        ("y = x[1:]", "y = x[1,]"),
        ("y = x[:5]", "y = x[None,5]"),
        ("y = x[:]", "y = x[None,]"),
        ("y = x[::2]", "y = x[None,None,2]"),
        ("y = x[1:2, 3:]", "y = x[1,2, 3,]"),
        ("y = x[1:, 2]", "y = x[1,None, 2]"),
        ("y = q[q.find('=') + 1:]", "y = q[q.find('=') + 1,]"),
        ("y = f(x)[2:-1]", "y = f(x)[2,-1]"),
        ('y = f"{name[:20]}!"', 'y = f"{name[None,20]}!"'),
        ('y = f"{a[1:]:>10} {{b[1:]}}"', 'y = f"{a[1,]:>10} {{b[1:]}}"'),
    ],
)
def test_slices_become_index_tuples(source, expected):
    assert rewrite_slices(source) == expected
    ast.parse(rewrite_slices(source))


@pytest.mark.parametrize(
    "source",
    [
        "d = {k: v for k, v in items}",
        "xs = [lambda: 1]",
        "f = d[lambda a: a]",
        "if a in [1, 2]:\n    pass\n",
        "x: list[int] = []",
        "s = 'x[1:]'",
        "n := 1" if False else "y = (n := 1)",
        'y = f"{x:{width}}"',
    ],
)
def test_other_colons_are_untouched(source):
    assert rewrite_slices(source) == source


def test_lines_stay_where_they_were():
    source = (
        "def f(q):\n    a = q[1:]\n\n    # comment [1:]\n    return a[:2] + q[\n        3:\n    ]\n"
    )
    rewritten = rewrite_slices(source)
    assert len(rewritten.splitlines()) == len(source.splitlines())
    assert rewritten.splitlines()[3] == "    # comment [1:]"
    ast.parse(rewritten)


def test_code_it_cannot_tokenize_is_returned_unchanged():
    broken = "def f(:\n    x = y[1:]\n    '''unterminated\n"
    assert rewrite_slices(broken) == broken
