"""One `ast.parse` per source text per process: "does it parse?" is asked in several places."""

from __future__ import annotations

import ast
from functools import lru_cache


@lru_cache(maxsize=8192)
def parse_error(source: str) -> SyntaxError | ValueError | None:
    """This interpreter's parse error for `source`, or None when it parses (cached by text)."""
    try:
        ast.parse(source)
    except (SyntaxError, ValueError) as err:
        return err
    return None
