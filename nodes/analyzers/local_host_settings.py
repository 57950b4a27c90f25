"""A Django setting made insecure only in the branch for a site served on this machine.

`if DOMAIN == "localhost": SESSION_COOKIE_SECURE = False` / `else: SESSION_COOKIE_SECURE = True`
lets a developer log in over plain http on their own machine, while every deployment under a real
host name gets the secure value, as a value read from the environment would. Such a settings
finding (cookie Secure flags, HTTPS redirect, HSTS, DEBUG, ...) is kept at low confidence when
the flagged assignment sits in the body of an `if` whose test compares something, with `==` or
`in`, only to loopback names ("localhost", "127.0.0.1", "::1"), and whose `else` assigns the same
setting a value that is not the insecure one. A negated test, `!=`, another host name, a missing
`else` or an `else` that is insecure too keeps the finding blocking.
"""

from __future__ import annotations

import ast

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.django_settings_facts import SETTING_OF, insecure_literal
from devsecbots.nodes.analyzers.low_confidence import lowered_by
from devsecbots.nodes.analyzers.project_trees import walk

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, settings made insecure only for a site on this machine at low confidence."""
    by_line = {}
    for finding in findings:
        if finding["rule_id"] in SETTING_OF:
            by_line[(finding["file"], finding["line"])] = SETTING_OF[finding["rule_id"]]
    return lowered_by(findings, files, set(SETTING_OF), _why_for(by_line))


def _why_for(settings: dict[tuple[str, int], str]):
    """A reason function for lowered_by that knows which setting each finding is about."""

    def why(tree: ast.Module, line: int) -> str:
        names = {name for (_, at), name in settings.items() if at == line}
        return next((w for name in sorted(names) if (w := local_only_reason(tree, line, name))), "")

    return why


def local_only_reason(tree: ast.Module, line: int, setting: str) -> str:
    """Why `setting`, assigned an insecure value at `line`, is insecure only on this machine."""
    for node in walk(tree):
        if not (isinstance(node, ast.If) and _tests_loopback(node.test)):
            continue
        if not any(_assigns_insecure(s, setting, line) for s in node.body):
            continue
        others = [v for s in node.orelse for v in _assigned(s, setting)]
        if others and not any(insecure_literal(setting, v) for v in others):
            return (
                f"{setting} is insecure only when the site is served on this machine "
                f"(`if {ast.unparse(node.test)}:`); the else branch sets it for every other host"
            )
    return ""


def _tests_loopback(test: ast.expr) -> bool:
    """`x == "localhost"`, `"localhost" == x` or `x in ("localhost", "127.0.0.1")`."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return False
    op, left, right = test.ops[0], test.left, test.comparators[0]
    if isinstance(op, ast.Eq):
        return _loopback(left) or _loopback(right)
    if isinstance(op, ast.In) and isinstance(right, ast.Tuple | ast.List | ast.Set):
        return bool(right.elts) and all(_loopback(e) for e in right.elts)
    return False


def _loopback(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value in LOOPBACK_NAMES


def _assigns_insecure(statement: ast.stmt, setting: str, line: int) -> bool:
    """Whether `statement` is the assignment of `setting` at `line` to its insecure value."""
    return statement.lineno == line and any(
        insecure_literal(setting, v) for v in _assigned(statement, setting)
    )


def _assigned(statement: ast.stmt, setting: str) -> list[ast.expr]:
    """The values a plain `SETTING = value` statement gives `setting` ([] for anything else)."""
    if isinstance(statement, ast.Assign) and any(
        isinstance(t, ast.Name) and t.id == setting for t in statement.targets
    ):
        return [statement.value]
    return []
