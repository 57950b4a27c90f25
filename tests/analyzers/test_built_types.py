"""Media types built by an f-string: passive only when the holes cannot reshape the type."""

from __future__ import annotations

import ast

import pytest
from devsecbots.nodes.analyzers.built_types import built_passive, listed, tame


def _value(source: str) -> ast.AST:
    return ast.parse(source, mode="eval").body


def _any(name: ast.Name) -> bool:
    return True


@pytest.mark.parametrize(
    "source",
    ['f"application/x-{kind}-advertisement"', 'f"image/{kind}"', 'f"application/x-git-{k}-result"'],
)
def test_a_fixed_top_level_type_with_limited_holes_is_passive(source):
    assert built_passive(_value(source), _any)


@pytest.mark.parametrize(
    "source",
    [
        'f"text/html; charset={kind}"',  # passive only as a whole
        'f"{major}/plain"',  # the top-level type is not fixed
        'f"application/{kind}+xml"',  # an XML document whatever the hole
        'f"application/x{kind}"',  # the hole touches a letter: x + "html"
        'f"application/{a}{b}"',  # two holes side by side
        'f"application/{kind!r}"',
    ],
)
def test_a_type_the_holes_can_reshape_is_not(source):
    assert not built_passive(_value(source), _any)


def test_an_unlimited_hole_is_not_passive():
    assert not built_passive(_value('f"application/x-{kind}-result"'), lambda name: False)


@pytest.mark.parametrize(
    ("value", "ok"),
    [('"git-upload-pack"', True), ('"a,text/html;x="', False), ('"xhtml"', False), ("1", False)],
)
def test_tame_constants_are_words_naming_no_active_type(value, ok):
    assert tame(_value(value)) is ok


def _use(source: str) -> tuple[ast.Name, dict[ast.AST, ast.AST]]:
    tree = ast.parse(source)
    parents = {c: n for n in ast.walk(tree) for c in ast.iter_child_nodes(n)}
    use = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == "service"][-1]
    return use, parents


@pytest.mark.parametrize(
    ("source", "ok"),
    [
        ("def f(service):\n if service not in ['a', 'b']:\n  abort(400)\n use(service)\n", True),
        ("def f(service):\n if service in ('a', 'b'):\n  use(service)\n", True),
        ("def f(service):\n if service not in ['a', 'b']:\n  log()\n use(service)\n", False),
        ("def f(service):\n if service not in ['a', 'a;b']:\n  return\n use(service)\n", False),
        (
            "def f(service):\n if service not in ['a']:\n  return\n service = g()\n use(service)\n",
            False,
        ),
    ],
)
def test_a_name_is_listed_only_by_a_check_that_leaves(source, ok):
    assert listed(*_use(source)) is ok
