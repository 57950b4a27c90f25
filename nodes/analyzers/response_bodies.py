"""Response bodies that carry no markup a client wrote, and the project helpers returning them.

A view's return value becomes the response; Flask serves a str as text/html. A body is safe
whatever request data the view read when it is

- a rendered template (`render_template`, Flask-Themes2's `render_theme_template`), a non-HTML
  response (`redirect`, `jsonify`, `abort`, a file sent as an attachment or with a fixed
  passive type: sent_files.py; not an upload served inline) or a dict / list (sent as JSON);
- a `(body, status, headers)` / `(body, headers)` tuple whose headers dict display types the
  response passive (`{"Content-Type": "text/plain"}`: response_headers.py);
- a constant (a fixed message, `""`) or a translation of literal text (`_("Not found")`,
  `gettext` / `lazy_gettext` / `ngettext` ... of constants only: keyword values are
  interpolated, and `_("Hi %s") % name` is not a call of the catalogue);
- `make_response(body, ...)` / `Response(body, ...)` of a safe body, or a `Response(...)` whose
  `mimetype` / `content_type` is a fixed type a browser does not render as a page
  (`image/jpeg`, `application/json`; not html, xml, svg, xsl or multipart: response_headers.py);
- a local name tested empty on the way (`if not name: return name`, the else of `if name:`);
- a local name whose assignment that reaches the use (the last one before it in straight-line
  code: its block, then the blocks around it through if / with / a try's body), or else every
  assignment of which, is one of these, or that is assigned a response (`make_response(...)`,
  `Response(...)`, the reaching assignment or all of them) whose Content-Type the function then
  sets to such a fixed type (`resp.headers["Content-Type"] = "application/json"`,
  `resp.mimetype = ...`), whose Content-Disposition it sets to `attachment; ...`, or onto which
  it copies an attachment header set (`for h in headers: resp.headers[h[0]] = h[1]`:
  attachment_headers.py);
- either branch of `a if c else b`, and every operand of `a or b`;
- a call to a project helper (also under a name an import gave it: import_aliases.py) that
  returns only such bodies, or only such bodies unless a
  parameter defaulting to a false constant is true (`if as_xml: return entries`), where the
  call leaves that parameter out or passes a false constant (param_guards.py); or only such
  bodies given a parameter holds a tame constant that fills a typed f-string
  (`resp.mimetype = f"application/x-{kind}-result"`, where the call passes "upload" or a name a
  check limits to such words: built_types.py), or given the name of the file it sends is of a
  passive type, where the call passes one or a name a check pins to one (pinned_names.py); a
  local name only ever unpacked from calls to helpers (`meta, error = upload(f)`) whose every
  return is a tuple holding such a body at that place (`return None,
  make_response(jsonify(...))`, `return meta, None`).

The helpers are a least fixpoint over the project (a helper may return another helper's
result), every definition of a name agreeing, an abstract one (that only raises) neutral.
While a name is read, its own calls count as safe (`def handle_login(**kw): return
manager.handle_login(**kw)` beside the method of that name): by induction on the depth of the
calls, a value of the name is then a safe body from one of its other returns.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable

from devsecbots.nodes.analyzers.attachment_headers import (
    argument,
    attachment_headers,
    copied_attachment,
    handed_on,
)
from devsecbots.nodes.analyzers.built_types import built_passive, listed, tame
from devsecbots.nodes.analyzers.import_aliases import original_name
from devsecbots.nodes.analyzers.local_assignments import (
    assigned_values,
    called_name,
    reaching_assignment,
    tested_empty,
    unpacked_items,
)
from devsecbots.nodes.analyzers.param_guards import falsy_defaults, guarded, leaves_false
from devsecbots.nodes.analyzers.pinned_names import pinned
from devsecbots.nodes.analyzers.response_headers import passive_type, served_inert, typed_headers
from devsecbots.nodes.analyzers.sent_files import SENDERS, passive_name, sent_inert
from devsecbots.nodes.analyzers.summary_defs import (
    Definition,
    Parents,
    definitions,
    value_returns,
)

RENDERED = frozenset(
    {
        "render_template",
        "render",
        "render_theme_template",  # Flask-Themes2: render_template with a theme's folder first
        "jsonify",
        "redirect",
        "abort",
    }
)
RESPONSES = frozenset({"make_response", "Response"})
# Message catalogue look-ups: of literals only they give fixed text (keywords are interpolated).
GETTEXT = frozenset(
    {"_", "gettext", "lazy_gettext", "ngettext", "lazy_ngettext", "pgettext", "npgettext"}
    | {"gettext_lazy", "ngettext_lazy", "pgettext_lazy", "ugettext", "ugettext_lazy", "_l"}
)
MAX_ITEMS = 4  # tuple items summarised: `meta, error = upload(file)` reads item 1
TYPE_KEYWORDS = frozenset({"mimetype", "content_type"})


def rendering_helpers(trees: Iterable[ast.AST]) -> set[str]:
    """Names of the project functions that return only safe response bodies."""
    defs = definitions(trees)
    found: set[str] = set()
    while True:  # grows only: a helper qualifies through helpers found before it
        now = {
            name
            for name, functions in defs.items()
            if value_returns(functions, returns(found | {name}))  # recursion: see below
        }
        now |= {
            item(name, index)
            for name, functions in defs.items()
            for index in range(MAX_ITEMS)
            if value_returns(functions, _returns_item(found, index))
        }
        now |= {
            unless(name, flag, position)
            for name, functions in defs.items()
            if name not in now
            for flag, position in _common(functions, falsy_defaults).items()
            if value_returns(functions, _returns_unless(found, flag))
        }
        now |= {
            fixed(name, param, position)
            for name, functions in defs.items()
            if name not in now
            for param, position in _common(functions, _interpolated).items()
            if value_returns(functions, returns(found | {tamed(param)}))
        }
        now |= {
            sent_as(name, param, position)
            for name, functions in defs.items()
            if name not in now
            for param, position in _common(functions, _sent_params).items()
            if value_returns(functions, returns(found | {sent_named(param)}))
        }
        now |= {
            given(name, param, position)
            for name, functions in defs.items()
            if name not in now
            for param, position in _common(functions, handed_on).items()
            if value_returns(functions, returns(found | {assumed(param)}))
        }
        if now == found:
            return found
        found = now


def item(name: str, index: int) -> str:
    """How the helpers' set names "item `index` of every tuple `name` returns is a safe body"."""
    return f"{name}[{index}]"


def given(name: str, param: str, position: int) -> str:
    """How the helpers' set names "every return of `name` is a safe body given its parameter
    `param` (at `position`) is a header set sending an attachment" (attachment_headers.py)."""
    return f"{name}&{param}@{position}"


def assumed(param: str) -> str:
    """The entry added to the helpers while summarising a function under `given`: its parameter
    `param` is taken to be an attachment header set."""
    return f"&{param}"


def fixed(name: str, param: str, position: int) -> str:
    """How the helpers' set names "every return of `name` is a safe body given its parameter
    `param` (at `position`) is a tame constant" (built_types.py: it fills a typed f-string)."""
    return f"{name}~{param}@{position}"


def tamed(param: str) -> str:
    """The entry added to the helpers while summarising a function under `fixed`."""
    return f"~{param}"


def _interpolated(definition: Definition) -> dict[str, int]:
    """Parameter -> position (after self / cls) of those never rebound and put into an f-string."""
    holes = {
        n.value.id
        for n in definition.own_nodes
        if isinstance(n, ast.FormattedValue) and isinstance(n.value, ast.Name)
    }
    return {k: v for k, v in handed_on(definition, holes).items() if k in holes}


def sent_as(name: str, param: str, position: int) -> str:
    """How the helpers' set names "every return of `name` is a safe body given its parameter
    `param` (at `position`), the name of a file it sends, is of a passive type"."""
    return f"{name}^{param}@{position}"


def sent_named(param: str) -> str:
    """The entry added to the helpers while summarising a function under `sent_as`."""
    return f"^{param}"


def _sent_params(definition: Definition) -> dict[str, int]:
    """Parameter -> position (after self / cls) of those never rebound and passed to
    send_file / send_from_directory."""
    sent = {
        a.id
        for n in definition.own_nodes
        if isinstance(n, ast.Call) and called_name(n.func) in SENDERS
        for a in n.args
        if isinstance(a, ast.Name)
    }
    return handed_on(definition, sent) if sent else {}


def unless(name: str, flag: str, position: int) -> str:
    """How the helpers' set names "every return of `name` is a safe body unless its parameter
    `flag` (at `position`) is true"."""
    return f"{name}?{flag}@{position}"


def _common(
    functions: list[Definition], read: Callable[[Definition], dict[str, int]]
) -> dict[str, int]:
    """The parameters `read` finds in every returning definition, at the same position."""
    each = [read(f) for f in functions if f.returns]
    if not each:
        return {}
    return {k: v for k, v in each[0].items() if all(e.get(k) == v for e in each[1:])}


def _returns_unless(helpers: set[str], flag: str) -> Callable[[ast.Return, Parents], bool]:
    """A test of one return statement: guarded by a true `flag`, or a safe body."""

    def test(ret: ast.Return, parents: Parents) -> bool:
        return guarded(ret, flag, parents) or safe_body(ret.value, helpers, parents)

    return test


def _leaves_guarded_out(call: ast.Call, name: str, helpers: set[str]) -> bool:
    """Whether `name` returns only safe bodies unless a flag that this call leaves false."""
    prefix = f"{name}?"
    for entry in helpers:
        if entry.startswith(prefix):
            flag, position = entry[len(prefix) :].split("@")
            if leaves_false(call, flag, int(position)):
                return True
    return False


def _returns_item(helpers: set[str], index: int) -> Callable[[ast.Return, Parents], bool]:
    """A test of one return statement: a tuple whose item `index` is a safe body."""

    def test(ret: ast.Return, parents: Parents) -> bool:
        value = ret.value
        if not isinstance(value, ast.Tuple) or len(value.elts) <= index:
            return False
        if any(isinstance(e, ast.Starred) for e in value.elts[: index + 1]):
            return False
        return safe_body(value.elts[index], helpers, parents)

    return test


def returns(helpers: set[str]) -> Callable[[ast.Return, Parents], bool]:
    """A test of one return statement: is its value a safe body, given these helpers?"""
    return lambda ret, parents: safe_body(ret.value, helpers, parents)


def safe_body(
    value: ast.AST | None, helpers: set[str], parents: Parents, seen: frozenset[str] = frozenset()
) -> bool:
    """Whether the expression is a response body with no markup from the client (see above)."""
    if isinstance(value, ast.Tuple):  # (body, status), (body, headers), (body, status, headers)
        if len(value.elts) > 1 and typed_headers(value.elts[-1]):
            return True
        return bool(value.elts) and safe_body(value.elts[0], helpers, parents, seen)
    if isinstance(value, ast.Constant | ast.Dict | ast.List | ast.DictComp | ast.ListComp):
        return True
    if isinstance(value, ast.IfExp):
        return all(safe_body(v, helpers, parents, seen) for v in (value.body, value.orelse))
    if isinstance(value, ast.BoolOp):
        return all(safe_body(v, helpers, parents, seen) for v in value.values)
    if isinstance(value, ast.Name):
        return value.id not in seen and _safe_name(value, helpers, parents, seen | {value.id})
    if not isinstance(value, ast.Call):
        return False
    name = original_name(value.func, parents) or called_name(value.func)
    if name in RENDERED or name in helpers:
        return True
    if name in SENDERS:
        named = frozenset(e[1:] for e in helpers if e.startswith("^"))
        return sent_inert(value, name, parents, named)
    if name not in RESPONSES:
        return (
            _fixed_text(value)
            or _leaves_guarded_out(value, name, helpers)
            or _passes_attachment(value, name, helpers, parents)
            or _passes_tame(value, name, helpers, parents)
            or _passes_pinned(value, name, helpers, parents)
        )
    passive = _typed(helpers, parents)
    if name == "Response" and any(passive(k.value) for k in _type_keywords(value)):
        return True
    if attachment_headers(_keyword(value, "headers"), _assumed(helpers), parents):
        return True
    body = value.args[0] if value.args else _keyword(value, "response")
    return body is None or safe_body(body, helpers, parents, seen)


def _passes_attachment(call: ast.Call, name: str, helpers: set[str], parents: Parents) -> bool:
    """Whether `name` returns only safe bodies given a parameter that this call passes an
    attachment header set."""
    if not name:
        return False  # `f()(...)`: "&" alone would be an assumption's entry, not a helper's
    prefix = f"{name}&"
    for entry in helpers:
        if entry.startswith(prefix):
            param, position = entry[len(prefix) :].split("@")
            passed = argument(call, param, int(position))
            if attachment_headers(passed, _assumed(helpers), parents):
                return True
    return False


def _passes_tame(call: ast.Call, name: str, helpers: set[str], parents: Parents) -> bool:
    """Whether `name` returns only safe bodies given a parameter that this call passes a tame
    constant (or a name limited to tame constants)."""
    prefix = f"{name}~"
    for entry in helpers if name else ():
        if entry.startswith(prefix):
            param, position = entry[len(prefix) :].split("@")
            passed = argument(call, param, int(position))
            if tame(passed) or (isinstance(passed, ast.Name) and listed(passed, parents)):
                return True
    return False


def _passes_pinned(call: ast.Call, name: str, helpers: set[str], parents: Parents) -> bool:
    """Whether `name` returns only safe bodies given the name of the file it sends is of a
    passive type, and this call passes such a name (or one a check pins to such a value)."""
    prefix = f"{name}^"
    for entry in helpers if name else ():
        if entry.startswith(prefix):
            param, position = entry[len(prefix) :].split("@")
            passed = argument(call, param, int(position))
            if passive_name(passed):
                return True
            if isinstance(passed, ast.Name) and pinned(passed, parents, passive_name):
                return True
    return False


def _typed(helpers: set[str], parents: Parents) -> Callable[[ast.AST], bool]:
    """The test of a Content-Type value: a passive constant, or an f-string of one whose holes
    are limited to tame constants (by a check on the way, or assumed under `fixed`)."""
    assumed = {e[1:] for e in helpers if e.startswith("~")}

    def limited(name: ast.Name) -> bool:
        return name.id in assumed or listed(name, parents)

    return lambda value: passive_type(value) or built_passive(value, limited)


def _assumed(helpers: set[str]) -> frozenset[str]:
    """The parameters the current summary takes to be attachment header sets."""
    return frozenset(e[1:] for e in helpers if e.startswith("&"))


def _fixed_text(call: ast.Call) -> bool:
    """A translation of literal text: `_("Not found")`, `ngettext("a book", "%(num)d books", 2)`."""
    return (
        called_name(call.func) in GETTEXT
        and bool(call.args)
        and not call.keywords
        and all(isinstance(a, ast.Constant) for a in call.args)
    )


def _safe_name(name: ast.Name, helpers: set[str], parents: Parents, seen: frozenset[str]) -> bool:
    """The assignment that reaches the use gives a safe body; else every assignment of the
    local name does (or they are responses typed as non-HTML), or it is only ever unpacked from
    calls to helpers whose tuples hold a safe body at its place."""
    if tested_empty(name, parents):
        return True  # only where `if name:` failed: "", None, 0
    reaching = reaching_assignment(name, parents)
    if reaching is not None:
        passive = _typed(helpers, parents)
        if _is_response(reaching.value) and (
            served_inert(name, parents, reaching, passive)
            or copied_attachment(name, reaching, _assumed(helpers), parents)
        ):
            return True
        return _assigns_safe(reaching, name.id, helpers, parents, seen)
    values = assigned_values(name, parents)
    if not values:
        items = unpacked_items(name, parents)
        return bool(items) and all(
            item(called_name(call.func), index) in helpers for call, index in items
        )
    if all(safe_body(v, helpers, parents, seen) for v in values):
        return True
    if not all(_is_response(v) for v in values):
        return False
    if served_inert(name, parents, passive=_typed(helpers, parents)):
        return True
    made = [parents.get(v) for v in values]  # one response, its headers copied from a set
    return (
        len(made) == 1
        and isinstance(made[0], ast.Assign)
        and copied_attachment(name, made[0], _assumed(helpers), parents)
    )


def _is_response(value: ast.AST) -> bool:
    """`make_response(...)` / `Response(...)`."""
    return isinstance(value, ast.Call) and called_name(value.func) in RESPONSES


def _assigns_safe(
    statement: ast.Assign, name: str, helpers: set[str], parents: Parents, seen: frozenset[str]
) -> bool:
    """Whether `name = value` / `a, name = value` gives `name` a safe body."""
    target, value = statement.targets[0], statement.value
    if isinstance(target, ast.Name):
        return safe_body(value, helpers, parents, seen)
    elements = target.elts  # type: ignore[attr-defined]
    if any(isinstance(e, ast.Starred) for e in elements):
        return False
    index = next(i for i, e in enumerate(elements) if isinstance(e, ast.Name) and e.id == name)
    if isinstance(value, ast.Tuple | ast.List) and len(value.elts) == len(elements):
        return safe_body(value.elts[index], helpers, parents, seen)
    return isinstance(value, ast.Call) and item(called_name(value.func), index) in helpers


def _type_keywords(call: ast.Call) -> list[ast.keyword]:
    return [k for k in call.keywords if k.arg in TYPE_KEYWORDS]


def _keyword(call: ast.Call, arg: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == arg), None)
