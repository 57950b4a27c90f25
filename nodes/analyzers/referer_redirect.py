"""A redirect back to the page the browser came from (the Referer) is not an open redirect.

The Referer is what the victim's own browser sends: the page that linked or posted here. An
attacker can make it their own page only by having the user come from it, so the redirect can
only send the user back to where they already were; it cannot put the site's name in front of a
link to anywhere else. `redirect(request.referrer or url_for("index"))` is the common form.
Only the header read straight from the request counts (Flask's `request.referrer`, the headers
mapping, Django's `META["HTTP_REFERER"]`, the WSGI `environ["HTTP_REFERER"]`), alone or `or`-ed
with on-site fallbacks; a Referer passed through a query parameter (`?back=`) is request data
like any other.
"""

from __future__ import annotations

import ast

ON_SITE_CALLS = frozenset({"url_for", "reverse", "reverse_lazy", "resolve_url"})
_HEADER_NAMES = frozenset({"referer", "http_referer"})


def back_to_referer(target: ast.AST) -> bool:
    """Whether the redirect target is the request's Referer, possibly `or` an on-site URL."""
    values = target.values if isinstance(target, ast.BoolOp) else [target]
    if isinstance(target, ast.BoolOp) and not isinstance(target.op, ast.Or):
        return False
    return any(_referer(v) for v in values) and all(_referer(v) or _on_site(v) for v in values)


def _referer(value: ast.AST) -> bool:
    """request.referrer, request.headers.get("Referer"), request.META["HTTP_REFERER"], ..."""
    if isinstance(value, ast.Attribute) and value.attr == "referrer":
        return _is_request(value.value)
    key: ast.AST | None = None
    mapping: ast.AST | None = None
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
        if value.func.attr == "get" and value.args:
            key, mapping = value.args[0], value.func.value
    elif isinstance(value, ast.Subscript):
        key, mapping = value.slice, value.value
    return (
        isinstance(key, ast.Constant)
        and isinstance(key.value, str)
        and key.value.lower() in _HEADER_NAMES
        and isinstance(mapping, ast.Attribute)
        and mapping.attr in ("headers", "META", "environ")
        and _is_request(mapping.value)
    )


def _is_request(value: ast.AST) -> bool:
    """`request` or `self.request`."""
    if isinstance(value, ast.Attribute):
        return value.attr == "request"
    return isinstance(value, ast.Name) and value.id == "request"


def _on_site(value: ast.AST) -> bool:
    """A fallback that stays on the site: url_for()/reverse(), or a literal path "/..."."""
    if isinstance(value, ast.Call):
        func = value.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        return name in ON_SITE_CALLS
    return (
        isinstance(value, ast.Constant)
        and isinstance(value.value, str)
        and value.value.startswith("/")
        and not value.value.startswith("//")
    )
