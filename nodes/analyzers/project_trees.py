"""A project's trees and all their nodes, read once for the cross-file passes of one analysis.

Several passes (helper, property, buffer and route summaries) each read every module; parsing
and walking ~100k lines is most of their cost. The last project's trees and node list are kept
(one entry: a long-lived process keeps no more than one project); trees are never changed.
"""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Iterable, Iterator

from devsecbots.nodes.analyzers.newer_syntax import parse_tree

_trees: tuple[tuple[tuple[str, str], ...], dict[str, ast.Module]] | None = None
_nodes: tuple[tuple[ast.AST, ...], list[ast.AST]] | None = None
_parents: tuple[tuple[ast.AST, ...], dict[ast.AST, ast.AST]] | None = None


def parse_files(files: dict[str, str]) -> dict[str, ast.Module]:
    """Path -> tree of the project's Python files that parse (newer syntax included)."""
    global _trees
    key = tuple(sorted((path, source) for path, source in files.items() if path.endswith(".py")))
    last = _trees
    if last is not None and last[0] == key:
        return last[1]
    trees: dict[str, ast.Module] = {}
    taken: set[int] = set()
    for path, source in key:
        tree = parse_tree(source)
        if tree is not None and id(tree) in taken:
            tree = ast.parse(source)  # the same text as another file's: a tree of its own
        if tree is not None:
            trees[path] = tree
            taken.add(id(tree))
    _trees = (key, trees)
    return trees


def all_nodes(trees: Iterable[ast.AST]) -> list[ast.AST]:
    """Every node of the trees, in one walk."""
    global _nodes
    key = tuple(trees)
    last = _nodes
    if last is not None and last[0] == key:
        return last[1]
    nodes = [node for tree in key for node in walk(tree)]
    _nodes = (key, nodes)
    return nodes


def parents_of(trees: Iterable[ast.AST]) -> dict[ast.AST, ast.AST]:
    """Every node's parent, over all the trees, built once per project."""
    global _parents
    key = tuple(trees)
    last = _parents
    if last is not None and last[0] == key:
        return last[1]
    parents = {child: node for node in all_nodes(key) for child in children(node)}
    _parents = (key, parents)
    return parents


def tree_parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    """Every node's parent within one tree."""
    return {child: node for node in walk(tree) for child in children(node)}


def walk(node: ast.AST) -> Iterator[ast.AST]:
    """`ast.walk`, in its order (breadth first), at about a third of its cost."""
    todo = deque([node])
    while todo:
        node = todo.popleft()
        todo.extend(children(node))
        yield node


def children(node: ast.AST) -> list[ast.AST]:
    """`ast.iter_child_nodes(node)` as a list, in its order, without its generators' cost."""
    found = []
    for name in node._fields:
        value = getattr(node, name, None)
        if isinstance(value, ast.AST):
            found.append(value)
        elif isinstance(value, list):
            found.extend(item for item in value if isinstance(item, ast.AST))
    return found


def statement_nodes(stmts: Iterable[ast.AST]) -> list[ast.AST]:
    """The statements' nodes outside nested functions, classes and lambdas."""
    out: list[ast.AST] = []
    todo: list[ast.AST] = list(stmts)
    while todo:
        node = todo.pop()
        out.append(node)
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            todo.extend(ast.iter_child_nodes(node))
    return out


def statement_blocks(node: ast.AST) -> list[list[ast.stmt]]:
    """Every statement list in `node`: bodies, else and finally blocks, handlers."""
    blocks = []
    for inner in ast.walk(node):
        for name in ("body", "orelse", "finalbody"):
            block = getattr(inner, name, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                blocks.append(block)
    return blocks
