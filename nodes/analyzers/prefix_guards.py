"""Whether a name, where it is used, holds a string already tested to start with a web URL prefix.

`if url.startswith(("http://", "https://")): urlopen(url)`: inside the body of the `if` (not its
`else`), `url` starts with a scheme written in the code. The test is read in the `if` around the
use, or an `elif`, and is `n.startswith(P)` with P a string or a tuple of strings, an `or` of such
tests on the same name (each one admits only such prefixes), or an `and` in which one part is
such a test. It may also be a call `check(n)` / `self.check(n)` of a function or method of the
module, every definition of which by that name is `return <such a test on its parameter>` (a
docstring aside; a method only when no other module names it, since a subclass there could
override it): `def is_url(u): return u.startswith("http://") or u.startswith("https://")`.

A prefix qualifies when it starts with http://, https:// or ftp:// (any case), or when it is a
bare host name that starts with a label and a dot (`www.`): Python 3's urllib.request (urlopen,
urlretrieve, Request) refuses a URL with no scheme ("unknown url type"), and the scheme a
string starting `www.` could carry contains a dot, which no urllib handler serves (file, data,
ftp, http, https); a file: URL cannot pass such a test either way.

The name must be local to the function holding the use (not a module-level name), and none of
its bindings may sit inside the `if` (nothing rebinds it between the test and the use).

Not read (so not proved): a guard by early exit (`if not u.startswith(...): raise`), a test on
another name the value was copied from, `"http" in u` or `u.startswith("http")` (both admit
`file:///http...` or `httpx:`-like schemes), lower()/strip() before the test, Python 2's urllib
(where a URL without a scheme is a local file, as for the legacy URLopener().open), and a
`nonlocal` declaration by which a nested function called in the body rebinds the name.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from devsecbots.nodes.analyzers.name_bindings import Scopes

_WEB_PREFIX = re.compile(r"^(https?|ftp)://", re.IGNORECASE)
_BARE_HOST = re.compile(r"^[A-Za-z0-9-]+\.")
Elsewhere = Callable[..., bool]


def prefix_guarded(name: ast.Name, scopes: Scopes, named_elsewhere: Elsewhere) -> bool:
    """Whether the use `name` sits in the body of an `if` whose test proves it starts with a web
    URL prefix, with no binding of the (local) name inside that `if`; `named_elsewhere(m)`:
    another module names method m (and may override it)."""
    scope = scopes.scope_of(name)
    found = scopes.bindings(name.id, name)
    if not isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
        return False  # a module-level name: any function called in the body may rebind it
    if not found or any(b.scope is not scope for b in found):
        return False
    child: ast.AST = name
    while child in scopes.parents:
        parent = scopes.parents[child]
        if isinstance(parent, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            return False
        if isinstance(parent, ast.If) and any(child is s for s in parent.body):
            if _proves(parent.test, name.id, scopes, 2, named_elsewhere) and not _rebound_inside(
                parent, found
            ):
                return True
        child = parent
    return False


def _rebound_inside(statement: ast.If, found: list) -> bool:
    """Whether a binding of the name lies within the `if` statement's lines."""
    first, last = statement.lineno, statement.end_lineno or statement.lineno
    return any(
        b.kind != "parameter" and first <= getattr(b.node, "lineno", 0) <= last for b in found
    )


def _proves(
    test: ast.AST, name: str, scopes: Scopes, depth: int, named_elsewhere: Elsewhere
) -> bool:
    """Whether `test` being true means `name` starts with a qualifying prefix."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        return all(_proves(v, name, scopes, depth, named_elsewhere) for v in test.values)
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return any(_proves(v, name, scopes, depth, named_elsewhere) for v in test.values)
    if not isinstance(test, ast.Call) or test.keywords:
        return False
    func = test.func
    if isinstance(func, ast.Attribute) and func.attr == "startswith":
        return (
            isinstance(func.value, ast.Name)
            and func.value.id == name
            and len(test.args) == 1
            and _qualifying(test.args[0])
        )
    return depth > 0 and _checking_call(test, name, scopes, depth - 1, named_elsewhere)


def _qualifying(prefixes: ast.AST) -> bool:
    """Whether every prefix the startswith argument names qualifies."""
    items = prefixes.elts if isinstance(prefixes, ast.Tuple) else [prefixes]
    return bool(items) and all(
        isinstance(p, ast.Constant)
        and isinstance(p.value, str)
        and bool(_WEB_PREFIX.match(p.value) or _BARE_HOST.match(p.value))
        for p in items
    )


def _checking_call(
    call: ast.Call, name: str, scopes: Scopes, depth: int, named_elsewhere: Elsewhere
) -> bool:
    """Whether `check(name)` or `self.check(name)` calls a module function or method every
    definition of which returns a prefix test of that parameter."""
    func = call.func
    through_self = (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in ("self", "cls")
    )
    if not (isinstance(func, ast.Name) or through_self) or len(call.args) != 1:
        return False
    if not (isinstance(call.args[0], ast.Name) and call.args[0].id == name):
        return False
    called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    definitions = [
        n
        for n in ast.walk(scopes.tree)
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name == called
    ]
    if not definitions or through_self and named_elsewhere(called):
        return False  # a subclass in another module may override the method
    if any(
        isinstance(n, ast.alias) and (n.asname or n.name).split(".")[0] == called
        for n in ast.walk(scopes.tree)
    ):
        return False  # an imported function of that name may be the one called
    if any(isinstance(scopes.scope_of(d), ast.ClassDef) != through_self for d in definitions):
        return False
    return all(_returns_test(d, through_self, scopes, depth, named_elsewhere) for d in definitions)


def _returns_test(
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    method: bool,
    scopes: Scopes,
    depth: int,
    named_elsewhere: Elsewhere,
) -> bool:
    """Whether the function's body is `return <prefix test of the checked parameter>`."""
    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    static = any(
        isinstance(d, ast.Name) and d.id == "staticmethod" for d in function.decorator_list
    )
    positional = function.args.posonlyargs + function.args.args
    skip = 1 if method and not static else 0
    if len(body) != 1 or not isinstance(body[0], ast.Return) or len(positional) <= skip:
        return False
    returned = body[0].value
    return returned is not None and _proves(
        returned, positional[skip].arg, scopes, depth, named_elsewhere
    )
