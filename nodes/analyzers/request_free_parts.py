"""Parts of a FastAPI view's value that hold no request text, though the request may pick them.

Followed back from a file path, a view's value may read

- `request.app...`: the application object a `Request` (or `WebSocket`) parameter carries, whose
  configuration and state the operator's code set up at start-up, not this request;
- `row.column` / `row["column"]` of rows a query fetched: the value the application stored, unless
  a route writes request data into a column of that name (stored_columns.py);
- `TABLE[key]` / `TABLE.get(key)` of a dict display: one of its values, not the key
  (table_lookups.py), so the values are followed instead.

Each part read so is noted (`notes`) for the finding's reason.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

from devsecbots.nodes.analyzers.local_assignments import called_name
from devsecbots.nodes.analyzers.name_bindings import Scopes
from devsecbots.nodes.analyzers.project_tables import lookup_tables
from devsecbots.nodes.analyzers.stored_columns import (
    Carries,
    Column,
    Written,
    column_read,
    project_classes,
    request_written,
    request_written_columns,
)
from devsecbots.nodes.analyzers.table_lookups import table_values

CONNECTIONS = frozenset({"Request", "WebSocket", "HTTPConnection"})


class FreeParts:
    """The parts of values in one project's views that hold no request text."""

    def __init__(self, trees: Mapping[str, ast.Module], carries: Carries) -> None:
        self._trees = trees
        self._carries = carries
        self._classes = project_classes(trees.values())
        self._tables = lookup_tables(trees.values())
        self._written: frozenset[Written] | None = None
        self.notes: list[str] = []

    def through(self, node: ast.AST, scopes: Scopes) -> str | list[ast.expr] | None:
        """Why `node` holds no request text (a note), the values to follow instead of it, or
        None when it is read as it is."""
        if _application(node, scopes):
            return self._noted(f"'{ast.unparse(node)}' is the application, not the request")
        column = column_read(node, scopes, self._classes)
        if column is not None and not self._request_written(column):
            return self._noted(
                f"'{ast.unparse(node)}' is a column of rows a query fetched, which no route "
                "writes request data into"
            )
        values = table_values(node, scopes, self._tables)
        if values is not None:
            self._noted(f"'{ast.unparse(node)}' is one of a table's values, whatever the key")
        return values

    def _noted(self, note: str) -> str:
        if note not in self.notes:
            self.notes.append(note)
        return note

    def _request_written(self, column: Column) -> bool:
        if self._written is None:
            self._written = request_written_columns(
                self._trees.values(), self._classes, self._carries
            )
        return request_written(column, self._written)


def _application(node: ast.AST, scopes: Scopes) -> bool:
    """`request.app` of a parameter annotated Request / WebSocket / HTTPConnection."""
    if not (
        isinstance(node, ast.Attribute) and node.attr == "app" and isinstance(node.value, ast.Name)
    ):
        return False
    bindings = scopes.bindings(node.value.id, node.value)
    return len(bindings) == 1 and bindings[0].kind == "parameter" and _connection(bindings[0].node)


def _connection(arg: ast.AST) -> bool:
    annotation = getattr(arg, "annotation", None)
    return annotation is not None and called_name(annotation) in CONNECTIONS
