"""Columns of rows a query fetched: data the application stored, unless a route stores request data.

`export = Export.get(Export.id == export_id)` then `Path(export.video_path).unlink()`: the request
chose which row; the path is what the application wrote into that row. A name holds fetched rows
when every binding it has in the view is a query over one of the project's classes (or an
element of one, or a name that holds such rows):

    Export.select().where(...)  Export.get(...)  User.query.filter_by(...)  Item.objects.filter(...)
    session.query(Item)...      session.get(Item, key)  session.execute(select(Item)...)

wrapped or not in list()/tuple()/iter()/sorted()/next() or `await`. A store into the name
(`export.video_path = body.path`) is a binding too, and spoils it. Reading `row.column` or
`row["column"]` then gives the stored value, not the key that selected the row.

The column is still request data when a route of the project writes request data into it:
`Item(path=value)`, `Item.create(path=value)`, `Item.update({Item.path: value})` name the class;
`row.path = value` (of whatever class) or `setattr(row, name, value)` (any column) do not, and
count for every class; `**value` or a whole mapping passed to the class or its write method
counts for every column of that class. A route is a function with an `@x.get(...)` or
`@x.route(...)`-style decorator. A helper that stores a value a route passed it, or an instance
attribute (`self.camera`) that a route set, is not followed there: such a writer counts as the
server's own (so does a method of a class-based view without such a decorator).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable

from devsecbots.nodes.analyzers.local_assignments import called_name
from devsecbots.nodes.analyzers.name_bindings import COMPREHENSIONS, Scopes

FETCHES = frozenset(
    {"select", "get", "get_or_none", "get_by_id", "get_or_404", "first_or_404", "filter",
     "filter_by", "where"}
)  # fmt: skip
SESSION_FETCHES = frozenset({"query", "get", "execute", "scalars", "scalar", "exec"})
MANAGERS = frozenset({"query", "objects"})  # Flask-SQLAlchemy's Model.query, Django's Model.objects
WRAPPERS = frozenset({"list", "tuple", "iter", "sorted", "next"})
WRITES = frozenset(
    {"create", "insert", "insert_many", "update", "replace", "get_or_create", "update_or_create",
     "bulk_create", "values"}
)  # fmt: skip
ANY_COLUMN = "*"
OPERATIONS = frozenset({"get", "post", "put", "patch", "delete", "api_route", "route", "websocket"})
_DEPTH = 4

Function = ast.FunctionDef | ast.AsyncFunctionDef
Column = tuple[frozenset[str], str]  # the classes a row may be of, the column read
Written = tuple[str, str]  # (class, column) a route writes: '' for a class it does not name
Carries = Callable[[ast.AST, Function, Scopes], bool]  # whether a route's value holds request data


def project_classes(trees: Iterable[ast.AST]) -> frozenset[str]:
    """The names of the classes the project defines."""
    return frozenset(n.name for t in trees for n in ast.walk(t) if isinstance(n, ast.ClassDef))


def column_read(node: ast.AST, scopes: Scopes, classes: frozenset[str]) -> Column | None:
    """(the classes queried, the column) `row.column` / `row["column"]` reads from fetched rows."""
    if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
        parent = scopes.parents.get(node)
        if isinstance(parent, ast.Call) and parent.func is node:
            return None  # a method of the row: what it returns is not a column
        row, column = node.value, node.attr
    elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        row, column = node.value, str(node.slice.value)
    else:
        return None
    queried = _rows(row, scopes, classes, _DEPTH) if isinstance(row, ast.Name) else None
    return (queried, column) if queried else None


def _rows(
    name: ast.Name, scopes: Scopes, classes: frozenset[str], depth: int
) -> frozenset[str] | None:
    """The classes queried when every binding of `name` is fetched rows (a query, an element of
    one); None when one is not."""
    bindings = scopes.bindings(name.id, name)
    function = scopes.function_of(name)
    if depth <= 0 or not bindings or function is None:
        return None
    queried: set[str] = set()
    for binding in bindings:
        scope = binding.scope
        local = scope is function or (
            isinstance(scope, COMPREHENSIONS) and scopes.function_of(scope) is function
        )
        if not local or binding.kind not in {"value", "element"}:
            return None
        source = _unwrapped(binding.node)
        found = (
            _rows(source, scopes, classes, depth - 1)
            if isinstance(source, ast.Name)
            else query_class(source, classes)
        )
        if not found:
            return None
        queried |= {found} if isinstance(found, str) else found
    return frozenset(queried)


def _unwrapped(value: ast.AST) -> ast.AST:
    """`x` for `await x`, `list(x)`, `sorted(x)`, ..."""
    while True:
        if isinstance(value, ast.Await):
            value = value.value
        elif (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id in WRAPPERS
            and len(value.args) == 1
        ):
            value = value.args[0]
        else:
            return value


def query_class(value: ast.AST, classes: frozenset[str]) -> str:
    """The project class a chain of calls and attributes starts by querying ('' when it is no
    such query; see the module docstring)."""
    node = _unwrapped(value)
    while True:
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                selected = node.args[0] if node.args else None
                return _class(selected, classes) if func.id == "select" else ""
            if not isinstance(func, ast.Attribute):
                return ""
            if func.attr in FETCHES and _class(func.value, classes):
                return _class(func.value, classes)
            if func.attr in SESSION_FETCHES and node.args:
                first = _unwrapped(node.args[0])
                found = _class(first, classes) or query_class(first, classes)
                if found:
                    return found
            node = func.value
        elif isinstance(node, ast.Attribute):
            if node.attr in MANAGERS and _class(node.value, classes):
                return _class(node.value, classes)
            node = node.value
        else:
            return ""


def _class(node: ast.AST | None, classes: frozenset[str]) -> str:
    """The name of the project class `node` names ('' when it names none)."""
    return node.id if isinstance(node, ast.Name) and node.id in classes else ""


def request_written_columns(
    trees: Iterable[ast.Module], classes: frozenset[str], carries: Carries
) -> frozenset[Written]:
    """(class, column) pairs some route writes request data into: the class is '' when the
    write does not name it, the column ANY_COLUMN when it may be any."""
    written: set[Written] = set()
    for tree in trees:
        scopes: Scopes | None = None
        for view in (n for n in ast.walk(tree) if isinstance(n, Function) and _is_route(n)):
            scopes = scopes or Scopes(tree)
            for target, value in _writes(view, classes):
                if target not in written and carries(value, view, scopes):
                    written.add(target)
    return frozenset(written)


def request_written(column: Column, written: frozenset[Written]) -> bool:
    """Whether a route may write request data into the column of one of the queried classes."""
    queried, name = column
    return any((cls, col) in written for cls in {"", *queried} for col in {name, ANY_COLUMN})


def _is_route(function: Function) -> bool:
    """A path operation or view: `@app.get(...)`, `@router.post(...)`, `@bp.route(...)`."""
    return any(
        isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr in OPERATIONS
        for d in function.decorator_list
    )


def _writes(view: Function, classes: frozenset[str]) -> Iterable[tuple[Written, ast.AST]]:
    """((class, column), value) of every store into a named attribute or a model's column."""
    for node in ast.walk(view):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for leaf in ast.walk(target):
                    if isinstance(leaf, ast.Attribute) and isinstance(leaf.ctx, ast.Store):
                        yield ("", leaf.attr), node.value
        elif isinstance(node, ast.Call):
            yield from _call_writes(node, classes)


def _call_writes(call: ast.Call, classes: frozenset[str]) -> Iterable[tuple[Written, ast.AST]]:
    """What a call to a project class, or a write method of one or of its query, stores."""
    name = called_name(call.func)
    if name == "setattr" and len(call.args) == 3:
        yield ("", ANY_COLUMN), call.args[2]
        return
    model = _class(call.func, classes)
    if not model and name in WRITES and isinstance(call.func, ast.Attribute):
        receiver = call.func.value
        model = _class(receiver, classes) or query_class(receiver, classes)
    if not model:
        return
    for keyword in call.keywords:
        yield (model, keyword.arg or ANY_COLUMN), keyword.value
    for argument in call.args:
        if isinstance(argument, ast.Dict) and None not in argument.keys:
            for key, value in zip(argument.keys, argument.values, strict=True):
                yield (model, _column_key(key)), value
        else:
            yield (model, ANY_COLUMN), argument


def _column_key(key: ast.AST | None) -> str:
    """`path` for `Item.path` or "path" as a mapping's key (ANY_COLUMN for any other key)."""
    if isinstance(key, ast.Attribute):
        return key.attr
    if isinstance(key, ast.Constant) and isinstance(key.value, str):
        return key.value
    return ANY_COLUMN
