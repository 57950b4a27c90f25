"""Whether a Django view exempt from CSRF acts with the visitor's session, so it can be forged.

Cross-site request forgery borrows the credentials a browser adds by itself: the session cookie.
A view exempt from CSRF is only forgeable when it acts for whoever that cookie logs in —
it reads `request.user` or `request.session`, or sits behind `login_required` or a login mixin.
A webhook that checks a signature, an API that reads a key from a header, a ping URL that
carries its own secret: a forged request from another site gains nothing there that the
attacker could not send directly. Those findings stay reported, with low confidence and the
reason in the title, so they do not block by default.
"""

from __future__ import annotations

import ast
import re

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.parsed import parsed_tree
from devsecbots.nodes.analyzers.project_trees import statement_blocks

RULE = "devsecbots.django.csrf-exempt"
NOT_AMBIENT = (
    " (the view reads no session or logged-in user: its caller is identified by the URL, a "
    "header or a signature, which a forged cross-site request cannot add)"
)
# Decorators and mixins that let the session cookie authenticate the request.
SESSION_AUTH = re.compile(
    r"login_required|permission_required|user_passes_test|staff_member_required"
    r"|superuser_required|LoginRequired|PermissionRequired|UserPassesTest|SessionAuthentication"
)
_AMBIENT_ATTRIBUTES = frozenset({"user", "session", "COOKIES", "auth"})
# Django's helpers that take the request only to render a template with it.
_RENDERERS = frozenset({"render", "render_to_string", "TemplateResponse", "render_to_response"})


def refine_csrf_exempt(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """`findings` with each csrf-exempt finding on a view that does not use the session
    lowered to low confidence, saying why."""
    trees: dict[str, ast.Module | None] = {}
    result = []
    for finding in findings:
        if finding["rule_id"] == RULE and finding["file"] in files:
            if finding["file"] not in trees:
                trees[finding["file"]] = _parse(files[finding["file"]])
            tree = trees[finding["file"]]
            view = _view_at(tree, finding["line"]) if tree is not None else None
            if view is not None and tree is not None and _uses_session(view, tree) is False:
                finding = Finding(
                    **{**finding, "confidence": "low", "title": finding["title"] + NOT_AMBIENT}
                )
        result.append(finding)
    return result


def _parse(source: str) -> ast.Module | None:
    return parsed_tree(source)


Definition = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


def _view_at(tree: ast.Module, line: int) -> Definition | None:
    """The view the finding at `line` is about: the definition decorated at that line, or the
    view named in `csrf_exempt(view)` on that line."""
    definitions = _definitions(tree)
    for node in definitions.values():
        first = min([d.lineno for d in node.decorator_list] + [node.lineno])
        if first <= line <= node.lineno:
            return node
    for call in ast.walk(tree):
        if (
            isinstance(call, ast.Call)
            and getattr(call, "lineno", 0) == line
            and _name(call.func) == "csrf_exempt"
            and call.args
        ):
            target = call.args[0]
            if isinstance(target, ast.Call) and _name(target.func) == "as_view":
                target = target.func.value if isinstance(target.func, ast.Attribute) else target
            return definitions.get(_name(target))
    return None


def _definitions(tree: ast.Module) -> dict[str, Definition]:
    """Functions and classes of the module by name (the last definition wins, as at runtime)."""
    found: dict[str, Definition] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found[node.name] = node
    return found


def _uses_session(view: Definition, tree: ast.Module) -> bool | None:
    """Whether the view, or a function of the same module it calls, relies on the session;
    None when it hands the request to code elsewhere, which this module cannot show."""
    definitions = _definitions(tree)
    seen: set[str] = set()
    pending = [view]
    while pending:
        node = pending.pop()
        if node.name in seen:
            continue
        seen.add(node.name)
        # the view's first parameter is the request whatever its name; a helper's, by its name
        requests = {"request", "req"} | (_request_parameters(node) if node is view else set())
        replaced = _identity_replaced(node, requests)
        if _session_evidence(node, requests, replaced):
            return True
        for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)):
            if id(call) in replaced:
                continue  # the request carries the user the view chose, not the session's
            # only a bare name calls a function of this module; `obj.f()` is someone else's f
            callee = definitions.get(call.func.id) if isinstance(call.func, ast.Name) else None
            if callee is not None:
                pending.append(callee)
            elif _name(call.func) not in _RENDERERS and _passes_request(call, requests):
                return None
    return False


def _passes_request(call: ast.Call, requests: set[str]) -> bool:
    """Whether the request object itself (not one of its attributes) is an argument."""
    arguments = [*call.args, *(k.value for k in call.keywords)]
    return any(
        isinstance(a, ast.Name) and (a.id in requests or a.id.endswith("request"))
        for a in arguments
    )


def _session_evidence(node: Definition, requests: set[str], replaced: set[int]) -> bool:
    """Session auth in the definition's decorators, bases or body (`requests`: its names for
    the request; `replaced`: ids of nodes that run after the view set `request.user` itself)."""
    heads = [*node.decorator_list, *(node.bases if isinstance(node, ast.ClassDef) else [])]
    if any(SESSION_AUTH.search(ast.unparse(h)) for h in heads):
        return True
    for inner in ast.walk(node):
        if id(inner) in replaced:
            continue
        if isinstance(inner, ast.Attribute) and inner.attr in _AMBIENT_ATTRIBUTES:
            owner = _name(inner.value)
            if owner in requests or owner.endswith("request"):
                return True
        if isinstance(inner, ast.Name) and SESSION_AUTH.search(inner.id):
            return True  # authentication_classes = [SessionAuthentication], login_required(...)
    return False


def _identity_replaced(node: Definition, requests: set[str]) -> set[int]:
    """Ids of the nodes of `request.user = <x>` statements and of everything after them in the
    same block: there the request carries the user the view looked up itself (a webhook's
    token owner), not the one the browser's session cookie names."""
    replaced: set[int] = set()
    for block in statement_blocks(node):
        for index, stmt in enumerate(block):
            if isinstance(stmt, ast.Assign) and any(
                isinstance(t, ast.Attribute)
                and t.attr == "user"
                and (_name(t.value) in requests or _name(t.value).endswith("request"))
                for t in stmt.targets
            ):
                replaced |= {id(n) for later in block[index:] for n in ast.walk(later)}
                break
    return replaced


def _request_parameters(node: Definition) -> set[str]:
    """The name each function in `node` gives the request: its first parameter, after self."""
    names = set()
    for inner in ast.walk(node):
        if isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef)):
            positional = [a.arg for a in (*inner.args.posonlyargs, *inner.args.args)]
            positional = [a for a in positional if a not in ("self", "cls")]
            names.update(positional[:1])
    return names


def _name(node: ast.expr) -> str:
    """The last part of a bare or dotted name ('' otherwise)."""
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""
