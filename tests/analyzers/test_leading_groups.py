"""Conditions that open with a bracketed group get `True and ` in the copy semgrep scans, so that
semgrep finishes the file; nothing else changes and every line stays where it was."""

from __future__ import annotations

import ast

import pytest
from devsecbots.nodes.analyzers.leading_groups import rewrite_leading_groups
from devsecbots.nodes.analyzers.semgrep_runner import SemgrepScan


@pytest.mark.parametrize(
    "source, expected",
    [
        (
            'if (h or "").count("$") != 3:\n    pass\n',
            'if True and (h or "").count("$") != 3:\n    pass\n',
        ),
        (
            "if ('a' or 'b') not in d.keys():\n    pass\n",
            "if True and ('a' or 'b') not in d.keys():\n    pass\n",
        ),
        ("while (a).b():\n    pass\n", "while True and (a).b():\n    pass\n"),
        (
            "if x:\n    pass\nelif (a or b).c():\n    pass\n",
            "if x:\n    pass\nelif True and (a or b).c():\n    pass\n",
        ),
        ("if ((a or b).c()):\n    pass\n", "if (True and (a or b).c()):\n    pass\n"),
        ("if(a or b).c():\n    pass\n", "if True and (a or b).c():\n    pass\n"),
        ("while(a).b():\n    pass\n", "while True and (a).b():\n    pass\n"),
        (
            "if (\n    a or b\n).get(1):\n    pass\n",
            "if True and (\n    a or b\n).get(1):\n    pass\n",
        ),
        ('if "é" == x and (a or b).c():\n    pass\n', 'if "é" == x and (a or b).c():\n    pass\n'),
        (
            'def f():\n    s = "é"\n    if (s or "").strip():\n        return\n',
            'def f():\n    s = "é"\n    if True and (s or "").strip():\n        return\n',
        ),
    ],
)
def test_conditions_opening_with_a_group_get_a_neutral_prefix(source, expected):
    assert rewrite_leading_groups(source) == expected
    ast.parse(expected)


@pytest.mark.parametrize(
    "source",
    [
        "if (a and b):\n    pass\n",
        "if ((a)):\n    pass\n",
        "if a.startswith('/'):\n    pass\n",
        "if not (a or b).c():\n    pass\n",
        "x = (a or b).c()\nif x: pass\n",
        "def broken(:\n    if (a).b(): pass\n",
    ],
)
def test_everything_else_is_untouched(source):
    assert rewrite_leading_groups(source) == source


def test_semgrep_finishes_such_a_file_and_still_finds_what_is_in_it():
    source = (
        "from fastapi import FastAPI\n"
        "app = FastAPI()\n\n"
        "def check(password, stored):\n"
        '    if (stored or "").count("$") != 3:\n'
        "        return False\n"
        "    return True\n\n"
        "@app.get('/files')\n"
        "async def read(name: str):\n"
        "    return open('/srv/files/' + name).read()\n"
    )
    scan = SemgrepScan({"api.py": source})
    found = scan.result()
    assert scan.incomplete == {}
    assert ("devsecbots.fastapi.path-traversal", 11) in [(f["rule_id"], f["line"]) for f in found]
