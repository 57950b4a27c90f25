"""Unpickling (Bandit B301) a value read back from the application's own Django cache.

Django's cache backends (Redis, memcached, database, file, local memory) pickle every value they
store and unpickle it on `get`. Whoever can write into the cache store can already make
`cache.get` run code; a `pickle.loads` of bytes read from that same cache opens no new way in.
The finding is low confidence when the loads' argument is `<cache>.get(...)`, or a name bound
only to one, and `<cache>` is a Django cache:

- `cache` or `caches[...]` imported from django.core.cache, or a name bound only to one;
- a parameter annotated `BaseCache` (Django's cache base class);
- `self.<attr>` where every assignment of `self.<attr>` in the class is one of those.

Bytes from a request, a file, a socket or any other store keep the finding.
"""

from __future__ import annotations

import ast

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.helper_summaries import _calls_at, called_name
from devsecbots.nodes.analyzers.low_confidence import lowered_at
from devsecbots.nodes.analyzers.name_bindings import Binding, Scopes

RULES = frozenset({"B301"})
DJANGO_CACHE = "django.core.cache"
CACHE_TYPES = frozenset({"BaseCache"})
WHY = (
    "the bytes come back from the application's own Django cache, whose backends unpickle every "
    "value they hold anyway"
)


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, a B301 one unpickling a value of a Django cache at low confidence."""
    if not any(f["rule_id"] in RULES and f["confidence"] != "low" for f in findings):
        return findings
    return lowered_at(findings, files, RULES, WHY, _from_cache)


def _from_cache(tree: ast.Module, line: int) -> bool:
    """Whether every pickle load on `line` reads a value a Django cache's get() returned."""
    calls = _calls_at(tree, line, {"loads"})
    if not calls:
        return False
    reading = _Reading(tree)
    return all(len(c.args) == 1 and reading.cached(c.args[0], 0) for c in calls)


class _Reading:
    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self.scopes = Scopes(tree)
        self.imported = {
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module == DJANGO_CACHE
            for alias in node.names
            if alias.name in {"cache", "caches"}
        }

    def cached(self, value: ast.AST, depth: int) -> bool:
        """`<cache>.get(...)`, or a name bound only to such values."""
        if depth > 4:
            return False
        if isinstance(value, ast.Name):
            found = self.scopes.bindings(value.id, value)
            return bool(found) and all(
                b.kind == "value" and self.cached(b.node, depth + 1) for b in found
            )
        return (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and value.func.attr == "get"
            and self.cache(value.func.value, depth + 1)
        )

    def cache(self, value: ast.AST, depth: int) -> bool:
        """A Django cache object (see module)."""
        if depth > 4:
            return False
        if isinstance(value, ast.Subscript):
            return isinstance(value.value, ast.Name) and self._imported(value.value, "caches")
        if isinstance(value, ast.Name):
            if self._imported(value, "cache"):
                return True
            found = self.scopes.bindings(value.id, value)
            return bool(found) and all(self._bound_cache(b, depth) for b in found)
        if isinstance(value, ast.Attribute) and _is_self(value.value):
            values = self._self_assignments(value)
            return bool(values) and all(self.cache(v, depth + 1) for v in values or [])
        return False

    def _bound_cache(self, binding: Binding, depth: int) -> bool:
        if binding.kind == "value":
            return self.cache(binding.node, depth + 1)
        if binding.kind == "parameter":
            annotation = getattr(binding.node, "annotation", None)
            return annotation is not None and called_name(annotation) in CACHE_TYPES
        return False

    def _imported(self, name: ast.Name, what: str) -> bool:
        """The name is Django's `cache` / `caches` (imported here, not rebound)."""
        if name.id != what or what not in self.imported:
            return False
        return all(b.kind == "opaque" for b in self.scopes.bindings(name.id, name))

    def _self_assignments(self, read: ast.Attribute) -> list[ast.AST] | None:
        """Every value assigned to `self.<attr>` in the class around `read` (None when it is
        bound another way, such as an augmented assignment)."""
        cls: ast.AST | None = read
        while cls is not None and not isinstance(cls, ast.ClassDef):
            cls = self.scopes.parents.get(cls)
        if cls is None:
            return None
        values: list[ast.AST] = []
        for node in ast.walk(cls):
            if isinstance(node, ast.Attribute) and node.attr == read.attr and _is_self(node.value):
                if isinstance(node.ctx, ast.Store):
                    parent = self.scopes.parents.get(node)
                    if not (isinstance(parent, ast.Assign) and parent.targets == [node]):
                        return None
                    values.append(parent.value)
        return values


def _is_self(value: ast.AST) -> bool:
    return isinstance(value, ast.Name) and value.id == "self"
