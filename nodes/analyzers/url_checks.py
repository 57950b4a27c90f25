"""A project's own safe-URL checks, recognised by what they do rather than by their name.

A function counts as a safe-URL check of one of its parameters when it returns a bool and either

- returns the result of a known check on that parameter (`url_has_allowed_host_and_scheme(url,
  ...)`, `is_safe_url(url, ...)`, possibly `and`-ed with other tests; every other return False or
  None), or
- first, unconditionally, returns False (or raises) when `urlparse/urlsplit(param).netloc` or
  `.scheme` is set, and then returns True only through a further test that is not about the
  netloc or scheme (say, the resolved path against an allow-list). A netloc test alone is not
  enough: `///evil.example` and `/\\evil.example` have no netloc, yet browsers read them as
  `//evil.example`, so `return not parsed.netloc` or `return True` after it does not qualify -
  unless the function first normalises the parameter as a browser does (`.strip()` and
  `.replace("\\\\", "/")`) and returns False when it then starts with "//"; or
- returns a call of another such check, also one imported under another name
  (`from .urls import is_safe_url as _check`; `def is_safe_url(t): return _check(t, app)`).
  A parameter rebound only by such a normalisation still counts as the parameter.

Every definition of the name in the project must qualify (helpers are read across files).
`guarded(call, name, ...)` then says whether a redirect sits in the body (not the else) of an
`if ... and CHECK(name)` (no `not`, no `or`), `name` not rebound before it.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable

from devsecbots.nodes.analyzers.helper_summaries import called_name as _called
from devsecbots.nodes.analyzers.import_aliases import original_name
from devsecbots.nodes.analyzers.path_prefix_tests import rejects_off_site
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
    (and the frameworks' own checks, unless the project defines a function of that name).

    A definition may delegate to another check of the project, also under a renaming import
    (`from .urls import is_safe_url as _check; def is_safe_url(t): return _check(t, app)`):
    names are assumed checks and dropped while a definition of theirs fails (a greatest
    fixpoint, so a wrapper sharing its target's name stands or falls with it)."""
    trees = list(trees)
    found = definitions(trees)
    parents = {c: n for tree in trees for n in ast.walk(tree) for c in ast.iter_child_nodes(n)}
    library = {n: p for n, p in LIBRARY_CHECKS.items() if n not in found}
    assumed = set(found)
    while True:
        verdicts: dict[str, Param | None] = {}
        known = frozenset(library) | assumed
        for name in assumed:
            for definition in found[name]:
                param = checked_param(definition, known, parents)
                seen = verdicts.get(name, param)
                verdicts[name] = param if seen == param else None
        kept = {name for name, param in verdicts.items() if param}
        if kept == assumed:
            return {**library, **{n: p for n, p in verdicts.items() if p}}
        assumed = kept


def checked_param(
    function: Function | Definition,
    known: frozenset[str] = KNOWN_CHECKS,
    parents: dict[ast.AST, ast.AST] | None = None,
) -> Param | None:
    """The parameter the function is a safe-URL check of (None when it is not one); `known`:
    the names of checks it may delegate to, `parents`: the project's, to resolve renaming
    imports."""
    definition = function if isinstance(function, Definition) else Definition(function)
    function = definition.function
    positional = [a.arg for a in function.args.posonlyargs + function.args.args]
    if positional[:1] in (["self"], ["cls"]):
        positional = positional[1:]
    params = [(p, i) for i, p in enumerate(positional)] + [
        (a.arg, -1) for a in function.args.kwonlyargs
    ]
    returns = [r.value for r in definition.own_returns]
    resolving = parents or definition.parents
    if not returns or not all(_boolean(v) or _calls(v, known, resolving) for v in returns):
        return None
    for param, index in params:
        if _rebinds(function, param):
            continue
        delegates = _delegates(returns, param, known, resolving)
        if delegates or _rejects_foreign(function, param, returns):
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
                before = block[: block.index(node)]
                for at in range(len(before) - 1, -1, -1):
                    statement = before[at]
                    if any(
                        isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
                        for n in ast.walk(statement)
                    ):
                        return isinstance(statement, ast.If) and _replaces(
                            statement, name, checks, accepts, before[:at]
                        )
        if isinstance(parent, Function | ast.Lambda | ast.ClassDef):
            return False
        node = parent
    return False


def _replaces(
    branch: ast.If,
    name: str,
    checks: dict[str, Param],
    accepts: Accepts | None = None,
    earlier: list[ast.stmt] | None = None,
) -> bool:
    """`if not CHECK(name): name = SAFE` with no else (the test may `or` other conditions), or
    an `if` whose string tests reject every value but a same-site path (path_prefix_tests.py);
    `earlier`: the statements before the `if` in its block."""
    tests = branch.test.values if isinstance(branch.test, ast.BoolOp) else [branch.test]
    if isinstance(branch.test, ast.BoolOp) and not isinstance(branch.test.op, ast.Or):
        return False
    rejects = rejects_off_site(branch.test, name, earlier or []) or any(
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


def _delegates(
    returns: list[ast.expr | None],
    param: str,
    known: frozenset[str],
    parents: dict[ast.AST, ast.AST],
) -> bool:
    """Every return is False/None or requires a known check of `param`, and one of them does."""
    checked = [v for v in returns if v is not None and _requires_known(v, param, known, parents)]
    return bool(checked) and all(_falsy(v) or v in checked for v in returns)


def _calls(value: ast.AST | None, known: frozenset[str], parents: dict[ast.AST, ast.AST]) -> bool:
    """A call of a known check, also under a renaming import."""
    if not isinstance(value, ast.Call):
        return False
    return (original_name(value.func, parents) or _called(value.func)) in known


def _requires_known(
    value: ast.AST, param: str, known: frozenset[str], parents: dict[ast.AST, ast.AST]
) -> bool:
    if isinstance(value, ast.BoolOp):
        return isinstance(value.op, ast.And) and any(
            _requires_known(v, param, known, parents) for v in value.values
        )
    return (
        isinstance(value, ast.Call)
        and _calls(value, known, parents)
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
            if _rejects_double_slash(function, param):
                return bool(truthy)  # nothing foreign is left for a further test to refuse
            return bool(truthy) and all(_further_test(v) for v in truthy)
    return False


def _rejects_double_slash(function: Function, param: str) -> bool:
    """The function first normalises `param` as a browser reads it - `.strip()` (or `.lstrip()`)
    and `.replace("\\", "/")`, at the top level - and then, unconditionally, returns False
    when it starts with "//". With the netloc/scheme test as well, what is left is a path on
    this host: `///evil.example` and `/\\evil.example` start with "//" once normalised."""
    methods: set[str] = set()
    for stmt in function.body:
        if isinstance(stmt, ast.Assign) and _normalises(stmt.value, param):
            methods |= _normalisations(stmt.value)
        elif (
            isinstance(stmt, ast.If)
            and _exits_falsy(stmt.body)
            and _starts_double(stmt.test, param)
        ):
            return "replace" in methods and bool(methods & {"strip", "lstrip"})
    return False


def _normalisations(value: ast.AST) -> set[str]:
    found = set()
    while isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
        found.add(value.func.attr)
        value = value.func.value
    return found


def _starts_double(test: ast.AST, param: str) -> bool:
    """`param.startswith("//")`, alone or `or`-ed with other tests."""
    if isinstance(test, ast.BoolOp):
        return isinstance(test.op, ast.Or) and any(_starts_double(v, param) for v in test.values)
    return (
        isinstance(test, ast.Call)
        and isinstance(test.func, ast.Attribute)
        and test.func.attr == "startswith"
        and _is_name(test.func.value, param)
        and len(test.args) == 1
        and isinstance(test.args[0], ast.Constant)
        and test.args[0].value == "//"
    )


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
    """Whether `param` is bound again, other than by a normalisation that keeps a foreign URL
    foreign (`url = url.strip()`, `.lower()`, `.replace("\\", "/")`: the checks then see what a
    browser would make of it)."""
    normalised = {
        id(t)
        for n in ast.walk(function)
        if isinstance(n, ast.Assign) and _normalises(n.value, param)
        for t in n.targets
    }
    return any(
        isinstance(n, ast.Name)
        and n.id == param
        and not isinstance(n.ctx, ast.Load)
        and id(n) not in normalised
        for n in ast.walk(function)
    )


def _normalises(value: ast.AST, param: str) -> bool:
    """`param.strip()`, `.lstrip()`, `.rstrip()`, `.lower()` or `.replace("\\", "/")` of
    `param` (or of such a normalisation)."""
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)):
        return False
    method, receiver = value.func.attr, value.func.value
    if method in ("strip", "lstrip", "rstrip", "lower") and not value.args:
        plain = True
    else:
        plain = method == "replace" and [
            a.value for a in value.args if isinstance(a, ast.Constant)
        ] == ["\\", "/"]
    return plain and (_is_name(receiver, param) or _normalises(receiver, param))


def _first_arg(call: ast.Call, keyword: str) -> ast.AST | None:
    if call.args:
        return call.args[0]
    return next((k.value for k in call.keywords if k.arg == keyword), None)


def _is_name(value: ast.AST | None, *names: str) -> bool:
    return isinstance(value, ast.Name) and value.id in names
