"""keyed_items: what `name["key"]` reads back from dict literals, or None when it cannot be told."""

from __future__ import annotations

import ast
import textwrap

import pytest
from devsecbots.nodes.analyzers.keyed_items import keyed_values
from devsecbots.nodes.analyzers.name_bindings import Scopes


def read_back(body: str) -> list[str] | None:
    """The source of what the last `...["id"]` subscript of `body` may read (None: unknown)."""
    tree = ast.parse(textwrap.dedent(body))
    node = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Load) and n.lineno > 1
    ][-1]
    found = keyed_values(node, Scopes(tree))
    return None if found is None else sorted(ast.unparse(v) for v in found)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('def f(a, b):\n    d = {"id": a, "name": b}\n    return d["id"]', ["a"]),
        ('def f(a):\n    d = {"name": a}\n    return d["id"]', []),  # KeyError: nothing read
        (
            "def f(tags):\n    rows = []\n    for t in tags:\n"
            '        rows.append({"id": t.pk, "name": t.name})\n'
            '    for row in rows:\n        x = row["id"]',
            ["t.pk"],
        ),
        ('def f(a):\n    for row in [{"id": 1}, {"id": a}]:\n        x = row["id"]', ["1", "a"]),
        (
            'def f(a, more):\n    rows = [{"id": 1}]\n    rows.extend(more)\n'
            '    for row in rows:\n        x = row["id"]',
            None,
        ),
        ('def f(a, b):\n    d = {"id": a}\n    d.update(b)\n    return d["id"]', None),
        ('def f(a, b):\n    d = {"id": a}\n    d["id"] = b\n    return d["id"]', None),
        ('def f(a, k):\n    d = {"id": a}\n    return d[k]', None),
        ('def f(a):\n    d = dict(id=a)\n    return d["id"]', None),
        ('def f(a, b):\n    d = {"id": a, **b}\n    return d["id"]', None),
        ('def f(d):\n    return d["id"]', None),
    ],
)
def test_what_a_constant_key_reads_back(body, expected):
    assert read_back(body) == expected
