"""A project's own safe-URL checks, recognised by what they do rather than by their name.

A function counts as a safe-URL check of one of its parameters when it returns a bool and either

- returns the result of a known check on that parameter (`url_has_allowed_host_and_scheme(url,
  ...)`, `is_safe_url(url, ...)`, possibly `and`-ed with other tests; every other return False or
  None), or
- first, unconditionally, returns False (or raises) when `urlparse/urlsplit(param).netloc` or
  `.scheme` is set, and then returns True only through a further test that is not about the
  netloc or scheme (say, the resolved path against an allow-list). A netloc test alone is not
  enough: `///evil.example` and `/\\evil.example` have no netloc, yet browsers read them as
  `//evil.example`, so `return not parsed.netloc` or `return True` after it does not qualify.

Every definition of the name in the project must qualify (helpers are read across files).
`guarded(call, name, ...)` then says whether a redirect sits in the body (not the else) of an
`if ... and CHECK(name)` (no `not`, no `or`), `name` not rebound before it.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable

from devsecbots.nodes.analyzers.helper_summaries import called_name as _called
from devsecbots.nodes.analyzers.summary_defs import Definition, definitions

KNOWN_CHECKS = frozenset({"url_has_allowed_host_and_scheme", "is_safe_url"})
PARSERS = frozenset({"urlparse", "urlsplit"})
HOST_PARTS = frozenset({"netloc", "scheme", "hostname"})
Function = ast.FunctionDef | ast.AsyncFunctionDef
Param = tuple[str, int]  # name, and position among the arguments a caller passes (-1: keyword only)
Accepts = Callable[[ast.AST, str], bool]  # another test that passes only for a checked target


# The frameworks' own checks (Django; Django < 4 and many Flask projects: is_safe_url).
LIBRARY_CHECKS: dict[str, Param] = {name: ("url", 0) for name in KNOWN_CHECKS}
SAFE_VALUES = frozenset({"reverse", "reverse_lazy", "resolve_url", "url_for"})


def safe_url_checks(trees: Iterable[ast.AST]) -> dict[str, Param]:
    """Name -> checked parameter, of the functions that are safe-URL checks in every definition
    (and the frameworks' own checks, unless the project defines a function of that name)."""
    verdicts: dict[str, Param | None] = dict(LIBRARY_CHECKS)
    for name, functions in definitions(trees).items():
        for definition in functions:
            param = checked_param(definition)
            seen = verdicts.get(name, param)
            verdicts[name] = param if seen == param else None
    return {name: param for name, param in verdicts.items() if param}


def checked_param(function: Function | Definition) -> Param | None:
    """The parameter the function is a safe-URL check of (None when it is not one)."""
    definition = function if isinstance(function, Definition) else Definition(function)
    function = definition.function
    positional = [a.arg for a in function.args.posonlyargs + function.args.args]
    if positional[:1] in (["self"], ["cls"]):
        positional = positional[1:]
    params = [(p, i) for i, p in enumerate(positional)] + [
        (a.arg, -1) for a in function.args.kwonlyargs
    ]
    returns = [r.value for r in definition.own_returns]
    if not returns or not all(_boolean(v) for v in returns):
        return None
    for param, index in params:
        if _rebinds(function, param):
            continue
        if _delegates(returns, param) or _rejects_foreign(function, param, returns):
            return param, index
    return None


def guarded(
    call: ast.AST, name: str, parents: dict[ast.AST, ast.AST], checks: dict[str, Param]
) -> bool:
    """Whether `call` runs only in the body of an if whose test requires CHECK(name) to pass."""
    node = call
    while node in parents:
        parent = parents[node]
        if isinstance(parent, Function | ast.Lambda | ast.ClassDef):
            return False
        if (
            isinstance(parent, ast.If)
            and node in parent.body
            and requires(parent.test, name, checks)
        ):
            return not _stored_before(parent, name, call)
        node = parent
    return False


def replaced_when_rejected(
    call: ast.AST,
    name: str,
    parents: dict[ast.AST, ast.AST],
    checks: dict[str, Param],
    accepts: Accepts | None = None,
) -> bool:
    """Whether the last statement before `call` (in its function) that binds `name` is
    `if not CHECK(name): name = <a constant or reverse()/url_for()>` (or `if not name or not
    CHECK(name): ...`, or a body that returns or raises): every path on has a checked target."""
    node = call
    while node in parents:
        parent = parents[node]
        for field in ("body", "orelse", "finalbody"):
            block = getattr(parent, field, None)
            if isinstance(block, list) and node in block:
                for statement in reversed(block[: block.index(node)]):
                    if any(
                        isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
                        for n in ast.walk(statement)
                    ):
                        return isinstance(statement, ast.If) and _replaces(
                            statement, name, checks, accepts
                        )
        if isinstance(parent, Function | ast.Lambda | ast.ClassDef):
            return False
        node = parent
    return False


def _replaces(
    branch: ast.If, name: str, checks: dict[str, Param], accepts: Accepts | None = None
) -> bool:
    """`if not CHECK(name): name = SAFE` with no else (the test may `or` other conditions)."""
    tests = branch.test.values if isinstance(branch.test, ast.BoolOp) else [branch.test]
    if isinstance(branch.test, ast.BoolOp) and not isinstance(branch.test.op, ast.Or):
        return False
    rejects = any(
        isinstance(t, ast.UnaryOp)
        and isinstance(t.op, ast.Not)
        and (requires(t.operand, name, checks) or bool(accepts and accepts(t.operand, name)))
        for t in tests
    )
    if not rejects or branch.orelse or not branch.body:
        return False
    last = branch.body[-1]
    if isinstance(last, ast.Return | ast.Raise):
        return True
    return (
        isinstance(last, ast.Assign)
        and any(_is_name(t, name) for t in last.targets)
        and (
            isinstance(last.value, ast.Constant)
            or isinstance(last.value, ast.Call)
            and _called(last.value.func) in SAFE_VALUES
        )
    )


def requires(test: ast.AST, name: str, checks: dict[str, Param]) -> bool:
    """The test passes only when a recognised check of `name` passes (an `and` of it, no `not`)."""
    if isinstance(test, ast.BoolOp):
        return isinstance(test.op, ast.And) and any(requires(v, name, checks) for v in test.values)
    if not isinstance(test, ast.Call) or _called(test.func) not in checks:
        return False
    param, index = checks[_called(test.func)]
    passed = [k.value for k in test.keywords if k.arg == param]
    if 0 <= index < len(test.args) and not any(
        isinstance(a, ast.Starred) for a in test.args[: index + 1]
    ):
        passed.append(test.args[index])
    return any(_is_name(v, name) for v in passed)


def _stored_before(branch: ast.If, name: str, call: ast.AST) -> bool:
    """Whether `name` is rebound inside the if-body before the call."""
    line = getattr(call, "lineno", 0)
    return any(
        isinstance(n, ast.Name)
        and n.id == name
        and isinstance(n.ctx, ast.Store)
        and n.lineno < line
        for stmt in branch.body
        for n in ast.walk(stmt)
    )


def _delegates(returns: list[ast.expr | None], param: str) -> bool:
    """Every return is False/None or requires a known check of `param`, and one of them does."""
    checked = [v for v in returns if v is not None and _requires_known(v, param)]
    return bool(checked) and all(_falsy(v) or v in checked for v in returns)


def _requires_known(value: ast.AST, param: str) -> bool:
    if isinstance(value, ast.BoolOp):
        return isinstance(value.op, ast.And) and any(
            _requires_known(v, param) for v in value.values
        )
    return (
        isinstance(value, ast.Call)
        and _called(value.func) in KNOWN_CHECKS
        and _is_name(_first_arg(value, "url"), param)
    )


def _rejects_foreign(function: Function, param: str, returns: list[ast.expr | None]) -> bool:
    """A top-level `if <netloc/scheme of param is set>: return False | raise` comes first, and every
    truthy return after it is a further test not about the netloc or scheme."""
    parsed = _parsed_names(function, param)
    for index, stmt in enumerate(function.body):
        if (
            isinstance(stmt, ast.If)
            and _exits_falsy(stmt.body)
            and _foreign(stmt.test, param, parsed)
        ):
            before = ast.Module(body=function.body[:index], type_ignores=[])
            if any(isinstance(n, ast.Return) and not _falsy(n.value) for n in ast.walk(before)):
                return False
            truthy = [v for v in returns if not _falsy(v)]
            return bool(truthy) and all(_further_test(v) for v in truthy)
    return False


def _parsed_names(function: Function, param: str) -> set[str]:
    """Names assigned exactly once, at the top level, to urlparse/urlsplit(param)."""
    names: dict[str, int] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names[node.id] = names.get(node.id, 0) + 1
    return {
        stmt.targets[0].id
        for stmt in function.body
        if isinstance(stmt, ast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], ast.Name)
        and names.get(stmt.targets[0].id) == 1
        and _parses(stmt.value, param)
    }


def _foreign(test: ast.AST, param: str, parsed: set[str]) -> bool:
    """The test is true when the parsed param has a netloc (or scheme): `p.netloc`, `p.netloc or
    ...`, `p.netloc != ""`, `urlparse(param).netloc`."""
    if isinstance(test, ast.BoolOp):
        return isinstance(test.op, ast.Or) and any(_foreign(v, param, parsed) for v in test.values)
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.NotEq):
        empty = test.comparators[0]
        return (
            isinstance(empty, ast.Constant)
            and empty.value == ""
            and _foreign(test.left, param, parsed)
        )
    if isinstance(test, ast.Call) and _called(test.func) == "bool" and len(test.args) == 1:
        return _foreign(test.args[0], param, parsed)
    return (
        isinstance(test, ast.Attribute)
        and test.attr in HOST_PARTS
        and (_is_name(test.value, *parsed) or _parses(test.value, param))
    )


def _further_test(value: ast.AST | None) -> bool:
    """A returned test that is neither a constant nor about the netloc or scheme."""
    if value is None or isinstance(value, ast.Constant):
        return False
    return not any(isinstance(n, ast.Attribute) and n.attr in HOST_PARTS for n in ast.walk(value))


def _boolean(value: ast.AST | None) -> bool:
    """A value that is a bool (or None): a constant, a comparison, a `not`, an and/or of those, a
    known check or bool()."""
    if value is None or isinstance(value, ast.Compare):
        return True
    if isinstance(value, ast.Constant):
        return value.value is None or isinstance(value.value, bool)
    if isinstance(value, ast.UnaryOp):
        return isinstance(value.op, ast.Not)
    if isinstance(value, ast.BoolOp):
        return all(_boolean(v) for v in value.values)
    return isinstance(value, ast.Call) and _called(value.func) in KNOWN_CHECKS | {
        "bool",
        "isinstance",
    }


def _falsy(value: ast.AST | None) -> bool:
    return value is None or (isinstance(value, ast.Constant) and not value.value)


def _exits_falsy(body: list[ast.stmt]) -> bool:
    """The block ends by returning False/None or raising."""
    last = body[-1] if body else None
    return isinstance(last, ast.Raise) or (isinstance(last, ast.Return) and _falsy(last.value))


def _parses(value: ast.AST, param: str) -> bool:
    return (
        isinstance(value, ast.Call)
        and _called(value.func) in PARSERS
        and _is_name(_first_arg(value, "url"), param)
    )


def _rebinds(function: Function, param: str) -> bool:
    return any(
        isinstance(n, ast.Name) and n.id == param and not isinstance(n.ctx, ast.Load)
        for n in ast.walk(function)
    )


def _first_arg(call: ast.Call, keyword: str) -> ast.AST | None:
    if call.args:
        return call.args[0]
    return next((k.value for k in call.keywords if k.arg == keyword), None)


def _is_name(value: ast.AST | None, *names: str) -> bool:
    return isinstance(value, ast.Name) and value.id in names
