"""A developer tool run by hand: a script that starts the app under a profiler or debug toolbar.

Projects keep small runners next to the application for their own use: `profiler.py` wraps the
app in werkzeug's ProfilerMiddleware and runs it with the debugger on, `manage_dev.py` starts it
with development settings. Nothing deploys them, so their debug switches are what they are for.
A module is such a tool when all of these hold:

- it is a script: the server is started (`app.run`, `run_simple`, `uvicorn.run`,
  `execute_from_command_line`) at module level or under `if __name__ == "__main__":`;
- it builds no application of its own (no `Flask(...)`/`FastAPI(...)`, no route, no
  `create_app` definition): it imports the app it runs;
- it runs the app under a developer instrument applied unconditionally in that script body
  (a profiler middleware or profiler, a debug toolbar, werkzeug's DebuggedApplication), or its
  file name says it is a development runner (profiler.py, run_dev.py, manage_dev.py, devserver.py).

An app's own entry module (`app.py` building the app and ending in `app.run(debug=True)`) is
none of these and stays application code.
"""

from __future__ import annotations

import ast
import re
from pathlib import PurePosixPath

from devsecbots.nodes.analyzers.parsed import parsed_tree

_INSTRUMENTS = frozenset(
    {
        "ProfilerMiddleware",  # werkzeug.middleware.profiler
        "Profile",  # cProfile.Profile / profile.Profile
        "Profiler",  # pyinstrument.Profiler
        "DebugToolbarExtension",  # flask_debugtoolbar
        "DebuggedApplication",  # werkzeug.debug
    }
)
_PROFILER_MODULES = frozenset({"cProfile", "profile", "pyinstrument", "yappi"})
_RUNNERS = frozenset({"run", "run_simple", "execute_from_command_line"})
_APP_BUILDERS = frozenset({"Flask", "FastAPI", "Quart", "Starlette", "Sanic"})
_DEV = r"(dev|devel|development|debug|local|profile|profiler|profiling)"
_RUN = r"(run|runner|server|serve|manage|app|start)"
_DEV_RUNNER_NAME = re.compile(
    rf"^(profiler|profiling|{_DEV}[_-]?{_RUN}|{_RUN}[_-]?{_DEV})$", re.IGNORECASE
)
_QUICK = re.compile(r"\b(ProfilerMiddleware|cProfile|pyinstrument|yappi|DebugToolbar|Debugged)")


def dev_tool_reason(path: str, source: str) -> str:
    """Why the module at `path` is a developer tool run by hand ('' when it is not one)."""
    pure = PurePosixPath(path)
    named = bool(_DEV_RUNNER_NAME.match(pure.stem))
    if pure.suffix != ".py" or not (named or _QUICK.search(source)):
        return ""
    tree = parsed_tree(source)
    if tree is None or _builds_an_app(tree):
        return ""
    body = _script_body(tree.body)
    if not any(_called(node) in _RUNNERS for node in _calls(body)):
        return ""
    instrument = next((n for n in map(_called, _calls(body)) if _is_instrument(n, tree)), "")
    if instrument:
        return f"a developer tool run by hand: starts the app under {instrument}"
    if named:
        return f"a developer tool run by hand: a development runner by its name ({pure.name})"
    return ""


def _script_body(statements: list[ast.stmt]) -> list[ast.stmt]:
    """Statements that run when the file is executed: module level, `with` blocks and the
    `__main__` block, not functions, classes or other conditions."""
    found: list[ast.stmt] = []
    for statement in statements:
        if isinstance(statement, (ast.With, ast.AsyncWith)):
            found.append(ast.Expr(ast.Tuple([i.context_expr for i in statement.items])))
            found.extend(_script_body(statement.body))
        elif isinstance(statement, ast.If):
            if _is_main_guard(statement.test):
                found.extend(_script_body(statement.body))
        elif not isinstance(
            statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Try)
        ):
            found.append(statement)
    return found


def _calls(statements: list[ast.stmt]) -> list[ast.Call]:
    return [n for s in statements for n in ast.walk(s) if isinstance(n, ast.Call)]


def _called(call: ast.Call) -> str:
    """The called name: `run` for `app.run(...)`, `ProfilerMiddleware` for the class."""
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _is_instrument(name: str, tree: ast.Module) -> bool:
    if name not in _INSTRUMENTS:
        return False
    if name != "Profile":
        return True
    return any(_imports(node) & _PROFILER_MODULES for node in tree.body)


def _imports(node: ast.stmt) -> set[str]:
    if isinstance(node, ast.Import):
        return {a.name.split(".")[0] for a in node.names}
    if isinstance(node, ast.ImportFrom) and node.module:
        return {node.module.split(".")[0]}
    return set()


def _builds_an_app(tree: ast.Module) -> bool:
    """Whether the module creates an application itself rather than importing one."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _called(node) in _APP_BUILDERS:
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.name == "create_app" or any(_is_route(d) for d in node.decorator_list):
                return True
    return False


def _is_route(decorator: ast.expr) -> bool:
    call = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(call, ast.Attribute) and call.attr in {"route", "get", "post", "websocket"}


def _is_main_guard(test: ast.expr) -> bool:
    """`__name__ == "__main__"`."""
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and len(test.comparators) == 1
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value == "__main__"
    )
