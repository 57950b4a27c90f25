"""A parsed module with the metadata every codemod needs: positions, parents, qualified names."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from functools import lru_cache
from typing import TypeGuard, TypeVar

import libcst as cst
from libcst.metadata import (
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    QualifiedNameProvider,
)

N = TypeVar("N", bound=cst.CSTNode)
_EMPTY = cst.Module(body=[])


class _Collector(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider, ParentNodeProvider, QualifiedNameProvider)

    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[cst.CSTNode] = []
        self.spans: dict[int, tuple[int, int]] = {}
        self.parents: dict[int, cst.CSTNode] = {}
        self.qualnames: dict[int, frozenset[str]] = {}

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.nodes.append(node)
        pos = self.get_metadata(PositionProvider, node, None)
        if pos is not None:
            self.spans[id(node)] = (pos.start.line, pos.end.line)
        parent = self.get_metadata(ParentNodeProvider, node, None)
        if parent is not None:
            self.parents[id(node)] = parent
        if isinstance(node, (cst.Call, cst.Name, cst.Attribute)):
            names = self.get_metadata(QualifiedNameProvider, node, set())
            self.qualnames[id(node)] = frozenset(q.name for q in names)
        return True


class Tree:
    """One Python source, parsed once, with lookups by node."""

    def __init__(self, source: str) -> None:
        wrapper = MetadataWrapper(cst.parse_module(source))
        collector = _Collector()
        wrapper.visit(collector)
        self.source = source
        self.module: cst.Module = wrapper.module
        self.lines = source.splitlines()
        self._c = collector

    def find(self, kind: type[N]) -> Iterator[N]:
        """Every node of a type, in source order."""
        return (n for n in self._c.nodes if isinstance(n, kind))

    def span(self, node: cst.CSTNode) -> tuple[int, int]:
        """First and last line (1-based) of a node."""
        return self._c.spans.get(id(node), (0, 0))

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        """The node's parent, None for the module."""
        return self._c.parents.get(id(node))

    def ancestors(self, node: cst.CSTNode) -> Iterator[cst.CSTNode]:
        """Parents from the nearest up to the module."""
        current = self.parent(node)
        while current is not None:
            yield current
            current = self.parent(current)

    def qualnames(self, node: cst.CSTNode) -> frozenset[str]:
        """Qualified names a call, name or attribute may refer to (imports resolved)."""
        target = node.func if isinstance(node, cst.Call) else node
        return self._c.qualnames.get(id(target), frozenset())

    def calls_to(self, *qualified: str) -> Iterator[cst.Call]:
        """Calls whose function resolves to one of the qualified names."""
        wanted = set(qualified)
        return (c for c in self.find(cst.Call) if self.qualnames(c) & wanted)

    def statement_of(self, node: cst.CSTNode) -> cst.BaseStatement | None:
        """The innermost statement (simple line or compound) that contains the node."""
        for candidate in (node, *self.ancestors(node)):
            if isinstance(candidate, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
                return candidate
        return None

    def function_of(self, node: cst.CSTNode) -> cst.FunctionDef | None:
        """The innermost function containing the node."""
        return next((a for a in self.ancestors(node) if isinstance(a, cst.FunctionDef)), None)

    def top_level_of(self, node: cst.CSTNode) -> cst.BaseStatement | None:
        """The module-level statement containing the node."""
        chain = [node, *self.ancestors(node)]
        for child, parent in itertools.pairwise(chain):
            if isinstance(parent, cst.Module):
                return child  # type: ignore[return-value]
        return None

    def within(self, scope: cst.CSTNode, kind: type[N]) -> Iterator[N]:
        """Nodes of a type inside `scope` (scope included), in source order."""
        return (
            n for n in self.find(kind) if n is scope or any(a is scope for a in self.ancestors(n))
        )


@lru_cache(maxsize=16)
def parse_tree(source: str) -> Tree:
    """The Tree of `source`; codemods that leave a file unchanged share one parse (read-only)."""
    return Tree(source)


def code(node: cst.CSTNode) -> str:
    """Source text of a node."""
    return _EMPTY.code_for_node(node)


def is_true(node: cst.BaseExpression | None) -> bool:
    """Whether an expression is the literal True."""
    return isinstance(node, cst.Name) and node.value == "True"


def is_false(node: cst.BaseExpression | None) -> bool:
    """Whether an expression is the literal False."""
    return isinstance(node, cst.Name) and node.value == "False"


def keyword(call: cst.Call, name: str) -> cst.Arg | None:
    """The call's keyword argument with that name."""
    return next((a for a in call.args if a.keyword is not None and a.keyword.value == name), None)


def has_star_kwargs(call: cst.Call) -> bool:
    """Whether the call passes **kwargs (so a keyword we add could collide)."""
    return any(a.star == "**" for a in call.args)


def _plain(node: cst.CSTNode) -> TypeGuard[cst.SimpleString | cst.ConcatenatedString]:
    if isinstance(node, cst.SimpleString):
        return True
    return isinstance(node, cst.ConcatenatedString) and _plain(node.left) and _plain(node.right)


def string_value(node: cst.CSTNode | None) -> str | None:
    """The text of a plain (non-f, non-bytes) string literal, else None."""
    if node is None or not _plain(node):
        return None
    value = node.evaluated_value
    return value if isinstance(value, str) else None
