"""Parameter annotations FastAPI validates into a value that cannot carry a file path.

FastAPI converts a path or query parameter to its annotated type before the view runs and
answers 422 when it cannot. These types leave no room for "/" or "..":

- int, float, bool (builtins, or pydantic's Strict/Positive/... variants);
- uuid.UUID and pydantic's UUID1..UUID5; datetime, date, time, timedelta;
- an Enum (Enum, StrEnum, IntEnum, Flag, IntFlag; a project class deriving from one, resolved
  through the project's imports) whose members are constants without "/", "\\" or "..";
- `Literal[...]` of such constants.

`Annotated[T, ...]`, `Optional[T]`, `Union[...]` and `T | None` count when every member does.
A string annotation, a class the project does not define, or a member value that is not a
constant (a tuple for a custom `__new__`, a call other than auto()) do not.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

from devsecbots.nodes.analyzers.project_imports import (
    binds_at_module_level,
    external_name,
    project_class,
)

BUILTINS = frozenset({"int", "float", "bool"})
EXTERNAL = {
    "uuid": frozenset({"UUID"}),
    "datetime": frozenset({"datetime", "date", "time", "timedelta"}),
    "pydantic": frozenset(
        {"UUID1", "UUID3", "UUID4", "UUID5", "StrictInt", "StrictFloat", "StrictBool"}
        | {
            f"{s}{t}"
            for s in ("Positive", "Negative", "NonNegative", "NonPositive")
            for t in ("Int", "Float")
        }
    ),
}
ENUMS = frozenset({"Enum", "StrEnum", "IntEnum", "Flag", "IntFlag"})
WRAPPERS = frozenset({"Optional", "Union"})
_DEPTH = 4


def path_free(annotation: ast.AST | None, path: str, trees: Mapping[str, ast.Module]) -> bool:
    """Whether a parameter so annotated in module `path` holds a value that cannot be a path."""
    tree = trees.get(path)
    return tree is not None and annotation is not None and _free(annotation, path, trees, 0)


def _free(node: ast.AST, path: str, trees: Mapping[str, ast.Module], depth: int) -> bool:
    tree = trees[path]
    if isinstance(node, ast.Constant) and node.value is None:
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return all(_free(side, path, trees, depth) for side in (node.left, node.right))
    if isinstance(node, ast.Subscript):
        wrapper = _typing_name(node.value, tree)
        items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if wrapper == "Annotated":
            return _free(items[0], path, trees, depth)
        if wrapper in WRAPPERS:
            return all(_free(item, path, trees, depth) for item in items)
        if wrapper == "Literal":
            return all(isinstance(i, ast.Constant) and _path_free_constant(i.value) for i in items)
        return False
    if isinstance(node, ast.Name) and node.id in BUILTINS:
        return not binds_at_module_level(node.id, tree)
    found = project_class(node.id, path, trees) if isinstance(node, ast.Name) else None
    if found is not None:
        return depth < _DEPTH and _safe_enum(found[1], found[0], trees, depth + 1)
    module, _, name = external_name(node, tree).rpartition(".")
    return name in EXTERNAL.get(module.split(".")[0], frozenset())


def _safe_enum(cls: ast.ClassDef, path: str, trees: Mapping[str, ast.Module], depth: int) -> bool:
    """An Enum class (directly or through project enums) whose members are path-free constants."""
    tree = trees[path]
    enum_base = False
    for base in cls.bases:
        external = external_name(base, tree)
        if external.startswith("enum.") and external.removeprefix("enum.") in ENUMS:
            enum_base = True
        elif isinstance(base, ast.Name) and base.id in {"str", "int"}:
            continue
        elif isinstance(base, ast.Name) and depth < _DEPTH:
            found = project_class(base.id, path, trees)
            if found is None or not _safe_enum(found[1], found[0], trees, depth + 1):
                return False
            enum_base = True
        else:
            return False
    return enum_base and all(_harmless_statement(s, tree) for s in cls.body)


def _harmless_statement(stmt: ast.stmt, tree: ast.Module) -> bool:
    """A member `name = constant | auto()`, a method, an annotation, a docstring or `pass`."""
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.Pass | ast.AnnAssign):
        return not isinstance(stmt, ast.AnnAssign) or stmt.value is None
    if isinstance(stmt, ast.Expr):
        return isinstance(stmt.value, ast.Constant)
    if not isinstance(stmt, ast.Assign):
        return False
    value = stmt.value
    if isinstance(value, ast.Call) and not value.args and not value.keywords:
        return external_name(value.func, tree) == "enum.auto"  # an int, or the member's name
    return isinstance(value, ast.Constant) and _path_free_constant(value.value)


def _path_free_constant(value: object) -> bool:
    """A number, a bool, or a text that cannot name another directory."""
    if isinstance(value, bool | int | float):
        return True
    return isinstance(value, str) and not any(part in value for part in ("/", "\\", ".."))


def _typing_name(node: ast.AST, tree: ast.Module) -> str:
    """`Annotated`, `Optional`, ... when the name comes from typing (or typing_extensions)."""
    external = external_name(node, tree)
    module, _, name = external.rpartition(".")
    return name if module in {"typing", "typing_extensions"} else ""
