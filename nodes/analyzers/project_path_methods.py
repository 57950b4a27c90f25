"""A pathlib-named method the receiver's own project class defines is no file-system call.

The path-traversal rules treat `x.exists()`, `x.open()`, `x.read_text()`, ... as pathlib calls
on a path built from request data. When every way `x` was made names project classes
(receiver_classes.py) and each of them defines the method itself, undecorated
(`r = Record(name=hostname); r.exists(zone)` looking a DNS record up over an HTTP API), the
call runs the project's code, not pathlib's: the finding is kept at low confidence. A receiver
of unknown class, a class deriving from one the project does not define (pathlib.Path), and a
line that also calls open(), send_file() or an os / shutil function keep it.
"""

from __future__ import annotations

import ast

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.helper_summaries import _calls_at
from devsecbots.nodes.analyzers.method_returns import bound_methods
from devsecbots.nodes.analyzers.project_trees import tree_parents
from devsecbots.nodes.analyzers.receiver_classes import ProjectClasses, lowered_with_classes

RULES = frozenset({"devsecbots.flask.path-traversal", "devsecbots.fastapi.path-traversal"})
PATH_METHODS = frozenset(
    {"read_text", "read_bytes", "write_text", "write_bytes", "open", "exists", "is_file"}
    | {"is_dir", "unlink", "rmdir", "mkdir", "touch", "iterdir", "rename", "stat"}
)
FILE_CALLS = frozenset({"send_file", "copy", "copyfile", "copy2", "move", "remove", "makedirs"})
WHY = (
    "the pathlib-named call is a method the receiver's project class defines itself: it runs "
    "the project's code, not a file-system operation on a path"
)


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, a path sink that is a project class's own method at low confidence."""
    return lowered_with_classes(findings, files, RULES, WHY, _own_methods_only)


def _own_methods_only(tree: ast.AST, line: int, project: ProjectClasses) -> bool:
    """Whether every pathlib-named call on `line` is a project class's own method, and nothing
    else there touches files."""
    parents = tree_parents(tree)
    named = _calls_at(tree, line, set(PATH_METHODS))
    if _calls_at(tree, line, set(FILE_CALLS)) or any(_plain_open(c) for c in named):
        return False
    return bool(named) and all(
        bound_methods(call, parents, project) and _own_classes(call, parents, project)
        for call in named
    )


def _own_classes(call: ast.Call, parents: dict[ast.AST, ast.AST], project: ProjectClasses) -> bool:
    """Every class of the receiver derives only from project classes (or object)."""
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else call.func
    todo = list(project.instance_of(receiver, parents) or [])
    seen: set[int] = set()
    while todo:
        cls = todo.pop()
        if id(cls) in seen:
            continue
        seen.add(id(cls))
        for base in cls.bases:
            if isinstance(base, ast.Name) and base.id == "object":
                continue
            found = project.classes.get(base.id, []) if isinstance(base, ast.Name) else []
            if not found:
                return False
            todo.extend(found)
    return bool(seen)


def _plain_open(call: ast.Call) -> bool:
    """open(...) itself, or io.open / codecs.open / os.open: no method of a project object."""
    return not isinstance(call.func, ast.Attribute) or (
        isinstance(call.func.value, ast.Name) and call.func.value.id in {"io", "codecs", "os"}
    )
