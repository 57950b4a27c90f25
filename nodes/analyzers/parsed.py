"""One `ast.parse` per source text: the checks of one analysis share each file's tree.

Syntax checks, Bandit's context reading, the copy Semgrep scans, the Flask facts and the
cross-file passes all read the same files; each parse of ~350 files costs ~0.3 s. The trees
are shared, so no caller may change one. The cache holds the trees of about one project.
"""

from __future__ import annotations

import ast
from functools import lru_cache

TREES_KEPT = 4096  # files: more than one project's worth, so that a review's trees stay


@lru_cache(maxsize=TREES_KEPT)
def parsed_tree(source: str) -> ast.Module | None:
    """The module's tree, shared (never change it); None when this interpreter cannot parse it."""
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        return None


def parse_error(source: str) -> SyntaxError | ValueError | None:
    """This interpreter's parse error for `source`, or None when it parses (cached by text)."""
    return None if parsed_tree(source) is not None else _parse_error(source)


@lru_cache(maxsize=8192)
def _parse_error(source: str) -> SyntaxError | ValueError | None:
    try:
        ast.parse(source)
    except (SyntaxError, ValueError) as err:
        return err
    return None
