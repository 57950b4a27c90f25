"""A debug server whose host is a setting that defaults to this machine.

The debug rules (ours and Bandit's B201) already accept `app.run(debug=True, host="127.0.0.1")`:
nobody else can reach the debugger. A launcher that reads its host from the configuration,
`socketio.run(app, host=config.DEBUG_HOST, debug=True)` with `DEBUG_HOST =
os.getenv("DEBUG_HOST", "127.0.0.1")` in the project's config module, listens on this machine
too unless the operator asks for another interface, as the fix the bind-all rule recommends
(`host=os.environ.get("FLASK_RUN_HOST", "127.0.0.1")`) does. Such a finding is kept at low
confidence when the host is a loopback literal or an environment read with a loopback fallback
(`os.getenv` / `os.environ.get`) that no deployment file of the project (Dockerfile, compose or
env file; not Python, not prose) sets to another address, directly, through a module-level name
of the same module, or through `module.NAME` of a project module it imports (every binding of
the name in that module must be one).

No host, a host the code computes, a config lookup (`app.config.get("BIND_ADDRESS",
"127.0.0.1")`: the config may hold 0.0.0.0), a setting bound anywhere to another address, a
variable a deployment file sets to one, or a host this reading cannot find keeps the finding
blocking.
"""

from __future__ import annotations

import ast
import re
from pathlib import PurePosixPath
from typing import TypeGuard

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.low_confidence import lowered
from devsecbots.nodes.analyzers.project_imports import imported_file
from devsecbots.nodes.analyzers.project_trees import parse_files
from devsecbots.nodes.dev_settings import PROSE_SUFFIXES

RULES = frozenset({"devsecbots.flask.debug-enabled", "B201"})
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, a debug server on a host that defaults to loopback at low confidence."""
    if not any(f["rule_id"] in RULES and f["confidence"] != "low" for f in findings):
        return findings
    trees = parse_files(files)
    out = []
    for finding in findings:
        tree = trees.get(finding["file"])
        if finding["rule_id"] in RULES and finding["confidence"] != "low" and tree is not None:
            where = _loopback_default(tree, finding["file"], finding["line"], trees, files)
            if where:
                finding = lowered(
                    finding,
                    f"the debug server listens on this machine unless the operator sets "
                    f"another host ({where})",
                )
        out.append(finding)
    return out


def _loopback_default(
    tree: ast.Module, path: str, line: int, trees: dict[str, ast.Module], files: dict[str, str]
) -> str:
    """The host setting the `run(..., debug=True)` call at `line` reads, when every value it
    may have without configuration is loopback ('' otherwise)."""
    for call in ast.walk(tree):
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "run"
            and call.lineno <= line <= (call.end_lineno or call.lineno)
        ):
            host = next((k.value for k in call.keywords if k.arg == "host"), None)
            return _host_default(host, tree, path, trees, files) if host is not None else ""
    return ""


def _host_default(
    host: ast.expr, tree: ast.Module, path: str, trees: dict[str, ast.Module], files: dict[str, str]
) -> str:
    """`host` spelled, when it is loopback unless configured ('' otherwise)."""
    if isinstance(host, ast.Name):
        values = _module_values(tree, host.id)
    elif isinstance(host, ast.Attribute) and isinstance(host.value, ast.Name):
        module = _imported_module(tree, path, host.value.id, trees)
        values = _module_values(trees[module], host.attr) if module else []
    else:
        values = [host]
    if values and all(_loopback_unless_set(v, files) for v in values):
        return ast.unparse(host)
    return ""


def _loopback_unless_set(value: ast.expr, files: dict[str, str]) -> bool:
    """`"127.0.0.1"`, or `os.getenv(NAME, "127.0.0.1")` / `os.environ.get(NAME, "localhost")`
    where no deployment file of the project sets NAME to another address."""
    if isinstance(value, ast.Constant):
        return value.value in LOOPBACK
    return (
        _environment_read(value)
        and isinstance(value.args[1], ast.Constant)
        and value.args[1].value in LOOPBACK
        and not _set_elsewhere(value.args[0], files)
    )


def _environment_read(value: ast.expr) -> TypeGuard[ast.Call]:
    """`os.getenv(NAME, default)` / `os.environ.get(NAME, default)` (not a config's .get: the
    config may hold any address, as `app.config.get("BIND_ADDRESS", "127.0.0.1")` does)."""
    if not (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and len(value.args) == 2
    ):
        return False
    owner = value.func.value
    if value.func.attr == "getenv":
        return isinstance(owner, ast.Name) and owner.id == "os"
    return (
        value.func.attr == "get"
        and isinstance(owner, ast.Attribute)
        and owner.attr == "environ"
        and isinstance(owner.value, ast.Name)
        and owner.value.id == "os"
    )


def _set_elsewhere(name: ast.expr, files: dict[str, str]) -> bool:
    """Whether a non-Python, non-prose file (Dockerfile, compose, env file, unit) sets the
    variable to something other than a loopback address."""
    if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
        return True
    setting = re.compile(rf"\b{re.escape(name.value)}\b[\"']?\s*[=:]\s*[\"']?([^\s\"']*)")
    for path, text in files.items():
        if path.endswith(".py") or PurePosixPath(path).suffix.lower() in PROSE_SUFFIXES:
            continue
        if any(match.group(1) not in LOOPBACK for match in setting.finditer(text)):
            return True
    return False


def _module_values(tree: ast.Module, name: str) -> list[ast.expr]:
    """Every value the module binds `name` to anywhere (an opaque binding gives no list)."""
    values = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                if node.value is None or isinstance(node, ast.AugAssign):
                    return []
                values.append(node.value)
        elif isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store):
            if not _assigned_plainly(tree, node):
                return []
    return values


def _assigned_plainly(tree: ast.Module, target: ast.Name) -> bool:
    """Whether the stored name is a plain `name = value` target (not a loop or unpacking)."""
    return any(
        isinstance(node, ast.Assign | ast.AnnAssign)
        and any(
            t is target for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
        )
        for node in ast.walk(tree)
    )


def _imported_module(tree: ast.Module, path: str, name: str, trees: dict[str, ast.Module]) -> str:
    """The project file the module-level `name` imports: `from pkg import config` (the
    submodule pkg/config.py), `import pkg.config as config`."""
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if (alias.asname or alias.name) == name:
                    dotted = f"{node.module}.{alias.name}" if node.module else alias.name
                    submodule = ast.ImportFrom(module=dotted, names=[], level=node.level)
                    return imported_file(path, submodule, trees)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname == name:
                    plain = ast.ImportFrom(module=alias.name, names=[], level=0)
                    return imported_file(path, plain, trees)
    return ""
