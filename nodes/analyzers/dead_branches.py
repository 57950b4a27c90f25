"""Blank out branches that can never run, in the copy of the code semgrep scans.

Semgrep's taint is not path-sensitive: in

    num = 86
    if 7 * 42 - num > 200:
        bar = "constant"
    else:
        bar = param          # never runs
    subprocess.run(f"echo {bar}", shell=True)

it reports request data reaching the command through the branch that cannot run. Here a branch
is dead when its `if` test folds to a constant: number literals, and local names that the
function binds exactly once, to a number literal. Such a branch's lines become one `pass` and
blank lines, so every line stays where it was; anything unsure (a test that does not fold, an
`elif`, a branch sharing a line with other code, a file that does not parse) is left as it is.
"""

from __future__ import annotations

import ast
import operator
from collections import Counter

from devsecbots.nodes.analyzers.parsed import parsed_tree
from devsecbots.nodes.analyzers.project_trees import statement_nodes, walk

_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}
_COMPARE = {
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}
Number = int | float


def blank_dead_branches(source: str) -> str:
    """`source` with the statements of never-taken branches replaced (lines kept)."""
    if "if " not in source:
        return source
    tree = parsed_tree(source)
    if tree is None or not _may_fold(tree):
        return source
    lines = source.splitlines(keepends=True)
    changed = False
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            constants = _local_constants(function)
            for node in statement_nodes(ast.iter_child_nodes(function)):
                if isinstance(node, ast.If):
                    taken = _fold(node.test, constants)
                    if taken is not None:
                        dead = node.orelse if taken else node.body
                        changed |= _blank(dead, node, lines)
    if not changed:
        return source
    rewritten = "".join(lines)
    try:
        ast.parse(rewritten)
    except (SyntaxError, ValueError):
        return source
    return rewritten


def _may_fold(tree: ast.AST) -> bool:
    """Whether some if-test is made only of numbers, names assigned a number literal somewhere,
    and the operators `_fold` reads: a cheap look that rules out most files."""
    nodes = list(walk(tree))
    numbers = {
        n.targets[0].id
        for n in nodes
        if isinstance(n, ast.Assign)
        and len(n.targets) == 1
        and isinstance(n.targets[0], ast.Name)
        and _number(n.value) is not None
    }
    return any(isinstance(n, ast.If) and _folds(n.test, numbers) for n in nodes)


def _folds(node: ast.AST, numbers: set[str]) -> bool:
    """Whether `_fold` could give the expression a value (by its shape and names alone)."""
    if _number(node) is not None:
        return True
    if isinstance(node, ast.Name):
        return node.id in numbers
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return _folds(node.left, numbers) and _folds(node.right, numbers)
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _COMPARE:
        return _folds(node.left, numbers) and _folds(node.comparators[0], numbers)
    return False


def _local_constants(function: ast.AST) -> dict[str, Number]:
    """Names the function binds exactly once, by `name = <number literal>`."""
    nodes = statement_nodes(ast.iter_child_nodes(function))
    bound = Counter(
        n.id for n in nodes if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store | ast.Del)
    )
    bound.update(a.arg for a in ast.walk(function.args) if isinstance(a, ast.arg))  # type: ignore[attr-defined]
    bound.update(
        name for n in nodes if isinstance(n, ast.Global | ast.Nonlocal) for name in n.names
    )
    bound.update(n.name for n in nodes if isinstance(n, ast.FunctionDef | ast.ClassDef))
    constants = {}
    for node in nodes:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and (value := _number(node.value)) is not None
            and bound[node.targets[0].id] == 1
        ):
            constants[node.targets[0].id] = value
    return constants


def _number(node: ast.AST) -> Number | None:
    value = node.value if isinstance(node, ast.Constant) else None
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _fold(node: ast.AST, constants: dict[str, Number]) -> Number | bool | None:
    """The constant value of an expression of numbers and known names, or None."""
    if _number(node) is not None:
        return _number(node)
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _fold(node.left, constants), _fold(node.right, constants)
        if left is None or right is None:
            return None
        try:
            return _BINARY[type(node.op)](left, right)
        except ArithmeticError:
            return None
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _COMPARE:
        left, right = _fold(node.left, constants), _fold(node.comparators[0], constants)
        if left is None or right is None:
            return None
        return bool(_COMPARE[type(node.ops[0])](left, right))
    return None


def _blank(dead: list[ast.stmt], branch: ast.If, lines: list[str]) -> bool:
    """Replace the lines of `dead` (a whole branch body) by `pass` and empty lines."""
    if not dead:
        return False
    first, last = dead[0], dead[-1]
    start, end = first.lineno, last.end_lineno or last.lineno
    if start == branch.lineno or (branch.orelse is dead and _is_elif(branch, lines)):
        return False
    if lines[start - 1][: first.col_offset].strip():
        return False  # the branch starts after other code on its line
    if lines[end - 1][last.end_col_offset or 0 :].split("#", 1)[0].strip():
        return False  # something else follows on its last line
    indent = lines[start - 1][: first.col_offset]  # tabs stay tabs
    for index in range(start - 1, end):
        text = lines[index]
        lines[index] = text[len(text.rstrip("\r\n")) :] or "\n"  # keep only the line ending
    lines[start - 1] = indent + "pass" + lines[start - 1]
    return True


def _is_elif(branch: ast.If, lines: list[str]) -> bool:
    """Whether the branch's else part is an `elif` (its body is a nested If on an elif line)."""
    nested = branch.orelse[0] if len(branch.orelse) == 1 else None
    return isinstance(nested, ast.If) and lines[nested.lineno - 1].lstrip().startswith("elif")
