"""Debug mode switched on only in the branch the operator's own debug switch selects.

`if settings.debug: app.run(debug=True)` or `if config.DEBUG or app.debug: app.debug = True`
turns the debugger on exactly when whoever runs the app asked for it, as
`debug=os.environ.get("FLASK_DEBUG")` does. Such a finding (ours and Bandit's B201) is kept at
low confidence when the statement sits in the body of an `if` whose test reads a value named for
debugging (a name, attribute or string key containing "debug"), outside any `not`. An `else`
branch, a negated switch, `if __name__ == "__main__":` or a test of anything else proves nothing:
the finding keeps blocking.
"""

from __future__ import annotations

import ast

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.low_confidence import lowered_at
from devsecbots.nodes.analyzers.project_trees import walk

RULES = frozenset({"devsecbots.flask.debug-enabled", "B201"})
_OFF = (False, None, 0, "0", "false", "False", "no", "off")
WHY = "debug is switched on only in the branch the operator's own debug setting selects"


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, debug switched on under the operator's debug switch at low confidence."""
    return lowered_at(findings, files, RULES, WHY, under_debug_switch)


def under_debug_switch(tree: ast.Module, line: int) -> bool:
    """Whether `line` lies in the body of an `if` that tests a debug switch."""
    return any(
        isinstance(node, ast.If)
        and _tests_debug_switch(node.test)
        and any(s.lineno <= line <= (s.end_lineno or s.lineno) for s in node.body)
        for node in walk(tree)
    )


def _tests_debug_switch(test: ast.expr) -> bool:
    """Whether the test reads a debug-named value other than through `not`."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return False
    if isinstance(test, ast.BoolOp):
        return any(_tests_debug_switch(value) for value in test.values)
    if isinstance(test, ast.Compare) and any(
        isinstance(c, ast.Constant) and c.value in _OFF for c in test.comparators
    ):
        return False  # `if DEBUG is False:` selects the branch where it is off
    return any(_debug_named(node) for node in walk(test))


def _debug_named(node: ast.AST) -> bool:
    if isinstance(node, ast.Name):
        text = node.id
    elif isinstance(node, ast.Attribute):
        text = node.attr
    elif isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    else:
        return False
    return "debug" in text.lower()
