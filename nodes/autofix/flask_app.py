"""Where a Flask app is created, and where configuration for it belongs."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst
from devsecbots.nodes.autofix.tree import Tree, code


@dataclass
class FlaskApp:
    """One `name = Flask(...)` and the statement after which app setup lines go."""

    name: str
    created: cst.SimpleStatementLine
    setup_end: cst.SimpleStatementLine  # last line of the setup block right after creation


def _is_flask_call(tree: Tree, node: cst.BaseExpression) -> bool:
    if not isinstance(node, cst.Call):
        return False
    names = tree.qualnames(node)
    return "flask.Flask" in names or (not names and code(node.func) in ("Flask", "flask.Flask"))


def _root_name(node: cst.BaseExpression) -> str | None:
    while isinstance(node, (cst.Attribute, cst.Subscript, cst.Call)):
        node = node.value if not isinstance(node, cst.Call) else node.func
    return node.value if isinstance(node, cst.Name) else None


def _touches(statement: cst.BaseStatement, name: str) -> bool:
    """Whether a line configures the app: `app.x = ...`, `app.config[...] = ...`, `app.y(...)`."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    small = statement.body[0]
    if isinstance(small, cst.Assign):
        return all(
            isinstance(t.target, (cst.Attribute, cst.Subscript)) and _root_name(t.target) == name
            for t in small.targets
        )
    if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
        return _root_name(small.value.func) == name
    return False


def flask_apps(tree: Tree) -> list[FlaskApp]:
    """Every `x = Flask(...)` assignment in the file, module level or inside a factory."""
    apps = []
    for assign in tree.find(cst.Assign):
        if len(assign.targets) != 1 or not isinstance(assign.targets[0].target, cst.Name):
            continue
        if not _is_flask_call(tree, assign.value):
            continue
        line = tree.parent(assign)
        block = tree.parent(line) if line is not None else None
        if not isinstance(line, cst.SimpleStatementLine) or block is None:
            continue
        name = assign.targets[0].target.value
        body = list(block.body)  # type: ignore[attr-defined]
        index = next(i for i, s in enumerate(body) if s is line)
        end = line
        for following in body[index + 1 :]:
            if not _touches(following, name):
                break
            end = following
        apps.append(FlaskApp(name=name, created=line, setup_end=end))
    return apps


def mentions(tree: Tree, text: str) -> bool:
    """Whether the source contains `text` anywhere (cheap idempotence checks)."""
    return text in tree.source
