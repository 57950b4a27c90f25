"""A SAML assertion consumer service (python3-saml / OneLogin): exempt from CSRF by necessity.

The IdP sends the signed SAML response to the service provider's ACS view as a cross-site form
POST from the user's browser, so the view cannot ask for this site's CSRF token: the response's
signature, checked by `auth.process_response()`, is the proof of who sent it. Nor does the view
take a password or any secret a visitor could guess, so throttling it does not stop guessing.

A view is an ACS when one receiver both processes the response and reads its errors
(`auth.process_response(...)` and `auth.get_errors()`), OneLogin's documented pattern. Its
csrf-disabled finding is kept at low confidence; the rate-limit check takes its logging-in
(`login_user`, `authenticate_user`) for what the assertion proved, not for a password check.
"""

from __future__ import annotations

import ast

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.git_http_views import exempted_views
from devsecbots.nodes.analyzers.local_assignments import called_name
from devsecbots.nodes.analyzers.low_confidence import lowered_at

RULES = frozenset({"devsecbots.flask.csrf-disabled"})
WHY = (
    "the exempt view is a SAML assertion consumer service: the IdP posts the signed response "
    "cross-site, which no CSRF token can accompany, and process_response() checks its signature"
)
Function = ast.FunctionDef | ast.AsyncFunctionDef


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, a CSRF exemption of a SAML ACS view at low confidence."""
    return lowered_at(findings, files, RULES, WHY, _exempts_acs_view)


def _exempts_acs_view(tree: ast.Module, line: int) -> bool:
    views = exempted_views(tree, line)
    return bool(views) and all(v is not None and acs_view(v) for v in views)


def acs_view(function: Function) -> bool:
    """Whether one receiver in the function both processes a SAML response and reads its errors."""
    called: dict[str, set[str]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            receiver = ast.unparse(node.func.value)
            called.setdefault(receiver, set()).add(called_name(node.func))
    return any({"process_response", "get_errors"} <= names for names in called.values())
