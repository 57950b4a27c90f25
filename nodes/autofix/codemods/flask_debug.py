"""Flask debug mode switched on in code -> only when FLASK_DEBUG asks for it (CWE-489, B201).

FLASK_DEBUG is read as Flask itself reads it (flask.helpers.get_debug_flag): set and not one of
0/false/no in any case, so a developer's FLASK_DEBUG=True or =1 still turns the debugger on.
"""

from __future__ import annotations

import libcst as cst
from devsecbots.nodes.autofix.base import Codemod, Project, Site
from devsecbots.nodes.autofix.edits import Edits, expr
from devsecbots.nodes.autofix.tree import Tree, is_true, keyword, string_value

DEBUG_FROM_ENV = 'os.environ.get("FLASK_DEBUG", "").lower() not in ("", "0", "false", "no")'
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class FlaskDebug(Codemod):
    name = "flask-debug"
    rule_ids = frozenset({"B201", "devsecbots.flask.debug-enabled"})
    cwes = frozenset({"CWE-489", "CWE-215", "CWE-11"})
    pattern = "debug=True"
    topic = r"debug"

    def sites(self, tree: Tree, path: str, project: Project) -> list[Site]:
        found = []
        for call in tree.find(cst.Call):
            arg = keyword(call, "debug")
            is_run = isinstance(call.func, cst.Attribute) and call.func.attr.value == "run"
            if is_run and arg is not None and is_true(arg.value):
                host = keyword(call, "host")
                if host is not None and string_value(host.value) in LOOPBACK:
                    found.append(
                        Site(
                            spans=[tree.span(tree.statement_of(call) or call)],
                            reason="flask-debug: a development server the code binds to this "
                            "machine only (host loopback): the debugger is what it is for",
                        )
                    )
                else:
                    found.append(self._site(tree, arg.value, "run(debug=True)"))
            if (
                isinstance(call.func, cst.Attribute)
                and call.func.attr.value == "update"
                and (arg := keyword(call, "DEBUG")) is not None
                and is_true(arg.value)
            ):
                found.append(self._site(tree, arg.value, "config DEBUG=True"))
        in_flask_code = "flask" in tree.source.lower()
        for assign in tree.find(cst.Assign):
            if not is_true(assign.value):
                continue
            if any(_is_debug_target(t.target, in_flask_code) for t in assign.targets):
                found.append(self._site(tree, assign.value, "DEBUG = True"))
        return found

    def _site(self, tree: Tree, value: cst.BaseExpression, what: str) -> Site:
        def plan(edits: Edits) -> str:
            edits.swap(value, lambda _: expr(DEBUG_FROM_ENV))
            return f"{what} -> debug only when FLASK_DEBUG is on, as Flask reads it (default off)"

        statement = tree.statement_of(value)
        return Site(spans=[tree.span(statement or value)], plan=plan, imports=[("os", None)])


def _is_debug_target(target: cst.BaseExpression, in_flask_code: bool) -> bool:
    """`app.debug`, `app.config["DEBUG"]`, or a Flask config constant `DEBUG`."""
    if isinstance(target, cst.Attribute):
        return target.attr.value == "debug"
    if isinstance(target, cst.Subscript) and len(target.slice) == 1:
        index = target.slice[0].slice
        return isinstance(index, cst.Index) and string_value(index.value) == "DEBUG"
    return in_flask_code and isinstance(target, cst.Name) and target.value == "DEBUG"
