"""Whether a URL expression is not request data that could carry a file: URL (Bandit B310).

A literal, f-string or concatenation that starts with http(s):// or ftp:// is fixed, and so is a
value read from the deployment's settings module (settings_reads.py) or from an environment
variable whose fallback, if any, is fixed (`os.environ.get("HUB", "https://hub.example")`): the
operator's configuration. An f-string or concatenation is fixed when its first part is
(`f"{HUB}/models/{name}"`): the scheme is that part's. A name is fixed when every binding that
reaches it is: a local `url = f"https://..."`, a module constant, an element of a literal list of
fixed URLs (`for url in ("https://a", "https://b")`), or the parameter of a function every call of
which passes a fixed URL (`def fetch(url): urlopen(url)` used as `fetch("https://...")`): a
function nested in another (nobody outside can call it), or a module-level one no other module of
the project names (`named_elsewhere`), or a method of a module-level class no other module can
reach (member_reach.py) whose every call in its module is `self.m(...)`/`cls.m(...)` (or any
`x.m(...)` for a staticmethod). `self.url` is fixed when no other module names the attribute, or
none can store into it (member_reach.py), and every store to it in its module is fixed or None
(self_attribute_values.py: also unpacked from a dict literal of tuples); None opens nothing. A
name used inside `if url.startswith(("http://", "https://")):` (or a predicate function that
returns such a test) is fixed there (prefix_guards.py).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from devsecbots.nodes.analyzers.env_reads import env_default, env_read
from devsecbots.nodes.analyzers.name_bindings import Binding, Scopes
from devsecbots.nodes.analyzers.prefix_guards import prefix_guarded
from devsecbots.nodes.analyzers.self_attribute_values import self_attribute_values
from devsecbots.nodes.analyzers.settings_reads import reads_settings

_FIXED_SCHEME = re.compile(r"^(https?|ftp)://", re.IGNORECASE)
_DEPTH = 4
URL_CALLS = frozenset({"urlopen", "Request", "urlretrieve", "URLopener"})
WHY = (
    "the URL's scheme is fixed in the code or the URL comes from the deployment's settings or "
    "environment, not request data (no attacker's file: URL can reach it)"
)
Elsewhere = Callable[..., bool]  # (name, owner class name or "", "method"/"attribute"/"")


def _nowhere(name: str, owner: str = "", kind: str = "") -> bool:
    return True  # without the project's other files, any module may call a module-level function


def fixed_url_reason(tree: ast.AST, line: int, named_elsewhere: Elsewhere | None = None) -> str:
    """WHY when the first URL-opening call on `line` opens a fixed URL ('' when it may not)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.lineno == line and _name(node.func) in URL_CALLS:
            scopes = Scopes(tree)
            elsewhere = named_elsewhere or _nowhere
            return (
                WHY if node.args and fixed_scheme(node.args[0], scopes, _DEPTH, elsewhere) else ""
            )
    return ""


def fixed_scheme(
    arg: ast.AST, scopes: Scopes, depth: int = _DEPTH, named_elsewhere: Elsewhere = _nowhere
) -> bool:
    """Whether the URL expression `arg` starts with a scheme written in the code or comes from
    the deployment's settings; `named_elsewhere(f)`: another project module names function f."""
    if depth <= 0:
        return False
    if isinstance(arg, ast.Call) and _name(arg.func) == "Request" and arg.args:
        return fixed_scheme(arg.args[0], scopes, depth, named_elsewhere)
    if isinstance(arg, ast.Name):
        if prefix_guarded(arg, scopes, named_elsewhere):
            return True
        found = scopes.reaching(arg.id, arg)
        return bool(found) and all(
            _fixed_binding(b, scopes, depth - 1, named_elsewhere) for b in found
        )
    if isinstance(arg, ast.Subscript | ast.Attribute | ast.Call) and reads_settings(arg, scopes):
        return True
    if isinstance(arg, ast.Attribute) and not named_elsewhere(
        arg.attr, _class_name(arg, scopes), "attribute"
    ):
        values = [v for v in self_attribute_values(arg, scopes) or [] if not _none(v)]
        return bool(values) and all(
            fixed_scheme(v, scopes, depth - 1, named_elsewhere) for v in values
        )
    if env_read(arg):
        default = env_default(arg)
        return default is None or fixed_scheme(default, scopes, depth - 1, named_elsewhere)
    head = arg
    while isinstance(head, ast.BinOp) and isinstance(head.op, ast.Add):
        head = head.left
    if isinstance(head, ast.JoinedStr) and head.values:
        head = head.values[0]
    if isinstance(head, ast.FormattedValue):
        head = head.value
    if head is not arg and not isinstance(head, ast.Constant):
        return fixed_scheme(head, scopes, depth - 1, named_elsewhere)
    return (
        isinstance(head, ast.Constant)
        and isinstance(head.value, str)
        and bool(_FIXED_SCHEME.match(head.value))
    )


def _fixed_binding(binding: Binding, scopes: Scopes, depth: int, elsewhere: Elsewhere) -> bool:
    """Whether one binding of a name gives it a fixed-scheme URL."""
    if binding.kind == "value":
        return fixed_scheme(binding.node, scopes, depth, elsewhere)
    if binding.kind == "element":
        return _fixed_elements(binding.node, scopes, depth, elsewhere)
    if binding.kind != "parameter" or not isinstance(binding.scope, ast.FunctionDef):
        return False
    arguments = _call_arguments(binding.scope, binding.node, scopes, elsewhere)
    return bool(arguments) and all(fixed_scheme(a, scopes, depth, elsewhere) for a in arguments)


def _fixed_elements(iterable: ast.AST, scopes: Scopes, depth: int, elsewhere: Elsewhere) -> bool:
    """Whether every element of the iterable is a fixed URL: a literal list, tuple or set of them
    (directly or through a name), or a settings value."""
    if isinstance(iterable, ast.List | ast.Tuple | ast.Set):
        return bool(iterable.elts) and all(
            fixed_scheme(e, scopes, depth, elsewhere) for e in iterable.elts
        )
    if isinstance(iterable, ast.Name) and depth > 0:
        found = scopes.reaching(iterable.id, iterable)
        return bool(found) and all(
            b.kind == "value" and _fixed_elements(b.node, scopes, depth - 1, elsewhere)
            for b in found
        )
    return reads_settings(iterable, scopes)


def _call_arguments(
    function: ast.FunctionDef, parameter: ast.AST, scopes: Scopes, elsewhere: Elsewhere
) -> list:
    """What every call of the function passes for `parameter` ([] when a call is unknown: the
    function is neither nested, nor a module-level one no other module names, nor a method only
    its module can call; escapes as a value; or a call's argument cannot be placed)."""
    if function.args.vararg or function.args.kwarg:
        return []
    owner = scopes.scope_of(function)
    if isinstance(owner, ast.ClassDef):
        return _method_call_arguments(function, owner, parameter, scopes, elsewhere)
    outer = scopes.function_of(function)
    if outer is None and _module_private(function, scopes, elsewhere):
        outer = scopes.tree
    if outer is None:
        return []
    positional = function.args.posonlyargs + function.args.args
    calls = []
    for node in ast.walk(outer):
        if not (isinstance(node, ast.Name) and node.id == function.name):
            continue
        call = scopes.parents.get(node)
        if not (isinstance(call, ast.Call) and call.func is node):
            return []  # passed around as a value: other callers possible
        calls.append(call)
    return _placed(calls, positional, parameter)


def _method_call_arguments(
    function: ast.FunctionDef,
    owner: ast.ClassDef,
    parameter: ast.AST,
    scopes: Scopes,
    elsewhere: Elsewhere,
) -> list:
    """What every call of a method passes for `parameter`: the class is at module level, no other
    module can reach the method (`elsewhere(name, class, "method")`), and every `x.name` in the
    module is called - `x.name(...)` for a staticmethod, `self.name(...)`/`cls.name(...)` for
    another method ([] otherwise)."""
    if scopes.scope_of(owner) is not scopes.tree or elsewhere(function.name, owner.name, "method"):
        return []
    decorators = {d.id for d in function.decorator_list if isinstance(d, ast.Name)}
    if function.decorator_list and not decorators <= {"staticmethod", "classmethod"}:
        return []
    positional = function.args.posonlyargs + function.args.args
    if "staticmethod" not in decorators:
        positional = positional[1:]  # self or cls, bound by the attribute
    calls = []
    for node in ast.walk(scopes.tree):
        if isinstance(node, ast.Constant) and node.value == function.name:
            return []  # getattr(obj, "name") and the like
        if not (isinstance(node, ast.Attribute) and node.attr == function.name):
            continue
        call = scopes.parents.get(node)
        if not (isinstance(call, ast.Call) and call.func is node):
            return []  # the bound method passed around as a value
        receiver = node.value
        if "staticmethod" not in decorators and not (
            isinstance(receiver, ast.Name) and receiver.id in ("self", "cls")
        ):
            return []  # Class.method(obj, ...) places its arguments differently
        calls.append(call)
    return _placed(calls, positional, parameter)


def _placed(calls: list[ast.Call], positional: list[ast.arg], parameter: ast.AST) -> list:
    """The argument each call passes for `parameter` ([] when one cannot be placed)."""
    index = next((i for i, a in enumerate(positional) if a is parameter), None)
    name = getattr(parameter, "arg", "")
    arguments: list[ast.AST] = []
    for call in calls:
        if any(isinstance(a, ast.Starred) for a in call.args) or any(
            k.arg is None for k in call.keywords
        ):
            return []
        if index is not None and index < len(call.args):
            arguments.append(call.args[index])
            continue
        keyword = next((k.value for k in call.keywords if k.arg == name), None)
        if keyword is None:
            return []  # the default, or a missing argument
        arguments.append(keyword)
    return arguments


def _module_private(function: ast.FunctionDef, scopes: Scopes, elsewhere: Elsewhere) -> bool:
    """A module-level function no other module names and its own does not export by name
    (`__all__`, getattr): only its module's calls reach it."""
    if scopes.scope_of(function) is not scopes.tree or elsewhere(function.name):
        return False
    return not any(
        isinstance(n, ast.Constant) and n.value == function.name for n in ast.walk(scopes.tree)
    )


def _none(value: ast.AST) -> bool:
    """A literal None: urllib fails on it before reading any scheme."""
    return isinstance(value, ast.Constant) and value.value is None


def _class_name(node: ast.AST, scopes: Scopes) -> str:
    """The name of the module-level class whose method holds `node` ('' when none)."""
    function = scopes.function_of(node)
    owner = scopes.scope_of(function) if function is not None else None
    if isinstance(owner, ast.ClassDef) and scopes.scope_of(owner) is scopes.tree:
        return owner.name
    return ""


def _name(func: ast.AST) -> str:
    """The called name: `f` for f(...) and x.f(...)."""
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""
