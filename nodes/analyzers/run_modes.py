"""Conditions that only exempt debug, test and command-line runs: a deployed server meets them.

A start-up check often spares the runs that are not a deployed server: `not DEBUG`,
`not app.testing`, `"pytest" not in sys.modules`, `not _started_from_cli`. Such a condition is
true whenever the application runs as a deployed server, so a refusal behind it is a production
guarantee. A part holds when deployed if it is

- `not <flag>`, the flag a name, attribute or settings key named for debugging, testing or the
  command line (`DEBUG`, `app.testing`, `config["TESTING"]`, `_started_from_cli`), unless the
  module binds that name to a value that is on by default (`DEBUG = True`,
  `DEBUG = os.getenv("DEBUG", "1")`): then the normal run is a debug run;
- `"<test runner>" not in sys.modules` (pytest, unittest, nose);
- an `and` of such parts.

Anything else may be false in a normal deployed run: a plain `DEBUG` (only in debug), an opt-in
`ENFORCE_SECRET`, `ENV == "production"` (only when the deployer sets it), `"gunicorn" not in
sys.modules` (the server itself).
"""

from __future__ import annotations

import ast

from devsecbots.nodes.security_words import spelled, words

_MODE_WORDS = frozenset({"debug", "debugging", "testing", "test", "tests", "cli"})
_TEST_RUNNERS = frozenset({"pytest", "unittest", "nose", "_pytest"})
_ON = (True, 1, "1", "true", "True", "TRUE", "yes", "on")


def holds_when_deployed(test: ast.expr, tree: ast.Module) -> bool:
    """Whether `test` is true in every run of the module as a deployed server."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return all(holds_when_deployed(part, tree) for part in test.values)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _mode_flag(test.operand) and not _on_by_default(test.operand, tree)
    return _no_test_runner(test)


def _mode_flag(node: ast.expr) -> bool:
    """`DEBUG`, `app.debug`, `config["TESTING"]`, `config.get("DEBUG")`, `_started_from_cli`."""
    if isinstance(node, ast.Subscript):
        name = spelled(node.slice)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
        name = spelled(node.args[0]) if node.func.attr == "get" else ""
    else:
        name = spelled(node) if isinstance(node, ast.Name | ast.Attribute) else ""
    return bool(words(name) & _MODE_WORDS)


def _on_by_default(flag: ast.expr, tree: ast.Module) -> bool:
    """Whether the module binds the flag's name to a value that is on unless configured off."""
    if not isinstance(flag, ast.Name):
        return False
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == flag.id for t in statement.targets
        ):
            value = statement.value
            if isinstance(value, ast.Constant) and value.value in _ON:
                return True
            if isinstance(value, ast.Call) and len(value.args) >= 2:
                default = value.args[1]
                if isinstance(default, ast.Constant) and default.value in _ON:
                    return True
    return False


def _no_test_runner(test: ast.expr) -> bool:
    """`"pytest" not in sys.modules`."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return False
    module, where = test.left, test.comparators[0]
    return (
        isinstance(test.ops[0], ast.NotIn)
        and isinstance(module, ast.Constant)
        and module.value in _TEST_RUNNERS
        and isinstance(where, ast.Attribute)
        and where.attr == "modules"
        and spelled(where.value) == "sys"
    )
