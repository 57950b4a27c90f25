"""Unpickling (Bandit B301) only bytes whose HMAC, keyed by a secret, was checked first.

pickle.loads runs whatever code the bytes name, so it is safe only on bytes the application
made. Signing them proves that: `if not hmac.compare_digest(signature, hmac.new(key, data,
sha256).digest()): raise ...` before `pickle.loads(data)`. Nobody without the key can make bytes
that pass. The finding is low confidence when:

- the loads' argument is a plain name `data`, not rebound between the check and the loads;
- the check comes first on every path: an `if` earlier in an enclosing block whose test fails on
  a mismatch (`not compare_digest(a, b)` / `a != b`) and whose body always leaves (raise,
  return), or an enclosing `if compare_digest(a, b):` / `a == b` the loads is in;
- one side of the comparison is an HMAC over `data` - `hmac.new(key, data, ...).digest()` or
  `.hexdigest()`, `hmac.digest(key, data, ...)`, a name bound only to one, or a call of a
  project function every definition of which returns one over the parameter it passes `data` to;
- the key is not written in the code (a literal key is no secret).

A digest without a key (sha256(data)), a check that only logs, or a loads of other bytes keeps
the finding.
"""

from __future__ import annotations

import ast

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.helper_summaries import _calls_at, called_name
from devsecbots.nodes.analyzers.low_confidence import lowered_at
from devsecbots.nodes.analyzers.name_bindings import Scopes
from devsecbots.nodes.analyzers.project_trees import parse_files
from devsecbots.nodes.analyzers.summary_defs import Definitions, definitions

RULES = frozenset({"B301"})
LOADS = frozenset({"loads", "load"})
COMPARES = frozenset({"compare_digest"})
DIGESTS = frozenset({"digest", "hexdigest"})
EXITS = (ast.Raise, ast.Return, ast.Continue, ast.Break)
WHY = "the bytes are unpickled only after their HMAC, keyed by a secret, was checked"


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, a B301 one unpickling HMAC-verified bytes at low confidence."""
    if not any(f["rule_id"] in RULES and f["confidence"] != "low" for f in findings):
        return findings
    project = Project(parse_files(files))
    return lowered_at(findings, files, RULES, WHY, project.verified)


class Project:
    """The project's modules and functions, for following a helper that computes the HMAC."""

    def __init__(self, trees: dict[str, ast.Module]) -> None:
        self.trees = trees
        self.functions: Definitions = definitions(trees.values())
        self._scopes: dict[int, Scopes] = {}

    def scopes(self, tree: ast.Module) -> Scopes:
        """The name lookups of one module, built once."""
        if id(tree) not in self._scopes:
            self._scopes[id(tree)] = Scopes(tree)
        return self._scopes[id(tree)]

    def scopes_around(self, node: ast.AST) -> Scopes | None:
        """The name lookups of the module holding `node`."""
        for tree in self.trees.values():
            if any(n is node for n in ast.walk(tree)):
                return self.scopes(tree)
        return None

    def verified(self, tree: ast.Module, line: int) -> bool:
        """Whether every pickle load on `line` reads a name whose HMAC was checked first."""
        calls = _calls_at(tree, line, set(LOADS))
        scopes = self.scopes(tree)
        return bool(calls) and all(self._load_verified(call, scopes) for call in calls)

    def _load_verified(self, call: ast.Call, scopes: Scopes) -> bool:
        if len(call.args) != 1 or not isinstance(call.args[0], ast.Name):
            return False
        data = call.args[0].id
        for test, line in _checks_before(call, scopes):
            computed = _compared_hmac(test, data, scopes, self)
            if computed is not None and not _rebound_since(data, min(line, computed), call, scopes):
                return True
        return False


def _checks_before(node: ast.AST, scopes: Scopes) -> list[tuple[ast.expr, int]]:
    """The tests that must pass for `node` to run, with their line: earlier `if`s in enclosing
    blocks that leave when they fail, and enclosing `if`s `node` is in the body of."""
    tests: list[tuple[ast.expr, int]] = []
    child = node
    while child in scopes.parents:
        parent = scopes.parents[child]
        if isinstance(parent, ast.Lambda | ast.ClassDef | ast.Module):
            break
        if isinstance(parent, ast.If) and child in parent.body:
            tests.append((parent.test, parent.lineno))
        for block in _blocks(parent):
            if child in block:
                for stmt in block[: block.index(child)]:
                    if isinstance(stmt, ast.If) and _always_leaves(stmt.body):
                        negated = _negated(stmt.test)
                        if negated is not None:
                            tests.append((negated, stmt.lineno))
        if isinstance(parent, ast.FunctionDef | ast.AsyncFunctionDef):
            break
        child = parent
    return tests


def _blocks(node: ast.AST) -> list[list[ast.stmt]]:
    return [
        value
        for field in ("body", "orelse", "finalbody", "handlers")
        if isinstance(value := getattr(node, field, None), list)
    ]


def _always_leaves(body: list[ast.stmt]) -> bool:
    return bool(body) and isinstance(body[-1], EXITS)


def _negated(test: ast.expr) -> ast.expr | None:
    """What must hold to get past `if <test>: leave` (None when it is not a plain negation)."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return test.operand
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.NotEq):
        return ast.Compare(left=test.left, ops=[ast.Eq()], comparators=test.comparators)
    return None


def _compared_hmac(test: ast.expr, data: str, scopes: Scopes, project: Project) -> int | None:
    """`compare_digest(a, b)` or `a == b` where a side is a keyed HMAC over `data`: the line it
    is computed on (None when no side is one)."""
    if isinstance(test, ast.Call) and called_name(test.func) in COMPARES:
        sides = test.args
    elif isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq):
        sides = [test.left, *test.comparators]
    else:
        return None
    lines = [_hmac_over(side, data, scopes, project, 0) for side in sides]
    return min((line for line in lines if line is not None), default=None)


def _hmac_over(
    value: ast.AST, data: str, scopes: Scopes, project: Project | None, depth: int
) -> int | None:
    """A keyed HMAC of the name `data` (directly, by a name bound to one, or by a helper): the
    earliest line it is computed on (None when it is not one)."""
    if depth > 3:
        return None
    if isinstance(value, ast.Name):
        found = scopes.bindings(value.id, value)
        lines = [
            _hmac_over(b.node, data, scopes, project, depth + 1) if b.kind == "value" else None
            for b in found
        ]
        return None if not lines or None in lines else min(lines)  # type: ignore[type-var]
    if not isinstance(value, ast.Call):
        return None
    func = value.func
    keyed = (
        isinstance(func, ast.Attribute)
        and func.attr in DIGESTS
        and isinstance(func.value, ast.Call)
        and _hmac_call(func.value, "new", data, scopes)
    )
    if keyed or _hmac_call(value, "digest", data, scopes):
        return value.lineno
    return value.lineno if project is not None and _helper_hmac(value, data, project) else None


def _hmac_call(call: ast.Call, name: str, data: str, scopes: Scopes) -> bool:
    """`hmac.new(key, data, ...)` / `hmac.digest(key, data, ...)` with a key not in the code."""
    func = call.func
    if not (
        isinstance(func, ast.Attribute)
        and func.attr == name
        and isinstance(func.value, ast.Name)
        and func.value.id == "hmac"
    ):
        return False
    key = call.args[0] if call.args else _keyword(call, "key")
    message = call.args[1] if len(call.args) > 1 else _keyword(call, "msg")
    return (
        key is not None
        and not _literal(key, scopes)
        and isinstance(message, ast.Name)
        and message.id == data
    )


def _helper_hmac(call: ast.Call, data: str, project: Project) -> bool:
    """A project function, every definition of which returns a keyed HMAC over the parameter
    this call passes `data` to (a parameter it never rebinds)."""
    found = project.functions.get(called_name(call.func), [])
    if not found or call.keywords:
        return False
    position = next(
        (i for i, a in enumerate(call.args) if isinstance(a, ast.Name) and a.id == data), None
    )
    if position is None:
        return False
    for definition in found:
        function = definition.function
        parameters = [*function.args.posonlyargs, *function.args.args]
        bound_method = isinstance(call.func, ast.Attribute) and not _static(function)
        index = position + (1 if bound_method else 0)
        if index >= len(parameters) or not definition.returns:
            return False
        name = parameters[index].arg
        scopes = project.scopes_around(function)
        if scopes is None or any(b.kind != "parameter" for b in scopes.bindings_in(name, function)):
            return False
        if any(
            r.value is None or _hmac_over(r.value, name, scopes, None, 1) is None
            for r in definition.returns
        ):
            return False
    return True


def _static(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(called_name(d) == "staticmethod" for d in function.decorator_list)


def _rebound_since(name: str, line: int, call: ast.Call, scopes: Scopes) -> bool:
    """Whether `name` may be bound at or after the check's line (a loop may bring a later
    binding round to the load) or in a way with no line to read."""
    return any(
        b.kind == "opaque" or getattr(b.node, "lineno", line) >= line
        for b in scopes.bindings(name, call)
        if b.kind != "parameter"
    )


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _literal(value: ast.expr, scopes: Scopes) -> bool:
    """A str / bytes literal, or a name bound only to one."""
    if isinstance(value, ast.Constant):
        return True
    if isinstance(value, ast.Name):
        found = scopes.bindings(value.id, value)
        return bool(found) and all(
            b.kind == "value" and _literal(b.node, scopes)  # type: ignore[arg-type]
            for b in found
        )
    return False
