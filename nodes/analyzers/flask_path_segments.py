"""Flask path-traversal findings whose URL segments cannot take the path out of its directory.

Werkzeug matches a `<name>` / `<string:name>` URL variable against one path segment: it holds
no "/" (the server decodes "%2F" before routing, and the decoded "/" does not match). As the
last component of a path (`os.path.join(base, name)`, `f"{base}/{name}"`) it names an entry of
that directory, or "." / "..": the directory or its parent, which a call that only opens, sends,
removes or tests a file refuses (`open`, `send_file`, `os.remove` / `unlink`, `os.path.isfile`).
The FastAPI reading (fastapi_path_params.py) is the same; this one follows the path the same
way. Still blocking: `<path:name>`, any `request` value in the path, a segment followed by more
components (`base/<user>/x`: ".." reaches the parent's `x`), a parameter rebound in the view, a
call that also acts on a directory (`os.listdir`, `os.path.exists`, `shutil.rmtree`) - unless,
for any of the rule's calls, every segment follows a fixed name it can at most climb back over
and the path ends on a fixed name (confined_paths.py: `os.path.join(BASE, "u", name, "a.png")`).
A backslash separates only on Windows: the reading is for POSIX servers.
"""

from __future__ import annotations

import ast

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.confined_paths import Request, confined_reason
from devsecbots.nodes.analyzers.fastapi_path_params import (
    last_component,
    prefix_of,
    request_names,
    resolved,
)
from devsecbots.nodes.analyzers.local_assignments import called_name
from devsecbots.nodes.analyzers.low_confidence import lowered_by
from devsecbots.nodes.analyzers.name_bindings import Scopes
from devsecbots.nodes.analyzers.typed_route_params import route_converters, typed_parameters

RULES = frozenset({"devsecbots.flask.path-traversal"})
FILE_CALLS = frozenset({"open", "send_file", "remove", "unlink", "isfile"})  # refuse a directory
# The rule's other sinks: one of them on the line, given a request value, keeps the finding.
OTHER_SINKS = frozenset(
    {
        "copy", "copy2", "copyfile", "copytree", "move", "rmtree", "rmdir", "removedirs",
        "rename", "replace", "mkdir", "makedirs", "listdir", "scandir", "stat", "chmod",
        "chown", "truncate", "exists", "isdir", "getsize", "getmtime", "lexists", "read_text",
        "read_bytes", "write_text", "write_bytes", "is_file", "is_dir", "touch", "iterdir",
    }
)  # fmt: skip
SEGMENT_CONVERTERS = frozenset({"string", "default"})
MODULES = frozenset({"os", "os.path", "posixpath", "shutil"})

Function = ast.FunctionDef | ast.AsyncFunctionDef


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, a Flask path traversal fed only by a last URL segment at low."""
    return lowered_by(findings, files, RULES, segment_reason)


def segment_reason(tree: ast.Module, line: int) -> str:
    """Why no sink call on the line can leave its directory ('' when one may)."""
    scopes = Scopes(tree)
    reasons = []
    for call in ast.walk(tree):
        if not (isinstance(call, ast.Call) and call.lineno <= line <= (call.end_lineno or line)):
            continue
        name = called_name(call.func)
        if name in FILE_CALLS | OTHER_SINKS:
            last = _why_call(call, tree, scopes) if name in FILE_CALLS else ""
            reasons.append(last or _why_confined(call, tree, scopes))
    return reasons[0] if reasons and all(reasons) else ""


def _why_call(call: ast.Call, tree: ast.Module, scopes: Scopes) -> str:
    """Why the call's path holds one URL segment as its last component and no other request
    value ('' when it may hold more)."""
    view = scopes.function_of(call)
    argument = call.args[0] if call.args else None
    if not isinstance(view, Function) or argument is None:
        return ""
    outside: set[str] = set()
    reached = request_names(argument, view, scopes, outside)
    last = last_component(resolved(argument, view, scopes), scopes)
    prefix = request_names(prefix_of(argument, view, scopes), view, scopes)
    if (
        last in segment_params(view)
        and not _segments_redefined(tree)
        and reached == {last}
        and prefix == set()
        and not any(_is_request(n, tree) for n in outside)
    ):
        return (
            f"'{last}' is one URL segment (Werkzeug routes no '/' into it) and the last "
            f"component of the path: at most '..' names a directory, which "
            f"{called_name(call.func)}() refuses as a file"
        )
    return ""


def _why_confined(call: ast.Call, tree: ast.Module, scopes: Scopes) -> str:
    """Why every path the call takes from the request stays inside its first component
    (confined_paths.py; '' when one may not)."""
    view = scopes.function_of(call)
    if not isinstance(view, Function):
        return ""

    def reaches(node: ast.AST) -> set[str] | None:
        outside: set[str] = set()
        found = request_names(node, view, scopes, outside)
        return None if any(_is_request(n, tree) for n in outside) else found

    request = Request(
        segments=frozenset(set() if _segments_redefined(tree) else segment_params(view)),
        free=frozenset(typed_parameters(view)),
        reaches=reaches,
    )
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    paths = list(call.args)
    if receiver is not None and ast.unparse(receiver) not in MODULES:
        paths.insert(0, receiver)  # a pathlib method: the path is the receiver
    reasons = []
    for path in paths:
        reached = reaches(path)
        if reached is None:
            return ""
        if reached:
            reasons.append(confined_reason(path, view, scopes, request))
    return reasons[0] if reasons and all(reasons) else ""


def segment_params(view: Function) -> set[str]:
    """The view's parameters that every route matches against one segment (`<name>`,
    `<string:name>`; not `<path:name>`)."""
    parameters = {a.arg for a in view.args.args + view.args.kwonlyargs}
    return {
        name
        for name, kinds in route_converters(view).items()
        if kinds <= SEGMENT_CONVERTERS and name in parameters
    }


def _segments_redefined(tree: ast.Module) -> bool:
    """The module replaces the converter of plain `<name>` variables
    (`app.url_map.converters["default"] = PathConverter`)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if (
                    isinstance(target, ast.Subscript)
                    and isinstance(target.value, ast.Attribute)
                    and target.value.attr == "converters"
                    and isinstance(target.slice, ast.Constant)
                    and target.slice.value in SEGMENT_CONVERTERS
                ):
                    return True
    return False


def _is_request(name: str, tree: ast.Module) -> bool:
    """`request`, `flask`, or a name some import in the module binds to either (`from flask
    import request as req`, `import flask as f`)."""
    if name in {"request", "flask"}:
        return True
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "flask":
            if any(a.name == "request" and a.asname == name for a in node.names):
                return True
        if isinstance(node, ast.Import):
            if any(a.name.split(".")[0] == "flask" and a.asname == name for a in node.names):
                return True
    return False
