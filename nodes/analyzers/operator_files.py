"""yaml.load(FullLoader) of a file the operator owns: a path from the code, environment or settings.

Bandit B506 flags every yaml.load without a safe Loader. The weakness is attacker-written YAML
building Python objects. FullLoader (PyYAML 5.4+) no longer calls arbitrary callables
(python/object/apply is the unsafe loader's only), and a file whose path is written in the code,
read from an environment variable or from the deployment's settings (`open(os.environ.get("X",
"/etc/app/logging.yaml"))`) is the operator's configuration: whoever writes it already runs the
application. Request data in the path, another stream, or the unsafe Loader keep the finding.
"""

from __future__ import annotations

import ast

from devsecbots.nodes.analyzers.name_bindings import Scopes
from devsecbots.nodes.analyzers.settings_reads import reads_settings

FULL_LOADERS = frozenset({"FullLoader"})
_PATH_CALLS = frozenset({"Path", "PurePath", "str", "join", "expanduser", "abspath", "realpath"})
_ENV_CALLS = frozenset({"os.environ.get", "environ.get", "os.getenv", "getenv"})
_OPENERS = frozenset({"open", "read_text", "read_bytes"})
_DEPTH = 4
WHY = (
    "yaml.load with FullLoader (no arbitrary callables since PyYAML 5.4) of a file whose path is "
    "fixed in the code or set by the operator (environment, settings): operator configuration"
)


def operator_yaml_reason(tree: ast.AST, line: int) -> str:
    """WHY when the yaml.load at `line` reads an operator-owned file with FullLoader ('' if not)."""
    scopes = Scopes(tree)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and node.lineno == line and _dotted(node.func)):
            continue
        if _dotted(node.func).rsplit(".", 1)[-1] != "load" or not node.args:
            continue
        loader = node.args[1] if len(node.args) > 1 else None
        loader = next((k.value for k in node.keywords if k.arg == "Loader"), loader)
        if loader is None or _dotted(loader).rsplit(".", 1)[-1] not in FULL_LOADERS:
            return ""
        return WHY if _operator_stream(node.args[0], scopes, _DEPTH) else ""
    return ""


def _operator_stream(stream: ast.AST, scopes: Scopes, depth: int) -> bool:
    """Whether `stream` is a file opened from an operator path (directly or through a name)."""
    if depth <= 0:
        return False
    if isinstance(stream, ast.Name):
        found = scopes.reaching(stream.id, stream)
        return bool(found) and all(
            b.kind == "value" and _operator_stream(b.node, scopes, depth - 1) for b in found
        )
    if not isinstance(stream, ast.Call):
        return False
    name = _dotted(stream.func)
    if name == "open" and stream.args:
        return operator_path(stream.args[0], scopes, depth)
    if isinstance(stream.func, ast.Attribute) and stream.func.attr in _OPENERS | {"read"}:
        return operator_path(stream.func.value, scopes, depth) or _operator_stream(
            stream.func.value, scopes, depth - 1
        )
    return False


def operator_path(path: ast.AST, scopes: Scopes, depth: int = _DEPTH) -> bool:
    """Whether the path expression is built only from literals, environment variables and
    settings values."""
    if depth <= 0:
        return False
    if isinstance(path, ast.Constant):
        return isinstance(path.value, str)
    if isinstance(path, ast.Name):
        found = scopes.reaching(path.id, path)
        return bool(found) and all(
            b.kind == "value" and operator_path(b.node, scopes, depth - 1) for b in found
        )
    if isinstance(path, ast.JoinedStr):
        return all(operator_path(v, scopes, depth) for v in path.values)
    if isinstance(path, ast.FormattedValue):
        return operator_path(path.value, scopes, depth)
    if isinstance(path, ast.BinOp) and isinstance(path.op, ast.Add | ast.Div):
        return operator_path(path.left, scopes, depth) and operator_path(path.right, scopes, depth)
    if isinstance(path, ast.Subscript) and _dotted(path.value) in ("os.environ", "environ"):
        return True
    if isinstance(path, ast.Call) and _dotted(path.func) in _ENV_CALLS:
        return all(operator_path(a, scopes, depth) for a in path.args)
    if isinstance(path, ast.Call) and _dotted(path.func).rsplit(".", 1)[-1] in _PATH_CALLS:
        return not path.keywords and all(operator_path(a, scopes, depth) for a in path.args)
    return isinstance(path, ast.Subscript | ast.Attribute | ast.Call) and reads_settings(
        path, scopes
    )


def _dotted(node: ast.AST) -> str:
    """The dotted text of a name or attribute chain ('' for anything else)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        owner = _dotted(node.value)
        return f"{owner}.{node.attr}" if owner else ""
    return ""
