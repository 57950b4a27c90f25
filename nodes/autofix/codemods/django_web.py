"""Django views: request data in HTML -> format_html/escape; redirects to request data -> only
to this site (url_has_allowed_host_and_scheme), else a fixed page (devsecbots.django.xss and
devsecbots.django.open-redirect)."""

from __future__ import annotations

import re

import libcst as cst
from devsecbots.graphs.state import Finding
from devsecbots.nodes.autofix.base import Codemod, Project, Site
from devsecbots.nodes.autofix.edits import Edits, expr, replace_arg, stmt
from devsecbots.nodes.autofix.redirect_origin import built_start
from devsecbots.nodes.autofix.strings import is_dynamic, literal, parts_of, unwrap_str
from devsecbots.nodes.autofix.tree import Tree, code, keyword, string_value

XSS_RULE = "devsecbots.django.xss"
REDIRECT_RULE = "devsecbots.django.open-redirect"
MARK_SAFE = {"django.utils.safestring.mark_safe", "django.utils.html.mark_safe"}
RESPONSE = {"django.http.HttpResponse", "django.http.response.HttpResponse"}
REDIRECTS = {
    "django.shortcuts.redirect",
    "django.http.HttpResponseRedirect",
    "django.http.HttpResponsePermanentRedirect",
    "django.http.response.HttpResponseRedirect",
}
_HTML = ("format_html", "django.utils.html")
_CHECK = ("url_has_allowed_host_and_scheme", "django.utils.http")


class DjangoWeb(Codemod):
    name = "django-web"
    rule_ids = frozenset({XSS_RULE, REDIRECT_RULE})
    pattern = "Django response or redirect built from request data"

    def site_kind(self, finding: Finding) -> str | None:
        return "redirect" if finding["rule_id"] == REDIRECT_RULE else "xss"

    def sites(self, tree: Tree, path: str, project: Project) -> list[Site]:
        found = []
        for call in tree.find(cst.Call):
            names = tree.qualnames(call)
            if not call.args or call.args[0].keyword is not None:
                continue
            spans = [tree.span(tree.statement_of(call) or call)]
            if names & MARK_SAFE:
                found.append(_escaped(call, spans, whole=True))
            elif names & RESPONSE and keyword(call, "content_type") is None:
                inner = call.args[0].value
                if not (isinstance(inner, cst.Call) and tree.qualnames(inner) & MARK_SAFE):
                    found.append(_escaped(call, spans, whole=False))
            elif names & REDIRECTS:
                found.append(_redirect(tree, call, spans, project))
        return found


def _escaped(call: cst.Call, spans: list[tuple[int, int]], whole: bool) -> Site:
    """mark_safe(built) -> format_html(...); HttpResponse(built) -> HttpResponse(format_html())."""
    value = call.args[0].value
    parts = parts_of(value)
    if string_value(value) is not None:
        return Site(spans=spans, kind="xss", reason="django-web: the HTML is a constant")
    if is_dynamic(parts):
        template = "".join(
            p.replace("{", "{{").replace("}", "}}") if isinstance(p, str) else "{}"
            for p in parts  # type: ignore[union-attr]
        )
        values = [code(unwrap_str(p)) for p in parts if not isinstance(p, str)]  # type: ignore[union-attr]
        safe, imports = f"format_html({literal(template)}, {', '.join(values)})", [_HTML]
    else:  # escaping a whole value built elsewhere would show its intended markup as text
        return Site(
            spans=spans,
            kind="xss",
            reason=f"django-web: the HTML ({code(value)}) is built elsewhere; escape the request "
            "values where it is built (format_html), not the finished markup",
        )

    def plan(edits: Edits) -> str:
        if whole:
            edits.swap(call, lambda _: expr(safe))
            return "mark_safe of request data -> values escaped (format_html/escape)"
        edits.swap(call, lambda node: replace_arg(node, 0, expr(safe)))
        return "HTML response of request data -> values escaped (format_html/escape)"

    return Site(spans=spans, plan=plan, kind="xss", imports=imports, unused=["mark_safe"])


def _guarded_by(tree: Tree, call: cst.Call, target: cst.BaseExpression) -> str:
    """The predicate an enclosing `if` calls on the target (`if url and is_safe(url):`), or ''."""
    if not isinstance(target, cst.Name):
        return ""
    for node in tree.ancestors(call):
        if not isinstance(node, cst.If):
            continue
        for check in tree.within(node.test, cst.Call):
            names = [a.value for a in check.args]
            if any(isinstance(n, cst.Name) and n.value == target.value for n in names):
                return code(check.func)
    return ""


def _configured(tree: Tree, function: cst.FunctionDef | None, name: cst.Name) -> bool:
    """Whether the function assigns `name` from settings.X or a literal http(s) URL, + more."""
    if function is None:
        return False
    for assign in tree.within(function, cst.Assign):
        targets = [t.target for t in assign.targets]
        if any(isinstance(t, cst.Name) and t.value == name.value for t in targets):
            if re.match(r"^\(?\s*(settings\.|[\"']https?://)", code(assign.value)):
                return True
    return False


def _redirect(tree: Tree, call: cst.Call, spans: list[tuple[int, int]], project: Project) -> Site:
    target = call.args[0].value
    function = tree.function_of(call)
    request = _request_of(function)
    if string_value(target) is not None:
        return Site(spans=spans, kind="redirect", reason="django-web: the target is a constant")
    reverse_args = [a for a in call.args[1:] if a.keyword is None or a.keyword.value != "permanent"]
    if reverse_args and "redirect" in code(call.func):
        return Site(
            spans=spans,
            kind="redirect",
            reason="django-web: redirect() is given arguments to reverse the target with: it is "
            "a URL pattern name or a model, which a host check would turn into '/'",
        )
    guard = _guarded_by(tree, call, target)
    if guard:
        return Site(
            spans=spans,
            kind="redirect",
            reason=f"django-web: the target is already checked by {guard}(...) before the redirect",
        )
    if (
        function is not None
        and isinstance(target, cst.Name)
        and _configured(tree, function, target)
    ):
        return Site(
            spans=spans,
            kind="redirect",
            reason="django-web: the target is built on a configured URL (settings.…, a literal "
            "https:// address): an intended redirect to another site",
        )
    start = (
        built_start(tree, function, target, project.files) if isinstance(target, cst.Name) else ""
    )
    if start:
        return Site(
            spans=spans,
            kind="redirect",
            reason=f"django-web: the target starts with {start}, request data only after it (in "
            "a URL builder's arguments or the query string): a host check would send an intended "
            "redirect to another host the application chose to '/', or change nothing",
        )
    if request is None or not _pure(target):
        return Site(
            spans=spans,
            kind="redirect",
            reason="django-web: the redirect target is not a plain value read from the request "
            "(check it with url_has_allowed_host_and_scheme by hand)",
        )
    fallback = literal("/")
    if isinstance(target, cst.Call) and len(target.args) == 2:
        default = string_value(target.args[1].value)
        fallback = literal(default) if default is not None and default.startswith("/") else fallback
    scope = code(function) if function is not None else tree.source
    name = (
        target.value
        if isinstance(target, cst.Name)
        else next(v for v in ("next_url", "redirect_to", "target_url") if v not in scope)
    )
    check = stmt(
        f"if not url_has_allowed_host_and_scheme({name}, {{{request}.get_host()}}, "
        f"{request}.is_secure()):\n    {name} = {fallback}\n"
    )
    statement = tree.statement_of(call)

    def plan(edits: Edits) -> str:
        before = [] if isinstance(target, cst.Name) else [stmt(f"{name} = {code(target)}\n")]
        edits.insert_before(statement, [*before, check])  # type: ignore[arg-type]
        if not isinstance(target, cst.Name):
            edits.swap(call, lambda node: replace_arg(node, 0, cst.Name(name)))
        return f"redirect target checked: only this site, else {fallback}"

    return Site(spans=spans, plan=plan, kind="redirect", imports=[_CHECK])


def _request_of(function: cst.FunctionDef | None) -> str | None:
    """How the view reaches its request: a `request` parameter, `self.request` in a method."""
    params = [p.name.value for p in function.params.params] if function is not None else []
    if "request" in params:
        return "request"
    if params and params[0] in ("self", "cls"):
        return "self.request"
    return params[0] if params else None


def _pure(node: cst.BaseExpression) -> bool:
    """A name, attribute, subscript or `.get(...)` read: safe to evaluate twice."""
    if isinstance(node, cst.Name):
        return True
    if isinstance(node, cst.Attribute):
        return _pure(node.value)
    if isinstance(node, cst.Subscript):
        return _pure(node.value)
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        return node.func.attr.value == "get" and _pure(node.func.value)
    return False
