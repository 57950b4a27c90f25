"""A hard-coded secret key the application refuses to start with is a placeholder, not a key.

Projects ship a default such as `SECRET_KEY="CHANGE ME"` and stop at start-up unless the deployer
replaced it. Nobody's sessions are signed with such a value, so the finding is kept at low
confidence when the project has, at module level or directly in a function's body (an app
factory), a check

    if <reads the same key> == "<the literal>" / in (..., "<the literal>") / len(<key>) < N:
        <stops>

that the literal fails (`len` of it below N), where <stops> ends every path of the branch: a
`raise`, `sys.exit()`/`exit()`/`os._exit()`, or a project function whose every path does so
(`fatal_error(msg)` printing and exiting).

The check may spare the runs that are not a deployed server: `and not DEBUG and "pytest" not in
sys.modules and not _started_from_cli` in the test, or an enclosing `if not app.debug:`
(run_modes.py). Those conditions hold whenever the application is served, so the deployed app
still refuses the literal. A check under any other condition (only when debugging, only when an
optional ENFORCE flag or ENV == "production" is set), a branch that only warns or logs, or a
check of another key proves nothing: the finding keeps blocking.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.low_confidence import lowered
from devsecbots.nodes.analyzers.project_trees import parse_files
from devsecbots.nodes.analyzers.run_modes import holds_when_deployed
from devsecbots.nodes.security_words import spelled

RULES = frozenset(
    {
        "devsecbots.flask.hardcoded-secret-key",
        "devsecbots.python.hardcoded-secret-key",
        "devsecbots.django.hardcoded-secret-key",
    }
)
_EXITS = frozenset({"exit", "_exit"})


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, a secret key the project refuses to start with at low confidence."""
    if not any(f["rule_id"] in RULES and f["confidence"] != "low" for f in findings):
        return findings
    trees = parse_files(files)
    stoppers = _stopping_functions(trees.values())
    out = []
    for finding in findings:
        tree = trees.get(finding["file"])
        if finding["rule_id"] in RULES and finding["confidence"] != "low" and tree is not None:
            where = _refusal(tree, finding["line"], trees, stoppers)
            if where:
                finding = lowered(
                    finding, f"the application refuses to start with this value ({where})"
                )
        out.append(finding)
    return out


def refused_at(files: dict[str, str], path: str, line: int) -> str:
    """Where the project refuses to start with the key written at `line` of `path` ('' when
    nowhere): the same reading for the codemod, which must leave such a placeholder alone."""
    trees = parse_files(files)
    tree = trees.get(path)
    if tree is None:
        return ""
    return _refusal(tree, line, trees, _stopping_functions(trees.values()))


def _refusal(tree: ast.Module, line: int, trees: dict[str, ast.Module], stoppers: set[str]) -> str:
    """Where the project stops on the literal key written at `line` ('' when nowhere)."""
    written = _written_keys(tree, line)
    for path, other in trees.items():
        for check in _ifs_run_when_deployed(other):
            for key, literal in written:
                if _rejects(check.test, key, literal, other) and _stops(check.body, stoppers):
                    return f"{path}:{check.lineno}"
    return ""


def _written_keys(tree: ast.Module, line: int) -> list[tuple[str, str]]:
    """(key name, literal) pairs the statement at `line` writes: `SECRET_KEY = "x"`,
    `app.secret_key = "x"`, `app.config["SECRET_KEY"] = "x"`, `config.update(SECRET_KEY="x")`
    (over several lines), `os.environ.get(k, "x")`."""
    pairs = []
    statements = [n for n in ast.walk(tree) if isinstance(n, ast.stmt) and n.lineno == line]
    for node in (inner for stmt in statements for inner in ast.walk(stmt)):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                key = spelled(target.slice) if isinstance(target, ast.Subscript) else ""
                key = key or spelled(target)
                pairs += [(key, text) for text in _literals(node.value)]
        if isinstance(node, ast.keyword) and node.arg:
            pairs += [(node.arg, text) for text in _literals(node.value)]
        if isinstance(node, ast.Dict):
            for k, v in zip(node.keys, node.values, strict=True):
                if k is not None:
                    pairs += [(spelled(k), text) for text in _literals(v)]
    return [(key.upper(), text) for key, text in pairs if key]


def _literals(value: ast.AST) -> list[str]:
    """The literal itself, or the literal fallback of `environ.get(k, "x")` / `getenv(k, "x")`."""
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return [value.value]
    if isinstance(value, ast.Call) and len(value.args) == 2:
        return _literals(value.args[1])
    return []


def _ifs_run_when_deployed(tree: ast.Module) -> Iterable[ast.If]:
    """`if` statements that run whenever their module or function body does, or whose
    enclosing `if`s only skip debug, test and command-line runs."""
    bodies = [tree.body] + [
        n.body for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
    ]
    pending = [stmt for body in bodies for stmt in body if isinstance(stmt, ast.If)]
    while pending:
        check = pending.pop()
        yield check
        if holds_when_deployed(check.test, tree):
            pending += [stmt for stmt in check.body if isinstance(stmt, ast.If)]


def _rejects(test: ast.AST, key: str, literal: str, tree: ast.Module) -> bool:
    """Whether a true `test` follows from the key holding `literal` in a deployed run: one of
    its `or` parts compares a read of the key with the literal, or bounds its length above the
    literal's, alone or `and` conditions that hold when deployed."""
    parts = test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or) else [test]
    return any(_rejecting_conjunction(part, key, literal, tree) for part in parts)


def _rejecting_conjunction(part: ast.AST, key: str, literal: str, tree: ast.Module) -> bool:
    """`<rejecting comparison>` or `<rejecting comparison> and <holds when deployed> ...`."""
    if not (isinstance(part, ast.BoolOp) and isinstance(part.op, ast.And)):
        return _rejecting_part(part, key, literal)
    rejecting = [v for v in part.values if _rejecting_part(v, key, literal)]
    others = [v for v in part.values if not any(v is r for r in rejecting)]
    return bool(rejecting) and all(holds_when_deployed(v, tree) for v in others)


def _rejecting_part(part: ast.AST, key: str, literal: str) -> bool:
    if not (isinstance(part, ast.Compare) and len(part.ops) == 1):
        return False
    left, op, right = part.left, part.ops[0], part.comparators[0]
    if isinstance(op, ast.Eq | ast.In) and _reads_key(left, key):
        return literal in _constants(right)
    if isinstance(op, ast.Eq) and _reads_key(right, key):
        return literal in _constants(left)
    if isinstance(op, ast.Lt | ast.LtE) and _is_len_of_key(left, key):
        bound = right.value if isinstance(right, ast.Constant) else None
        if isinstance(bound, int):
            return len(literal) < bound or (isinstance(op, ast.LtE) and len(literal) == bound)
    return False


def _reads_key(node: ast.AST, key: str) -> bool:
    """`config["SECRET_KEY"]`, `config.get("SECRET_KEY")`, `app.secret_key`, `SECRET_KEY`."""
    if isinstance(node, ast.Subscript):
        return spelled(node.slice).upper() == key
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
        return node.func.attr == "get" and spelled(node.args[0]).upper() == key
    return spelled(node).upper() == key


def _is_len_of_key(node: ast.AST, key: str) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "len"
        and len(node.args) == 1
        and _reads_key(node.args[0], key)
    )


def _constants(node: ast.AST) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return {
            e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)
        }
    return set()


def _stopping_functions(trees: Iterable[ast.Module]) -> set[str]:
    """Project functions every definition of which stops the process on every path."""
    defined: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                defined.setdefault(node.name, []).append(node)
    return {name for name, defs in defined.items() if all(_stops(d.body, set()) for d in defs)}


def _stops(body: list[ast.stmt], stoppers: set[str]) -> bool:
    """Whether a block ends every path by raising or exiting (its last statement decides)."""
    if not body:
        return False
    last = body[-1]
    if isinstance(last, ast.Raise):
        return True
    if isinstance(last, ast.If):
        return _stops(last.body, stoppers) and _stops(last.orelse, stoppers)
    if isinstance(last, ast.Expr) and isinstance(last.value, ast.Call):
        func = last.value.func
        name = func.attr if isinstance(func, ast.Attribute) else spelled(func)
        return name in _EXITS or name in stoppers
    return False
