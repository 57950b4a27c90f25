"""Bandit B615 on a model or data set loaded from an absolute local path: no Hub download.

B615 flags `from_pretrained(...)` / `load_dataset(...)` without a pinned revision: a download
from the Hugging Face Hub whose content its owner can change. Both also load a local directory,
and an absolute path (`f"{MODEL_CACHE_DIR}/{name}"` with `MODEL_CACHE_DIR = "/config/cache"`)
is never a Hub repository id (an id is `name` or `owner/name`, no leading "/"): the call reads
files already on this machine, and a revision would mean nothing. The path's first part is read
back to a literal starting with "/": through local names, f-strings, concatenations,
`os.path.join`/`Path` of it, and module-level constants imported from another project module.
A path whose start is not known, or a bare name that may be a repository id, keeps the finding.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from os.path import commonprefix

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.helper_summaries import called_name
from devsecbots.nodes.analyzers.low_confidence import lowered
from devsecbots.nodes.analyzers.name_bindings import Scopes
from devsecbots.nodes.analyzers.project_imports import imported_file
from devsecbots.nodes.analyzers.project_trees import parse_files

RULE = "B615"
LOADERS = {"from_pretrained": "pretrained_model_name_or_path", "load_dataset": "path"}
_PATH_CALLS = frozenset({"join", "Path", "PurePath", "PosixPath", "str", "abspath", "realpath"})
_DEPTH = 8
WHY = (
    "loads from an absolute local path ({start}...), not a Hugging Face Hub repository: nothing "
    "is downloaded, so there is no revision to pin"
)


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, B615 on a load from an absolute local path at low."""
    if not any(f["rule_id"] == RULE and f["confidence"] != "low" for f in findings):
        return findings
    trees = parse_files(files)
    scopes: dict[str, Scopes] = {}
    out = []
    for finding in findings:
        path = finding["file"]
        if finding["rule_id"] == RULE and finding["confidence"] != "low" and path in trees:
            start = _loaded_path_start(path, trees, scopes, finding["line"])
            if start.startswith("/"):
                finding = lowered(finding, WHY.format(start=start))
        out.append(finding)
    return out


def _loaded_path_start(
    path: str, trees: Mapping[str, ast.Module], scopes: dict[str, Scopes], line: int
) -> str:
    """The literal start of what the loader call at `line` loads ('' when not known)."""
    for node in ast.walk(trees[path]):
        if isinstance(node, ast.Call) and node.lineno == line:
            keyword = LOADERS.get(called_name(node.func))
            if keyword is None:
                continue
            source = node.args[0] if node.args else None
            source = next((k.value for k in node.keywords if k.arg == keyword), source)
            return _start(source, path, trees, scopes, _DEPTH) if source is not None else ""
    return ""


def _start(
    expr: ast.AST, path: str, trees: Mapping[str, ast.Module], scopes: dict[str, Scopes], depth: int
) -> str:
    """The literal text `expr` (in module `path`) starts with, the same on every path ('' when
    unknown)."""
    if depth <= 0:
        return ""
    while True:
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
            expr = expr.left
        elif isinstance(expr, ast.JoinedStr) and expr.values:
            expr = expr.values[0]
        elif isinstance(expr, ast.FormattedValue) and expr.conversion == -1:
            expr = expr.value
        elif isinstance(expr, ast.Call) and called_name(expr.func) in _PATH_CALLS and expr.args:
            expr = expr.args[0]  # join("/a", x) and Path("/a") / x stay under "/" or are absolute
        elif isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Div):
            expr = expr.left
        else:
            break
    if isinstance(expr, ast.Constant):
        return expr.value if isinstance(expr.value, str) else ""
    if not isinstance(expr, ast.Name):
        return ""
    module = scopes.setdefault(path, Scopes(trees[path]))
    found = module.reaching(expr.id, expr)
    starts = []
    for binding in found:
        if binding.kind == "value":
            starts.append(_start(binding.node, path, trees, scopes, depth - 1))
        elif binding.kind == "opaque" and isinstance(binding.node, ast.ImportFrom):
            starts.append(_imported_start(expr.id, binding.node, path, trees, scopes, depth - 1))
        else:
            return ""
    return commonprefix(starts) if starts else ""


def _imported_start(
    name: str,
    statement: ast.ImportFrom,
    path: str,
    trees: Mapping[str, ast.Module],
    scopes: dict[str, Scopes],
    depth: int,
) -> str:
    """The start of the module-level value `from m import X as name` binds, m a project module."""
    alias = next((a for a in statement.names if (a.asname or a.name) == name), None)
    source = imported_file(path, statement, trees) if alias else ""
    if not source or alias is None:
        return ""
    values = [
        stmt.value
        for stmt in trees[source].body
        if isinstance(stmt, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == alias.name for t in stmt.targets)
    ]
    if len(values) != 1:
        return ""
    return _start(values[0], source, trees, scopes, depth)
