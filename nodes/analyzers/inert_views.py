"""CSRF exemptions on Flask views that change nothing: a forged request there gains nothing.

Cross-site request forgery makes a victim's browser change something in the victim's name: a
record, a setting, a login. A view that only reads (it renders a page or answers with what the
request or the session holds: `return render_template("ip.html", ip=request.remote_addr)`)
changes nothing when another site posts to it, and that site cannot read the answer. A
csrf-disabled finding on an exempt view whose every statement only reads (read_only_calls.py:
no call but Flask's rendering helpers, builtins, string methods, logging and `.get` on the
request's data, the session, `g` or the environment; no assignment but to plain names) and whose
decorators only route it and exempt it is kept at low confidence. Any other call (a project
function, a model, a session write, a file, another server) or decorator keeps it blocking.
"""

from __future__ import annotations

import ast

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.flask_csrf import exempted_view
from devsecbots.nodes.analyzers.local_assignments import called_name
from devsecbots.nodes.analyzers.low_confidence import lowered_at
from devsecbots.nodes.analyzers.read_only_calls import only_reads

RULES = frozenset({"devsecbots.flask.csrf-disabled"})
ROUTING = frozenset({"route", "get", "post", "put", "patch", "delete", "exempt"})
WHY = (
    "the exempt view only reads (it renders or answers with request data and calls nothing that "
    "writes): a forged cross-site request there changes nothing"
)


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, a CSRF exemption of a view that changes nothing at low confidence."""
    return lowered_at(findings, files, RULES, WHY, exempts_inert_view)


def exempts_inert_view(tree: ast.Module, line: int) -> bool:
    """Whether the exemption on `line` is of a view that only reads."""
    view = exempted_view(tree, line)
    if view is None or not view.body:
        return False
    for decorator in view.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if not (isinstance(target, ast.Attribute) and called_name(target) in ROUTING):
            return False
    return all(only_reads(statement) for statement in view.body)
