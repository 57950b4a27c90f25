"""What a module-level name of a project module stands for: a project class, or an import.

`from .schema import Kind` in `app/routes.py` names the class `Kind` of `app/schema.py` (or of
the module that file imports it from, a few steps on); `from uuid import UUID as Id` makes `Id`
the external `uuid.UUID`. Only module-level statements are read: a name bound in a branch or a
function is not resolved (the caller then knows nothing of it).
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Mapping
from pathlib import PurePosixPath

_DEPTH = 4  # re-exports followed


def imported_file(path: str, node: ast.ImportFrom, files: Collection[str]) -> str:
    """The project file `from X import ...` in `path` names ('' when it is not one of `files`)."""
    dotted = (node.module or "").split(".") if node.module else []
    if node.level:
        base = PurePosixPath(path).parents[node.level - 1]
        candidates = [base.joinpath(*dotted)] if dotted else [base]
    else:
        candidates = [PurePosixPath(*dotted)] if dotted else []
    for candidate in candidates:
        for name in (f"{candidate}.py", f"{candidate}/__init__.py"):
            name = name.removeprefix("./")
            if name in files:
                return name
            suffix = [f for f in files if f.endswith("/" + name)]  # a src/ layout
            if len(suffix) == 1:
                return suffix[0]
    return ""


def project_class(
    name: str, path: str, trees: Mapping[str, ast.Module], depth: int = 0
) -> tuple[str, ast.ClassDef] | None:
    """(file, class) module-level `name` of `path` is, following the project's from-imports."""
    tree = trees.get(path)
    if tree is None or depth > _DEPTH:
        return None
    found = None
    for stmt in tree.body:  # the last binding wins, as when the module runs
        if isinstance(stmt, ast.ClassDef) and stmt.name == name:
            found = (path, stmt)
        elif isinstance(stmt, ast.ImportFrom):
            for alias in stmt.names:
                if (alias.asname or alias.name) == name:
                    source = imported_file(path, stmt, trees)
                    found = project_class(alias.name, source, trees, depth + 1) if source else None
        elif _rebinds(stmt, name):
            found = None
    return found


def external_name(node: ast.AST, tree: ast.Module) -> str:
    """`module.Name` that a Name or `alias.Name` in the module imports ('' when not imported)."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        module = _imported_module(node.value.id, tree)
        return f"{module}.{node.attr}" if module else ""
    if not isinstance(node, ast.Name):
        return ""
    found = ""
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom) and not stmt.level:
            for alias in stmt.names:
                if (alias.asname or alias.name) == node.id:
                    found = f"{stmt.module}.{alias.name}"
        elif _rebinds(stmt, node.id) or isinstance(stmt, ast.ClassDef) and stmt.name == node.id:
            found = ""
    return found


def binds_at_module_level(name: str, tree: ast.Module) -> bool:
    """Whether a module-level statement (import, class, def, assignment) binds `name`."""
    for stmt in tree.body:
        if isinstance(stmt, ast.Import | ast.ImportFrom):
            if any((a.asname or a.name.split(".")[0]) == name for a in stmt.names):
                return True
        elif isinstance(stmt, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            if stmt.name == name:
                return True
        elif _rebinds(stmt, name):
            return True
    return False


def _imported_module(name: str, tree: ast.Module) -> str:
    """The module `import m` / `import m as name` binds to `name` ('' when none)."""
    found = ""
    for stmt in tree.body:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname == name or (alias.asname is None and alias.name == name):
                    found = alias.name
    return found


def _rebinds(stmt: ast.stmt, name: str) -> bool:
    """Whether an assignment statement at module level binds `name`."""
    if not isinstance(stmt, ast.Assign | ast.AnnAssign | ast.AugAssign):
        return False
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
    return any(isinstance(n, ast.Name) and n.id == name for t in targets for n in ast.walk(t))
