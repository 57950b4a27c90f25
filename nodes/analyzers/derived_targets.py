"""Whether a redirect's target is something the server derived from the request data, not
the data itself (for the CSRF-checked POST views: django_post_redirects.py, csrf_post_views.py).

A site's own page can carry a visitor's link into its form (`<input type=hidden name=next
value="{{ request.GET.next }}">`), so a URL posted by the site's own form may still be an
attacker's. A target the request data reaches only as an argument of a function (a lookup:
`get_object_or_404(Book, ...).local_path`, a webfinger query) is the server's answer, not the
posted text. Request reads in the target, concatenated, or passed through a call that keeps
the text (str(), quote(), urljoin(), a method of the value) count as the data itself; so does a
view parameter (a piece of the URL) and a local name bound any other way than `x = ...`.
Not known: what a function does with its argument - one that hands it back (`clean(next)`)
reads as a lookup, hence only for views no other site can send a request to.
"""

from __future__ import annotations

import ast

from devsecbots.nodes.analyzers.local_assignments import called_name

Function = ast.FunctionDef | ast.AsyncFunctionDef
REDIRECTS = frozenset({"redirect", "HttpResponseRedirect", "HttpResponsePermanentRedirect"})
REQUEST_NAMES = frozenset({"request", "req"})
DEPTH = 6  # local names followed
TEXT_CALLS = frozenset(  # calls whose value is their argument's text, or built from it
    {"str", "format", "quote", "quote_plus", "unquote", "unquote_plus", "urljoin", "urlunsplit"}
    | {"urlunparse", "iri_to_uri", "uri_to_iri", "escape_uri_path", "smart_str", "force_str"}
)


def derived_only(view: Function, line: int) -> bool:
    """Every redirect on the line (in the view) goes to a value derived from the request data."""
    targets = [c.args[0] for c in _calls_at(view, line) if c.args]
    return bool(targets) and not any(_reads_request(t, view, 0) for t in targets)


def _calls_at(view: Function, line: int) -> list[ast.Call]:
    """The redirect calls spanning the line."""
    return [
        n
        for n in ast.walk(view)
        if isinstance(n, ast.Call)
        and called_name(n.func) in REDIRECTS
        and n.lineno <= line <= (n.end_lineno or n.lineno)
    ]


def _reads_request(value: ast.AST, view: Function, depth: int) -> bool:
    """Whether request data is part of the value itself, not only an argument of a function
    that looks something up (`get_object_or_404(Book, id=...)`, a webfinger query): a
    site's own page can carry a visitor's link into its form (`<input type=hidden name=next
    value={{ request.GET.next }}>`), so a POSTed URL may still be the attacker's; a URL the
    server derived from what was posted is not. Local names are read through their values."""
    if depth > DEPTH:
        return True
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
        if value.func.id not in TEXT_CALLS:
            return False  # a function of the request data: a lookup, not the data
    if isinstance(value, ast.Name):
        if value.id in REQUEST_NAMES:
            return True
        values = _assigned(view, value.id)
        return values is None or any(_reads_request(v, view, depth + 1) for v in values)
    return any(_reads_request(child, view, depth) for child in ast.iter_child_nodes(value))


def _assigned(view: Function, name: str) -> list[ast.expr] | None:
    """The values plainly assigned to a local name in the view (None when it is a parameter,
    a URL's piece, or bound another way: a loop, a with, an unpacking, `+=`)."""
    if any(a.arg == name for a in ast.walk(view.args) if isinstance(a, ast.arg)):
        return None
    values: list[ast.expr] = []
    plain: set[ast.AST] = set()
    for node in ast.walk(view):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and target.id == name:
                values.append(node.value)
                plain.add(target)
    for node in ast.walk(view):
        if isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load):
            if node not in plain:
                return None
    return values
