"""Recognise Django settings modules and Django code (shared by the Django codemods)."""

from __future__ import annotations

import re

import libcst as cst
from devsecbots.nodes.autofix.tree import Tree

_SETTINGS_PATH = re.compile(r"(^|/)(settings/[^/]*|[^/]*settings[^/]*)\.py$")
_MARKERS = {"INSTALLED_APPS", "MIDDLEWARE", "ROOT_URLCONF"}


def module_assignments(tree: Tree) -> dict[str, cst.Assign]:
    """Module-level `NAME = value` statements by name (the last one wins)."""
    found: dict[str, cst.Assign] = {}
    for statement in tree.module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Assign):
                for target in small.targets:
                    if isinstance(target.target, cst.Name):
                        found[target.target.value] = small
    return found


def is_settings_module(tree: Tree, path: str) -> bool:
    """A Django settings module: named like settings and assigning INSTALLED_APPS & co."""
    return bool(_SETTINGS_PATH.search(path)) and bool(_MARKERS & set(module_assignments(tree)))


def imports_django(tree: Tree) -> bool:
    """Whether the module imports Django."""
    return bool(re.search(r"^\s*(from|import)\s+django\b", tree.source, re.MULTILINE))
