"""Recognise Django settings modules and Django code (shared by the Django codemods)."""

from __future__ import annotations

import re
from collections.abc import Mapping

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


def overriding_module(path: str, name: str, files: Mapping[str, str]) -> str:
    """A sibling settings module that star-imports the module at `path` and sets `name` itself
    (split settings: base.py holds development defaults, production.py overrides them); ''."""
    folder, _, module = path.rpartition("/")
    stem = module.removesuffix(".py")
    star = re.compile(rf"^from\s+(\.|[\w.]*\.){re.escape(stem)}\s+import\s+\*", re.MULTILINE)
    assigns = re.compile(rf"^[ \t]*{re.escape(name)}\s*=", re.MULTILINE)
    for other, source in sorted(files.items()):
        if other == path or other.rpartition("/")[0] != folder or not other.endswith(".py"):
            continue
        if star.search(source) and assigns.search(source):
            return other
    return ""


def switched_setting(path: str, name: str, files: Mapping[str, str]) -> str:
    """The module (this one or a sibling that star-imports it) that sets `name` only inside a
    block, an operator's switch such as `if env.bool("BEHIND_PROXY"): NAME = ...`; ''."""
    folder, _, module = path.rpartition("/")
    stem = re.escape(module.removesuffix(".py"))
    star = re.compile(rf"^from\s+(\.|[\w.]*\.){stem}\s+import\s+\*", re.MULTILINE)
    top = re.compile(rf"^{re.escape(name)}\s*=", re.MULTILINE)
    nested = re.compile(rf"^[ \t]+{re.escape(name)}\s*=", re.MULTILINE)
    for other, source in sorted(files.items()):
        if other.rpartition("/")[0] != folder or not other.endswith(".py"):
            continue
        if other != path and not star.search(source):
            continue
        if nested.search(source) and not top.search(source):
            return other
    return ""


_STAR_IMPORT = re.compile(r"^\s*from\s+([\w.]+)\s+import\s+\*", re.MULTILINE)


def building_modules(path: str, files: Mapping[str, str]) -> list[str]:
    """Python modules anywhere in the project that star-import the module at `path`
    (`from .base import *`, `from shop.settings.base import *`): its settings are theirs too."""
    folder, _, module = path.rpartition("/")
    dotted = path.removesuffix(".py").replace("/", ".")
    found = []
    for other, source in sorted(files.items()):
        if other == path or not other.endswith(".py"):
            continue
        for target in _STAR_IMPORT.findall(source):
            relative = target == "." + module.removesuffix(".py")
            if (relative and other.rpartition("/")[0] == folder) or (
                not target.startswith(".") and (dotted == target or dotted.endswith("." + target))
            ):
                found.append(other)
                break
    return found
