"""`self.<attr>` read in a class that sets it counts as written in the code only when every store
to that attribute name in the project is a literal (code_set_attributes.py)."""

from __future__ import annotations

import ast

import pytest
from devsecbots.nodes.analyzers.code_set_attributes import CodeSetAttributes

CLASS = """\
class Manager:
    def __init__(self):
        self.view = None
        self.views = {}

    def target(self):
        return self.view

manager = Manager()
manager.view = "web.login"
manager.views["kobo"] = None
"""


def _holds(extra: str) -> bool:
    tree = ast.parse(CLASS + extra)
    parents = {c: n for n in ast.walk(tree) for c in ast.iter_child_nodes(n)}
    read = next(n for n in ast.walk(tree) if isinstance(n, ast.Return)).value
    return CodeSetAttributes([tree], parents).holds(read)


@pytest.mark.parametrize(
    "extra",
    [
        "",
        "manager.__dict__['other'] = object()\n",
        "manager.view = manager.views['kobo']\n",
        "def set_view(v):  # nothing calls it\n    manager.view = v\n",
    ],
)
def test_literal_stores_keep_the_attribute_written_in_the_code(extra):
    assert _holds(extra)


@pytest.mark.parametrize(
    "extra",
    [
        "manager.view = request.args['view']\n",
        "manager.__dict__['view'] = request.args['view']\n",
        "manager.__dict__.update(request.args)\n",
        "manager.__dict__[name] = 1\n",
        "setattr(manager, 'view', request.args['view'])\n",
        "manager.view += request.path\n",
        "name, manager.view = request.args['a'], request.args['b']\n",
        "def set_view(v):\n    manager.view = v\nset_view(request.args['view'])\n",
        "set_view = lambda v: None\ndef use(v):\n    manager.view = v\nhooks = [use]\n",
    ],
)
def test_any_other_store_leaves_it_unknown(extra):
    assert not _holds(extra)


def test_an_attribute_the_class_does_not_set_itself_is_unknown():
    tree = ast.parse("class Form:\n    def target(self):\n        return self.url\nf.url = '/'\n")
    parents = {c: n for n in ast.walk(tree) for c in ast.iter_child_nodes(n)}
    read = next(n for n in ast.walk(tree) if isinstance(n, ast.Return)).value
    assert not CodeSetAttributes([tree], parents).holds(read)
