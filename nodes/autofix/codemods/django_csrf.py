"""`@csrf_exempt` on a Django view -> removed, unless the view authenticates by a token (an API)."""

from __future__ import annotations

import re

import libcst as cst
from devsecbots.nodes.autofix.base import Codemod, Project, Site
from devsecbots.nodes.autofix.edits import Edits
from devsecbots.nodes.autofix.tree import Tree, code

# A view that reads credentials from a header or verifies a signature is an API or a webhook:
# its clients send no CSRF token, and cookies do not authenticate them.
_TOKEN_AUTH = re.compile(
    r"HTTP_AUTHORIZATION|headers\s*(\.get\()?\s*\[?\s*[\"'](authorization|x-api-key|x-hub-signature"
    r"|stripe-signature)|\bBearer\b|authentication_classes|TokenAuthentication|\bhmac\b"
    r"|verify_signature|api_key",
    re.IGNORECASE,
)
TOKEN_API = (
    "django-csrf: the view authenticates by a token or signature (an API or webhook), so CSRF "
    "does not apply the same way and its clients send no CSRF token; removing @csrf_exempt "
    "would break them. Check that no session cookie authenticates it"
)


# CSRF forges requests that ride on the browser's session; a view that never looks at the
# session or the logged-in user (a ping endpoint, a provider's webhook, a signed link) gains
# nothing from the check, and its non-browser clients send no token.
_SESSION_AUTHORITY = re.compile(
    r"\brequest\.(user|session)\b|\blogin_required\b|\bpermission_required\b|\blogin\("
)
NO_SESSION = (
    "django-csrf: the view never uses the session or the logged-in user (a ping, a webhook, a "
    "signed link): CSRF cannot ride on it, and its clients send no CSRF token"
)


class DjangoCsrfExempt(Codemod):
    name = "django-csrf"
    rule_ids = frozenset({"devsecbots.django.csrf-exempt"})
    pattern = "@csrf_exempt view"

    def sites(self, tree: Tree, path: str, project: Project) -> list[Site]:
        found = []
        for function in tree.find(cst.FunctionDef):
            for decorator in function.decorators:
                if "django.views.decorators.csrf.csrf_exempt" not in tree.qualnames(
                    decorator.decorator
                ):
                    continue
                spans = [tree.span(decorator), tree.span(function)]
                if _TOKEN_AUTH.search(code(function)):
                    found.append(Site(spans=spans, reason=TOKEN_API))
                elif not _SESSION_AUTHORITY.search(code(function)):
                    found.append(Site(spans=spans, reason=NO_SESSION))
                else:
                    found.append(
                        Site(spans=spans, plan=_remove(function, decorator), unused=["csrf_exempt"])
                    )
        for call in tree.calls_to("django.views.decorators.csrf.csrf_exempt"):
            if isinstance(tree.parent(call), cst.Decorator):
                continue
            found.append(
                Site(
                    spans=[tree.span(tree.statement_of(call) or call)],
                    reason="django-csrf: csrf_exempt(...) wraps a view by a call (URLconf?); "
                    "remove it by hand if the view changes state for a cookie-authenticated user",
                )
            )
        return found


def _remove(function: cst.FunctionDef, decorator: cst.Decorator):
    def plan(edits: Edits) -> str:
        def drop(node: cst.CSTNode) -> cst.CSTNode:
            assert isinstance(node, cst.FunctionDef)
            kept = [d for d in node.decorators if code(d.decorator) != code(decorator.decorator)]
            return node.with_changes(decorators=kept)

        edits.swap(function, drop)
        return (
            f"@csrf_exempt removed from {function.name.value}: browsers must now send the CSRF "
            "token (forms: {% csrf_token %}; scripts: the X-CSRFToken header)"
        )

    return plan
