"""SQL built by string formatting (Bandit B608) from values the code fixes, not the caller.

B608 flags SQL text assembled with `%`, `.format()`, an f-string or `+`, whatever is put in.
Injection needs a value someone outside the code chooses. The statement is low confidence when
every interpolated expression is:

- a constant;
- a Django model's metadata: `model._meta.db_table`, `self.model._meta.pk.column`, ... - table
  and column names are written in the model's code (or derived from its class name);
- a number made by `int(x)` / `float(x)`: whatever `x` is, the text holds digits (or raises);
- a field of a row the code read from the database's own catalog with a constant query
  (`for row in cur.execute("SELECT name FROM sqlite_master").fetchall(): row[0]`): the name of
  a table that already exists, which only someone able to create tables could choose;
- a name every binding of which (name_bindings.py) is one of these (a module constant, say,
  that no function declares `global` and rebinds).

Across files, sql_helpers.py also counts calls to project functions and properties that return
only such text. A parameter, request data, a name bound otherwise or any other call (even
`str(x)`) keeps the finding.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from devsecbots.nodes.analyzers.name_bindings import Binding, Scopes

META_NAMES = frozenset(
    {"db_table", "column", "attname", "db_column", "app_label", "model_name", "db_tablespace"}
)
MAX_DEPTH = 4
CATALOG = re.compile(
    r"(?i)\bFROM\s+(sqlite_master|sqlite_schema|information_schema\.\w+|pg_catalog\.\w+|pg_tables)\b"
)
FETCHES = frozenset({"fetchall", "fetchone", "fetchmany"})
NUMBERS = frozenset({"int", "float"})
# Whether a call or attribute read (a project helper) gives fixed text, told how to judge a value.
Helpers = Callable[[ast.expr, Callable[[ast.expr], bool]], bool]
WHY = (
    "every value put into the SQL text is a constant, a number or a model's table / column name, "
    "fixed in the code"
)


def fixed_sql_reason(tree: ast.AST, line: int) -> str:
    """Why the SQL string built at `line` holds only fixed values ('' when it may not)."""
    return WHY if fixed_sql_at(tree, line, Scopes(tree)) else ""


def fixed_sql_at(tree: ast.AST, line: int, scopes: Scopes, helpers: Helpers | None = None) -> bool:
    """Whether every value put into the SQL text built at `line` is fixed."""
    built = _outermost_builds(tree, line, scopes.parents)
    values = [v for node in built for v in _interpolated(node)]
    return bool(built) and all(fixed_value(v, scopes, helpers) for v in values)


def fixed_value(
    value: ast.expr,
    scopes: Scopes,
    helpers: Helpers | None = None,
    parameters: Callable[[ast.arg], bool] | None = None,
    depth: int = 0,
) -> bool:
    """A constant, model metadata, a number conversion, a name bound only to such values, or
    (told by `helpers`) a project helper's fixed text; a parameter only when `parameters` says."""

    def again(v: ast.expr, deeper: int = 0) -> bool:
        return fixed_value(v, scopes, helpers, parameters, depth + deeper)

    if isinstance(value, ast.Constant):
        return True
    if _builds(value):
        return all(again(v) for v in _interpolated(value))
    if isinstance(value, ast.Call) and _number(value):
        return True
    if isinstance(value, ast.Attribute) and _model_metadata(value):
        return True
    if isinstance(value, ast.Subscript) and _catalog_row(value.value, scopes):
        return True
    if isinstance(value, ast.Name) and depth < MAX_DEPTH:
        found = scopes.bindings(value.id, value)
        return (
            bool(found)
            and not _declared_global(scopes.tree, value.id)
            and all(_bound_fixed(b, lambda v: again(v, 1), parameters) for b in found)
        )
    return (
        helpers is not None
        and isinstance(value, ast.Call | ast.Attribute)
        and helpers(value, again)
    )


def _bound_fixed(
    binding: Binding,
    fixed: Callable[[ast.expr], bool],
    parameters: Callable[[ast.arg], bool] | None,
) -> bool:
    if binding.kind == "value":
        return fixed(binding.node)  # type: ignore[arg-type]
    return (
        binding.kind == "parameter" and parameters is not None and parameters(binding.node)  # type: ignore[arg-type]
    )


def _catalog_row(row: ast.expr, scopes: Scopes, depth: int = 0) -> bool:
    """A row of a constant catalog query: `cur.execute("... FROM sqlite_master").fetchone()`, an
    element of such a query's rows, or a name bound only to one."""
    if isinstance(row, ast.Call) and isinstance(row.func, ast.Attribute):
        if row.func.attr == "fetchone":
            return _catalog_query(row.func.value, scopes, depth)
        return False
    if not isinstance(row, ast.Name) or depth >= MAX_DEPTH:
        return False
    found = scopes.bindings(row.id, row)
    return bool(found) and all(
        (b.kind == "element" and _catalog_query(b.node, scopes, depth + 1))  # type: ignore[arg-type]
        or (b.kind == "value" and _catalog_row(b.node, scopes, depth + 1))  # type: ignore[arg-type]
        for b in found
    )


def _catalog_query(rows: ast.expr, scopes: Scopes, depth: int) -> bool:
    """`cur.execute(<constant catalog SQL>)` (its cursor), `.fetchall()` of it, or a name bound
    only to one."""
    if isinstance(rows, ast.Name) and depth < MAX_DEPTH:
        found = scopes.bindings(rows.id, rows)
        return bool(found) and all(
            b.kind == "value" and _catalog_query(b.node, scopes, depth + 1)  # type: ignore[arg-type]
            for b in found
        )
    if not isinstance(rows, ast.Call) or not isinstance(rows.func, ast.Attribute):
        return False
    if rows.func.attr in FETCHES:
        return _catalog_query(rows.func.value, scopes, depth)
    sql = rows.args[0] if rows.func.attr == "execute" and rows.args else None
    return (
        isinstance(sql, ast.Constant)
        and isinstance(sql.value, str)
        and bool(CATALOG.search(sql.value))
        and len(rows.args) == 1
    )


def _declared_global(tree: ast.AST, name: str) -> bool:
    """Whether a function rebinds the module's `name` (`global name`): it is no constant then."""
    return any(isinstance(n, ast.Global) and name in n.names for n in ast.walk(tree))


def _number(call: ast.Call) -> bool:
    """`int(x)` / `float(x)`: the value is a number whatever `x` was."""
    return (
        isinstance(call.func, ast.Name)
        and call.func.id in NUMBERS
        and len(call.args) == 1
        and not call.keywords
        and not isinstance(call.args[0], ast.Starred)
    )


def _outermost_builds(tree: ast.AST, line: int, parents: dict[ast.AST, ast.AST]) -> list[ast.expr]:
    """The string-building expressions spanning `line`, not nested in another one."""
    spanning = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.expr) and _builds(n) and n.lineno <= line <= (n.end_lineno or n.lineno)
    ]
    return [n for n in spanning if not any(_inside(n, o, parents) for o in spanning if o is not n)]


def _builds(node: ast.AST) -> bool:
    """`a % b`, `a + b`, an f-string or `"...".format(...)`."""
    if isinstance(node, ast.BinOp):
        return isinstance(node.op, ast.Mod | ast.Add)
    if isinstance(node, ast.JoinedStr):
        return True
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
        and isinstance(node.func.value, ast.Constant)
    )


def _inside(node: ast.AST, outer: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if node is outer:
            return True
    return False


def _interpolated(node: ast.expr) -> list[ast.expr]:
    """The values a building expression puts into its text."""
    if isinstance(node, ast.BinOp):
        right = node.right
        parts = (
            right.elts if isinstance(node.op, ast.Mod) and isinstance(right, ast.Tuple) else [right]
        )
        return [*_pieces(node.left), *(p for part in parts for p in _pieces(part))]
    if isinstance(node, ast.JoinedStr):
        return [v.value for v in node.values if isinstance(v, ast.FormattedValue)]
    if isinstance(node, ast.Call):
        return [*node.args, *(k.value for k in node.keywords)]
    return [node]


def _pieces(node: ast.expr) -> list[ast.expr]:
    """A nested building expression's values, or the expression itself."""
    return _interpolated(node) if _builds(node) else [node]


def _model_metadata(value: ast.Attribute) -> bool:
    """`<x>._meta.db_table`, `<x>._meta.pk.column`: a name read from a model's Meta options."""
    if value.attr not in META_NAMES:
        return False
    node: ast.AST = value.value
    while isinstance(node, ast.Attribute):
        if node.attr == "_meta":
            return True
        node = node.value
    return False
