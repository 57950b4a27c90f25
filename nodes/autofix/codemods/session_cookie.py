"""Session cookie without Secure / HttpOnly / SameSite -> the app's SESSION_COOKIE_* settings."""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst
from devsecbots.nodes.analyzers.flask_checklist import SESSION_COOKIE, project_findings
from devsecbots.nodes.autofix.base import Codemod, Project, Site
from devsecbots.nodes.autofix.edits import Edits, expr, stmt
from devsecbots.nodes.autofix.flask_app import flask_apps
from devsecbots.nodes.autofix.tree import Tree, string_value

WANTED = {
    "SESSION_COOKIE_SECURE": 'os.environ.get("SESSION_COOKIE_SECURE", "1") != "0"',
    "SESSION_COOKIE_HTTPONLY": "True",
    "SESSION_COOKIE_SAMESITE": '"Lax"',
}


class SessionCookie(Codemod):
    name = "session-cookie"
    rule_ids = frozenset({SESSION_COOKIE})
    cwes = frozenset({"CWE-614", "CWE-1004", "CWE-1275"})
    pattern = "Flask app whose session cookie lacks Secure/HttpOnly/SameSite"
    topic = r"session"

    def sites(self, tree: Tree, path: str, project: Project) -> list[Site]:
        apps = flask_apps(tree)
        if not apps:
            return []
        app = apps[0]
        spans = [(1, max(1, len(tree.lines)))]
        files = dict(project.files) | {path: tree.source}
        if not any(f["rule_id"] == SESSION_COOKIE for f in project_findings(files)):
            return [Site(spans=spans, reason="session-cookie: the flags are already set")]
        weak = _weak_values(tree)
        missing = [k for k in WANTED if k not in tree.source]  # set after the app's own config

        def plan(edits: Edits) -> str:
            for key, node in weak:
                edits.swap(node, _constant(WANTED[key]))
            if missing:
                settings = "".join(f"    {k}={WANTED[k]},\n" for k in missing)
                edits.insert_after(
                    app.setup_end, [stmt(f"{app.name}.config.update(\n{settings})\n")]
                )
            return "session cookie: Secure (unless SESSION_COOKIE_SECURE=0), HttpOnly, SameSite=Lax"

        return [Site(spans=spans, plan=plan, imports=[("os", None)])]


def _constant(text: str) -> Callable[[cst.CSTNode], cst.CSTNode]:
    """A replacer that puts the expression `text` in place of whatever it is given."""
    return lambda _: expr(text)


def _weak_values(tree: Tree) -> list[tuple[str, cst.BaseExpression]]:
    """Literal False/None/"None" values given to SESSION_COOKIE_* keys in this file."""
    found: list[tuple[str, cst.BaseExpression]] = []
    for assign in tree.find(cst.Assign):
        for target in assign.targets:
            key = _key(target.target)
            if key in WANTED and _weak(key, assign.value):
                found.append((key, assign.value))
    for arg in tree.find(cst.Arg):
        if (
            arg.keyword is not None
            and arg.keyword.value in WANTED
            and _weak(arg.keyword.value, arg.value)
        ):
            found.append((arg.keyword.value, arg.value))
    for element in tree.find(cst.DictElement):
        key = string_value(element.key)
        if key in WANTED and _weak(key, element.value):
            found.append((key, element.value))
    return found


def _key(target: cst.BaseExpression) -> str | None:
    if isinstance(target, cst.Name):
        return target.value
    if isinstance(target, cst.Subscript) and len(target.slice) == 1:
        index = target.slice[0].slice
        return string_value(index.value) if isinstance(index, cst.Index) else None
    return None


def _weak(key: str, value: cst.BaseExpression) -> bool:
    if isinstance(value, cst.Name):
        return value.value in ("False", "None")
    text = string_value(value)
    return key == "SESSION_COOKIE_SAMESITE" and text is not None and text.lower() in ("none", "")
