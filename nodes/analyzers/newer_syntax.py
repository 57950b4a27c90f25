"""An `ast` tree for a source this interpreter cannot parse because of newer-Python syntax.

Python 3.14 accepts `except A, B:` (PEP 758) for `except (A, B):`. A project written for it
has files the `ast` module of an older interpreter rejects, and a cross-file summary that
skips them loses every definition in them. libcst reads that grammar: the clause is given
its parentheses (same lines, same meaning) and the result is parsed again. Python 3.12
f-strings are written as concatenations first when that is what stops it (newer_fstrings.py).
"""

from __future__ import annotations

import ast

from devsecbots.nodes.analyzers.newer_fstrings import rewrite_fstrings
from devsecbots.nodes.analyzers.parsed import parsed_tree


def parse_tree(source: str) -> ast.Module | None:
    """The module's tree; None when neither this interpreter nor the rewrite can parse it."""
    try:
        tree = parsed_tree(source)
    except RecursionError:  # nested too deep for this interpreter's compiler: no tree
        return None
    if tree is not None:
        return tree
    try:
        return ast.parse(_parenthesise_except_types(source))
    except Exception:  # noqa: BLE001 - any failure of either parser means "cannot read it"
        pass
    try:  # Python 3.12 f-strings (PEP 701)
        rewritten = rewrite_fstrings(source)
        return None if rewritten is None else ast.parse(_parenthesise_except_types(rewritten))
    except Exception:  # noqa: BLE001
        return None


def _parenthesise_except_types(source: str) -> str:
    """The source with `except A, B:` written `except (A, B):` (and the same for `except*`)."""
    import libcst as cst  # only for files this interpreter cannot parse: not at start-up

    def parenthesised(types: cst.BaseExpression | None) -> cst.BaseExpression | None:
        if isinstance(types, cst.Tuple) and not types.lpar:
            return types.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        return types

    class Parenthesise(cst.CSTTransformer):
        def leave_ExceptHandler(
            self, original_node: cst.ExceptHandler, updated_node: cst.ExceptHandler
        ) -> cst.ExceptHandler:
            return updated_node.with_changes(type=parenthesised(updated_node.type))

        def leave_ExceptStarHandler(
            self, original_node: cst.ExceptStarHandler, updated_node: cst.ExceptStarHandler
        ) -> cst.ExceptStarHandler:
            return updated_node.with_changes(type=parenthesised(updated_node.type))

    return cst.parse_module(source).visit(Parenthesise()).code
