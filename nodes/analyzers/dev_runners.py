"""A server bound to every interface by a development runner, not by the deployment.

The bind-all-interfaces rules flag a server started on 0.0.0.0. Two shapes say that call only
ever runs on a developer's machine, so the finding stays reported at low confidence:

- `uvicorn.run(..., reload=True)`: uvicorn documents auto-reload as a development feature (it
  watches the source tree and restarts the worker), never how a deployment runs;
- a Flask `app.run(...)` or `uvicorn.run(app, ...)` started from the module's `if __name__ ==
  "__main__":` block (directly or through a function that block calls), in a project whose
  deployment files start a production server (gunicorn, uWSGI, uvicorn, ...) on that module or
  on one importing it: the runner is the contributors' `python run.py`, production_entries.py
  names what is deployed;
- such a `__main__` runner that only an editor's debugger configuration starts: the script is
  named in `.vscode/` or `.idea/` files (a launch.json "program", a run configuration) and in no
  other file of the project, Python or not (prose aside): no Dockerfile, Procfile, compose file,
  script or packaging entry runs it, so it is a contributor's debug target.

A single-file app with `app.run(host="0.0.0.0")` and no production entry keeps its finding, as
does any run() outside a `__main__` block (imported, so it may be how the app is served).
"""

from __future__ import annotations

import ast
import re
from pathlib import PurePosixPath

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.low_confidence import lowered
from devsecbots.nodes.analyzers.production_entries import dotted, production_entries, serves
from devsecbots.nodes.analyzers.project_trees import parse_files
from devsecbots.nodes.dev_settings import PROSE_SUFFIXES as PROSE

FASTAPI_BIND = "devsecbots.fastapi.bind-all-interfaces"
FLASK_BIND = "devsecbots.flask.bind-all-interfaces"
_EDITOR_DIRS = frozenset({".vscode", ".idea"})  # VS Code launch.json, JetBrains run configurations


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, with bind-all-interfaces in a development runner at low confidence."""
    relevant = [
        f
        for f in findings
        if f["rule_id"] in (FASTAPI_BIND, FLASK_BIND) and f["confidence"] != "low"
    ]
    if not relevant:
        return findings
    trees = parse_files(files)
    out = []
    for finding in findings:
        tree = trees.get(finding["file"])
        if tree is not None and any(finding is f for f in relevant):
            why = _why_low(finding, tree, files)
            finding = lowered(finding, why) if why else finding
        out.append(finding)
    return out


def _why_low(finding: Finding, tree: ast.Module, files: dict[str, str]) -> str:
    """Why the server started at the finding's line is a development runner ('' if not)."""
    call = next(
        (
            n
            for n in ast.walk(tree)
            if isinstance(n, ast.Call)
            and n.lineno <= finding["line"] <= (n.end_lineno or n.lineno)
            and isinstance(n.func, ast.Attribute)
            and n.func.attr == "run"
        ),
        None,
    )
    if call is None:
        return ""
    if finding["rule_id"] == FASTAPI_BIND:
        if any(k.arg == "reload" and _is_true(k.value) for k in call.keywords):
            return "reload=True starts uvicorn's auto-reloading development server"
    function = _run_as_script(tree, call)
    if function is None or _installed_command(finding["file"], function, files):
        return ""
    for entry in production_entries(files):
        if serves(entry, finding["file"], files):
            return (
                f"a contributor's runner (its __main__ block); the deployment serves "
                f"{entry.module} with {entry.server} ({entry.where})"
            )
    launchers = _editor_launchers(finding["file"], files)
    if launchers:
        return (
            f"a contributor's debug target (its __main__ block): only the editor's launch "
            f"configuration ({launchers[0]}) starts this script"
        )
    return ""


def _editor_launchers(path: str, files: dict[str, str]) -> list[str]:
    """The editor configuration files naming the script at `path`, when no other file does."""
    script = PurePosixPath(path).name
    word = re.compile(rf"(?<![\w.-]){re.escape(script)}(?![\w.-])")
    naming = [p for p, text in files.items() if p != path and word.search(text)]
    editor = [p for p in naming if _EDITOR_DIRS & set(PurePosixPath(p).parts[:-1])]
    others = [p for p in naming if p not in editor and PurePosixPath(p).suffix not in PROSE]
    return sorted(editor) if editor and not others else []


def _run_as_script(tree: ast.Module, call: ast.Call) -> str | None:
    """How `call` runs only when the module is run as a script: '' inside its `__main__` block,
    the name of the module-level function that block calls around it; None otherwise."""
    main_blocks = [s for s in tree.body if isinstance(s, ast.If) and _is_main_test(s.test)]
    if any(_contains(block, call) for block in main_blocks):
        return ""
    called = {
        n.func.id
        for block in main_blocks
        for n in ast.walk(block)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
    }
    return next(
        (
            s.name
            for s in tree.body
            if isinstance(s, ast.FunctionDef) and s.name in called and _contains(s, call)
        ),
        None,
    )


def _installed_command(path: str, function: str, files: dict[str, str]) -> bool:
    """Whether packaging installs `function` of the module at `path` as a command
    (`serve = "pkg.run:main"`): then it may be how the app is served."""
    spec = f"{dotted(path).rsplit('.', 1)[-1]}:{function}"
    return bool(function) and any(
        spec in text for p, text in files.items() if not p.endswith(".py") or p.endswith("setup.py")
    )


def _is_main_test(test: ast.expr) -> bool:
    """`__name__ == "__main__"` (either way round)."""
    if not (
        isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)
    ):
        return False
    sides = [test.left, test.comparators[0]]
    return any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides) and any(
        isinstance(s, ast.Constant) and s.value == "__main__" for s in sides
    )


def _contains(scope: ast.AST, node: ast.AST) -> bool:
    return any(n is node for n in ast.walk(scope))


def _is_true(value: ast.expr) -> bool:
    return isinstance(value, ast.Constant) and value.value is True
