"""Where the HTML handed to Markup() / mark_safe() comes from (Bandit B704, B703, B308).

Bandit flags every such call whose argument is not a literal. What matters is who decides the
text. Each leaf of the argument is classed, following local names through every binding they
have (name_bindings.py), module constants, and comprehension variables through their iterable:

- SAFE: constants; escaping calls (escape, conditional_escape, bleach.clean, ...), format_html
  of a SAFE format string, a `.replace()` chain turning & < > " into entities;
  URL encoding (urlencode, quote, `.urlencode()`), reverse() and url_for(); int(), len(), ...;
  and str(), gettext, string methods, `+`, `%`, f-strings, .format() and join() of SAFE parts,
  a regex `.sub()` of SAFE text with a SAFE replacement (regex_substitutions.py); the render
  of a template Django's loader found (django_template_renders.py).
- CALLER: a parameter of the enclosing function or lambda (not self/cls), its attributes and
  items, anything read from `request`, or a name bound nowhere in sight - inserted as it is,
  whole or as a piece of such a concatenation, unless an allow-list check limits it to constants
  first (allow_list_guard.py). A helper like `def bold(v): return Markup("<b>" + v + "</b>")`
  marks whatever its callers pass as safe HTML; a template filter is called with page data.
- OTHER: the rest - what an unknown function returns (even given a parameter: a markdown
  renderer decides what it emits), attributes of self, settings, database objects.

A constant-key subscript `row["id"]` of a dict literal, read back through names and the lists
the dict is appended to, is classed by what was stored under that key, not by the whole dict
(keyed_items.py).

A form widget's render parameters are what its form library passes (form_widgets.py): a WTForms
field and its name, id, label and rendering, a Django widget's `name` are SAFE, the render
keywords / widget attrs (and the defaulted parameters a subclass's render adds) OTHER, the
user's value (`field.data`, a Django `value`) CALLER. So are a Django BoundField's
`id_for_label` (SAFE) and Flask's `request.script_root` (SAFE: the server's).
The object a Django admin `@admin.display` method is handed is a stored row (OTHER,
admin_display.py). In a module importing django, `x.pk` is OTHER too: only a Django model
instance has it, and its primary key is stored data, whoever hands the row over.

A `Markup(x).unescape()` or `.striptags()` is not marked safe at all: the Markup is used only to
decode entities (or drop tags), and what the method returns is a plain `str`, escaped again by
whatever renders it; that call is low confidence whatever `x` is.

Any CALLER leaf keeps Bandit's confidence. Otherwise the finding is low confidence: request data
reaching Markup / mark_safe is data flow, which the taint rules devsecbots.flask.xss and
devsecbots.django.xss report on the same line.
"""

from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Callable, Sequence

from devsecbots.nodes.analyzers.admin_display import admin_display_object
from devsecbots.nodes.analyzers.allow_list_guard import allow_listed
from devsecbots.nodes.analyzers.django_template_renders import renders_loaded_template
from devsecbots.nodes.analyzers.form_widgets import (
    BOUND_FIELD_NAMES,
    FIELD_VALUES,
    imports_django,
    widget_role,
)
from devsecbots.nodes.analyzers.keyed_items import keyed_values
from devsecbots.nodes.analyzers.markup_undone import WHY as UNDONE
from devsecbots.nodes.analyzers.markup_undone import only_undone_markup
from devsecbots.nodes.analyzers.name_bindings import Binding, Scopes
from devsecbots.nodes.analyzers.regex_substitutions import substituted

SAFE, OTHER, CALLER = 0, 1, 2
SINKS = {"B704": frozenset({"Markup"}), "B703": frozenset({"mark_safe"})}
SINKS["B308"] = SINKS["B703"]
TAINT_RULE = {"B704": "devsecbots.flask.xss", "B703": "devsecbots.django.xss"}
TAINT_RULE["B308"] = TAINT_RULE["B703"]
ESCAPER = re.compile(r"(?i)^(.*_)?(escape\w*|\w*_escape|saniti[sz]e\w*|clean(_html)?|bleach)$")
_SAFE_CALLS = frozenset(
    {"urlencode", "quote", "quote_plus", "reverse", "reverse_lazy", "url_for"}
    | {"int", "float", "len", "bool", "range", "format_html_join"}
)
_GETTEXT = frozenset(
    {"_", "_l", "gettext", "gettext_lazy", "lazy_gettext", "ugettext", "ugettext_lazy"}
    | {"ngettext", "ngettext_lazy", "ungettext", "pgettext", "pgettext_lazy", "npgettext"}
)
# Calls that hand back their argument's text as it is (Markup of Markup does not escape).
_PASS_THROUGH = frozenset(
    {"str", "list", "tuple", "set", "frozenset", "sorted", "reversed", "enumerate", "zip"}
    | {"Markup", "mark_safe", "SafeString", "SafeText"}
)
_STRING_METHODS = frozenset(
    {"replace", "strip", "lstrip", "rstrip", "upper", "lower", "title", "capitalize"}
    | {"casefold", "swapcase", "center", "ljust", "rjust", "zfill", "expandtabs", "format"}
    | {"format_map", "join", "encode", "decode", "removeprefix", "removesuffix", "split"}
    | {"rsplit", "splitlines", "partition", "rpartition"}
)
_ACCESSORS = frozenset({"get", "getlist", "pop", "copy", "items", "keys", "values", "setdefault"})
_BUILTINS = frozenset(dir(builtins))
_SELF = frozenset({"self", "cls"})
_DEPLOYMENT = frozenset({"script_root"})  # WSGI SCRIPT_NAME: set by the server, not the client
_HAND_ESCAPED = frozenset({"&", "<", ">", '"'})
_ROLE = {"field": SAFE, "name": SAFE, "own": OTHER, "value": CALLER}


def markup_reason(test_id: str, tree: ast.AST, line: int) -> str:
    """Why the Markup / mark_safe call Bandit flags at `line` is low confidence ('' if not)."""
    if test_id == "B704" and only_undone_markup(tree, line, frozenset()):
        return UNDONE
    content = sink_argument(test_id, tree, line)
    if content is None:
        return ""
    verdict = Provenance(Scopes(tree)).of(content)
    if verdict == CALLER:
        return ""
    if verdict == SAFE:
        return "the HTML is built only from constants and escaped or encoded values"
    return (
        "the HTML comes from the application's own data (settings, stored objects, what its "
        "helpers return), not from a caller's argument or the request; request data that "
        f"reaches it is reported by {TAINT_RULE[test_id]}"
    )


def sink_argument(test_id: str, tree: ast.AST, line: int) -> ast.expr | None:
    """The content handed to the Markup / mark_safe call Bandit flags at `line` (None if none)."""
    call = next(
        (
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and node.lineno == line
            and _called(node.func) in SINKS[test_id]
        ),
        None,
    )
    return call.args[0] if call is not None and call.args else None


class Provenance:
    """Classifies expressions of one module as SAFE, OTHER or CALLER (the worst of their leaves)."""

    def __init__(self, scopes: Scopes, parameter: Callable[[Binding], int] | None = None) -> None:
        self.scopes = scopes
        self.parameter = parameter  # what a parameter carries (default: CALLER, anything)
        self.seen: dict[int, int] = {}
        self._django: bool | None = None

    def of(self, node: ast.AST) -> int:
        """The class of the expression `node`."""
        key = id(node)
        if key in self.seen:
            return self.seen[key]
        self.seen[key] = SAFE  # a cycle (x = x + "a") adds nothing by itself
        self.seen[key] = self._of(node)
        return self.seen[key]

    def worst(self, nodes: Sequence[ast.AST]) -> int:
        """The worst class among the expressions (SAFE for none)."""
        return max((self.of(n) for n in nodes), default=SAFE)

    def _of(self, node: ast.AST) -> int:
        if isinstance(node, ast.Constant | ast.Compare):
            return SAFE
        if isinstance(node, ast.Name):
            return self._name(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.Attribute) and self._code_owned_attribute(node):
            return SAFE
        if _from_request(node):
            return CALLER
        if isinstance(node, ast.Attribute) and node.attr == "pk" and self._imports_django():
            return OTHER  # a model row's primary key
        if isinstance(node, ast.Attribute):
            root = node.value
            if isinstance(root, ast.Name) and self._is_field(root):
                return CALLER if node.attr in FIELD_VALUES else SAFE
            return OTHER if isinstance(root, ast.Name) and root.id in _SELF else self.of(root)
        if isinstance(node, ast.Subscript):
            stored = keyed_values(node, self.scopes)
            return self.of(node.value) if stored is None else self.worst(stored)
        if isinstance(node, ast.Starred | ast.Await | ast.NamedExpr):
            return self.of(node.value)
        if isinstance(node, ast.JoinedStr | ast.BoolOp):
            return self.worst(node.values)
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            return self.worst(node.elts)
        if isinstance(node, ast.FormattedValue):
            return self.of(node.value)
        if isinstance(node, ast.BinOp):
            return self.worst([node.left, node.right])
        if isinstance(node, ast.UnaryOp):
            return SAFE if isinstance(node.op, ast.Not) else self.of(node.operand)
        if isinstance(node, ast.IfExp):
            return self.worst([node.body, node.orelse])
        if isinstance(node, ast.Dict):
            return self.worst([k for k in node.keys if k is not None] + node.values)
        if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp):
            return self.of(node.elt)
        if isinstance(node, ast.DictComp):
            return self.worst([node.key, node.value])
        return OTHER

    def _code_owned_attribute(self, node: ast.Attribute) -> bool:
        """`request.script_root` (the deployment's prefix), or a Django BoundField's own name."""
        if node.attr in _DEPLOYMENT and _from_request(node.value):
            return True
        return node.attr in BOUND_FIELD_NAMES and self._imports_django()

    def _imports_django(self) -> bool:
        if self._django is None:
            self._django = imports_django(self.scopes.tree)
        return self._django

    def _is_field(self, node: ast.Name, depth: int = 3) -> bool:
        """Whether every binding of the name is a WTForms widget's field (or one of its
        subfields, an element of iterating it)."""
        found = self.scopes.reaching(node.id, node) if depth > 0 else []
        return bool(found) and all(
            (b.kind == "parameter" and widget_role(b, self.scopes) == "field")
            or (
                b.kind == "element"
                and isinstance(b.node, ast.Name)
                and self._is_field(b.node, depth - 1)
            )
            for b in found
        )

    def _name(self, node: ast.Name) -> int:
        if node.id in _SELF:
            return OTHER
        if self._is_field(node):
            return SAFE  # a field renders itself, escaping its value
        if allow_listed(node.id, node, self.scopes):
            return SAFE
        found = self.scopes.reaching(node.id, node)
        if not found:
            return OTHER if node.id in _BUILTINS else CALLER
        return max(self._binding(b) for b in found)

    def _binding(self, binding: Binding) -> int:
        if binding.kind == "parameter":
            if getattr(binding.node, "arg", "") in _SELF:
                return OTHER
            role = widget_role(binding, self.scopes)
            if role:
                return _ROLE[role]
            if admin_display_object(binding, self.scopes):
                return OTHER
            return self.parameter(binding) if self.parameter else CALLER
        if binding.kind == "opaque":
            return OTHER
        return self.of(binding.node)  # a value, or the iterable an element comes from

    def _call(self, node: ast.Call) -> int:
        name = _called(node.func)
        arguments = list(node.args) + [k.value for k in node.keywords]
        if ESCAPER.match(name) or name in _SAFE_CALLS or _escaped_by_hand(node):
            return SAFE
        if renders_loaded_template(node, self.scopes):
            return SAFE
        if name == "format_html":  # escapes its arguments, not its format string
            return self.worst(node.args[:1])
        if _from_request(node):
            return CALLER
        field = node.func.value if isinstance(node.func, ast.Attribute) else node.func
        if isinstance(field, ast.Name) and self._is_field(field):
            return CALLER if name in FIELD_VALUES else SAFE  # field(), field.label(), _value()
        if isinstance(node.func, ast.Name) and name in _GETTEXT | _PASS_THROUGH:
            return self.worst(arguments)
        if isinstance(node.func, ast.Attribute) and name in _STRING_METHODS | _ACCESSORS:
            return self.worst([node.func.value, *arguments])
        replaced = substituted(self, node, OTHER)
        return OTHER if replaced is None else replaced


def _escaped_by_hand(node: ast.Call) -> bool:
    """`x.replace("&", "&amp;").replace("<", "&lt;")...` covering & < > and the double quote."""
    replaced: set[str] = set()
    current: ast.AST = node
    while (
        isinstance(current, ast.Call)
        and isinstance(current.func, ast.Attribute)
        and current.func.attr == "replace"
        and len(current.args) == 2
    ):
        old, new = current.args
        if isinstance(old, ast.Constant) and isinstance(new, ast.Constant):
            if (
                isinstance(new.value, str)
                and new.value.startswith("&")
                and isinstance(old.value, str)
            ):
                replaced.add(old.value)
        current = current.func.value
    return _HAND_ESCAPED <= replaced


def _from_request(node: ast.AST) -> bool:
    """Whether the expression reads `request` (`request.GET[...]`, `self.request.args.get()`)."""
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            if node.attr == "request":
                return True
            node = node.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return isinstance(node, ast.Name) and node.id == "request"


def _called(func: ast.AST) -> str:
    """`f` for f(...) and x.f(...)."""
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""
