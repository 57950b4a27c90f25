"""Whether a redirect target named by a local starts with a URL the application builds, request
data only following it: then a host check is no fix.

Each value assigned to the name (`x = ...`, `x += ...`) must be one of:

- a value without request data (`model.local_path`, `reverse("home")`);
- the name itself extended (`x = f"{x}?{query}"`), or `x += "?..."` / `"&..."`;
- text that starts with a same-site path (`"/api" + request.path`): the host is this site's;
- request data only after a literal "?" (`f"{obj.path}?{request.GET.urlencode()}"`, also
  `"?".join([obj.path, query])`);
- the result of a function the project defines or of `reverse()` / `url_for()`, request data
  only among its arguments (`build_admin_url(request.path)`): a URL builder whose host, when
  it gives one, the application chose (a configured admin or web host, cross-host by design).

A check against this request's host would send every intended cross-host redirect to "/", and
guards nothing in the others; such a target is left for a person (and the analyzer) to read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import libcst as cst
from devsecbots.nodes.autofix.strings import parts_of
from devsecbots.nodes.autofix.tree import Tree, code, string_value

SAME_SITE = re.compile(r"^/[^/\\\s]")
APP_URLS = frozenset({"reverse", "reverse_lazy", "url_for", "resolve_url"})
REQUEST = re.compile(r"\brequest\b")
BINDINGS = (cst.Assign, cst.AugAssign, cst.AnnAssign, cst.For, cst.NamedExpr, cst.WithItem)


def defines(files: Mapping[str, str], name: str) -> bool:
    """Whether one of the project's Python files defines a function or method `name`."""
    pattern = re.compile(rf"^\s*(?:async\s+)?def\s+{re.escape(name)}\s*\(", re.MULTILINE)
    return any(path.endswith(".py") and pattern.search(text) for path, text in files.items())


def built_start(
    tree: Tree, function: cst.FunctionDef | None, name: cst.Name, files: Mapping[str, str]
) -> str:
    """What every value of `name` starts with when request data cannot choose its host (see
    module): the URL builder or object read, or "a same-site path"; '' otherwise."""
    if function is None or any(p.name.value == name.value for p in _params(function)):
        return ""
    assigns = list(tree.within(function, cst.Assign))
    kinds: tuple[type[cst.CSTNode], ...] = BINDINGS
    nodes = [n for kind in kinds for n in tree.within(function, kind)]
    starts = []
    for node in nodes:
        if isinstance(node, cst.AugAssign) and _is(node.target, name):
            parts = parts_of(node.value)
            if not isinstance(node.operator, cst.AddAssign) or not (
                parts and isinstance(parts[0], str) and parts[0][:1] in ("?", "&")
            ):
                return ""
        elif isinstance(node, cst.Assign) and any(_is(t.target, name) for t in node.targets):
            start = _start(node.value, name, assigns, files) if len(node.targets) == 1 else None
            if start is None:
                return ""
            starts.append(start)
        elif isinstance(node, cst.AnnAssign | cst.For | cst.NamedExpr) and _is(node.target, name):
            return ""  # bound another way: not followed
        elif isinstance(node, cst.WithItem) and node.asname and _is(node.asname.name, name):
            return ""
    found = [s for s in starts if s]
    return found[0] if found else ("a same-site path" if starts else "")


def _start(
    value: cst.BaseExpression, name: cst.Name, assigns: list[cst.Assign], files: Mapping[str, str]
) -> str | None:
    """What an assigned value starts with ('' for a same-site path or the name itself
    extended); None when request data may choose its host."""
    parts = parts_of(value) or _joined(value) or [value]
    first = parts[0]
    if isinstance(first, str):
        return "" if SAME_SITE.match(first) or _query_only(parts) else None
    if not _query_only(parts[1:]):
        return None
    if isinstance(first, cst.Name):
        return "" if first.value == name.value else None  # x = f"{x}?{query}"
    if isinstance(first, cst.Call) and _builder(first, assigns, files):
        return code(first)  # a URL builder: request data only among its arguments
    root = _root(first)
    if root is None or root.value in {"request", "self"} or _from_request(assigns, root):
        return None
    return code(first)  # `model.local_path`: an attribute of an object that is no request


def _joined(value: cst.BaseExpression) -> list[str | cst.BaseExpression] | None:
    """`"?".join([path, query])` as [path, "?", query] (None for anything else)."""
    if not (
        isinstance(value, cst.Call)
        and isinstance(value.func, cst.Attribute)
        and value.func.attr.value == "join"
        and len(value.args) == 1
        and isinstance(value.args[0].value, cst.List | cst.Tuple)
    ):
        return None
    separator = string_value(value.func.value)
    items = value.args[0].value.elements
    if separator is None or not items or any(isinstance(e, cst.StarredElement) for e in items):
        return None
    out: list[str | cst.BaseExpression] = []
    for item in items:
        out += [separator, item.value] if out else [item.value]
    return out


def _builder(call: cst.Call, assigns: list[cst.Assign], files: Mapping[str, str]) -> bool:
    """`reverse(...)`, or a function the project defines called on no request-made object."""
    if _called(call) in APP_URLS:
        return True
    if isinstance(call.func, cst.Attribute):
        root = _root(call.func.value)
        if root is None or root.value in {"request", "self"} or _from_request(assigns, root):
            return False
    return defines(files, _called(call))


def _query_only(parts: list[str | cst.BaseExpression]) -> bool:
    """Whether request data among the parts comes only after a literal '?' or '#'."""
    for part in parts:
        if isinstance(part, str):
            if "?" in part or "#" in part:
                return True
        elif REQUEST.search(code(part)):
            return False
    return True


def _root(node: cst.BaseExpression) -> cst.Name | None:
    """The name an attribute chain (`a.b.c`) starts from; None for anything else."""
    while isinstance(node, cst.Attribute):
        node = node.value
    return node if isinstance(node, cst.Name) else None


def _from_request(assigns: list[cst.Assign], root: cst.Name) -> bool:
    """Whether the function assigns `root` from something that mentions the request."""
    return any(
        _is(t.target, root) and REQUEST.search(code(a.value)) for a in assigns for t in a.targets
    )


def _called(call: cst.Call) -> str:
    func = call.func
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return func.value if isinstance(func, cst.Name) else ""


def _is(target: cst.BaseExpression, name: cst.Name) -> bool:
    return isinstance(target, cst.Name) and target.value == name.value


def _params(function: cst.FunctionDef) -> list[cst.Param]:
    p = function.params
    return [*p.posonly_params, *p.params, *p.kwonly_params]
