"""Django settings -> values from the environment with safe defaults, HTTPS-only cookies and
redirects, and the security/CSRF middleware (devsecbots.django.* settings rules)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import cast

import libcst as cst
from devsecbots.graphs.state import Finding
from devsecbots.nodes.autofix.base import Codemod, Project, Site
from devsecbots.nodes.autofix.django_project import (
    building_modules,
    is_settings_module,
    module_assignments,
    overriding_module,
    switched_setting,
)
from devsecbots.nodes.autofix.edits import Edits, expr, stmt
from devsecbots.nodes.autofix.list_insert import insert_strings
from devsecbots.nodes.autofix.strings import literal
from devsecbots.nodes.autofix.tree import Tree, code, is_false, is_true, string_value

RULE = "devsecbots.django."
DEBUG_FROM_ENV = 'os.environ.get("DJANGO_DEBUG", "0") == "1"'
# One switch for both cookies: a plain-http install needs both off (a Secure CSRF cookie is never
# sent back over http, so every form post fails), as FORCE_HTTPS=0 / SESSION_COOKIE_SECURE=0 do
# for the Flask codemods.
COOKIES_FROM_ENV = 'os.environ.get("DJANGO_SESSION_COOKIE_SECURE", "1") != "0"'
# missing (or False) setting -> what it becomes
SECURE_SETTINGS = {
    "SESSION_COOKIE_SECURE": COOKIES_FROM_ENV,
    "CSRF_COOKIE_SECURE": COOKIES_FROM_ENV,
    "SECURE_SSL_REDIRECT": 'os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "1") == "1"',
    "SECURE_HSTS_SECONDS": 'int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "3600"))',
}
SECURE_COMMENT = (
    "# HTTPS only; behind a TLS proxy also set SECURE_PROXY_SSL_HEADER. Plain-http installs:",
    "# DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_SESSION_COOKIE_SECURE=0 (session and CSRF cookies)",
)
NO_REDIRECT_COMMENT = (
    "# HTTPS-only cookies; plain-http installs: DJANGO_SESSION_COOKIE_SECURE=0 (session and CSRF",
    "# cookies). Redirect http -> https in the production settings or the proxy in front.",
)
KINDS = {
    "debug-enabled": "debug",
    "allowed-hosts-wildcard": "hosts",
    "session-cookie-not-secure": "secure",
    "csrf-cookie-not-secure": "secure",
    "https-not-enforced": "redirect",
    "missing-hsts": "secure",
    "missing-security-middleware": "middleware",
    "missing-csrf-middleware": "middleware",
    "missing-frame-protection": "frame",
}
SECURITY = "django.middleware.security.SecurityMiddleware"
CSRF = "django.middleware.csrf.CsrfViewMiddleware"
FRAMES = "django.middleware.clickjacking.XFrameOptionsMiddleware"
CSP = "csp.middleware.CSPMiddleware"
# An <iframe> whose source is not a fixed absolute URL may load the app's own pages, which
# X-Frame-Options: DENY would then break.
_OWN_FRAME = re.compile(r"""<iframe\b[^>]*\bsrc\s*=\s*(?!["']?https?://)""", re.IGNORECASE)
# settings modules for the runserver or the test client (plain http)
_LOCAL = re.compile(r"(^|[/_.])(tests?|testing|dev|develop|development|local|ci)([/_.]|$)")
_NUMBER = re.compile(r"[\d_\s*+()]+")
# SecurityMiddleware would send Referrer-Policy: same-origin; keep the browsers' default, so that
# third parties that need an origin Referer (map tiles, embeds) still get one.
KEEP_REFERRER = 'SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"\n'
_CSRF_AFTER = (
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
)


class DjangoSettings(Codemod):
    name = "django-settings"
    rule_ids = frozenset(RULE + rule for rule in KINDS)
    pattern = "Django setting"

    def site_kind(self, finding: Finding) -> str | None:
        return KINDS.get(finding["rule_id"].removeprefix(RULE))

    def sites(self, tree: Tree, path: str, project: Project) -> list[Site]:
        if not is_settings_module(tree, path):
            return []
        self._path, self._files = path, project.files  # for _swap: split settings
        settings = module_assignments(tree)
        found: list[Site] = []
        if "DEBUG" in settings and is_true(settings["DEBUG"].value):
            found.append(self._swap(tree, settings["DEBUG"], DEBUG_FROM_ENV, "debug", "DEBUG"))
        hosts = settings.get("ALLOWED_HOSTS")
        if hosts is not None and _wildcard_hosts(hosts.value) is not None:
            default = ",".join(_wildcard_hosts(hosts.value) or ["localhost", "127.0.0.1"])
            value = f'os.environ.get("DJANGO_ALLOWED_HOSTS", {literal(default)}).split(",")'
            found.append(self._swap(tree, hosts, value, "hosts", "ALLOWED_HOSTS"))
        secure = self._secure_sites(tree, settings)
        overridden = [
            o for n in SECURE_SETTINGS if (o := overriding_module(path, n, project.files))
        ]
        if overridden:
            secure = [
                Site(
                    spans=s.spans,
                    kind=s.kind,
                    reason=f"django-settings: {overridden[0]} builds on {path} and sets the "
                    "HTTPS settings itself: these are the development defaults",
                )
                for s in secure
            ]
        found.extend(secure)
        middleware = settings.get("MIDDLEWARE")
        if middleware is not None and isinstance(middleware.value, cst.List):
            found.extend(_middleware_sites(tree, settings, project.files))
        return found

    def _swap(self, tree: Tree, assign: cst.Assign, value: str, kind: str, name: str) -> Site:
        other = overriding_module(self._path, name, self._files)
        if other:
            return Site(
                spans=[tree.span(assign)],
                kind=kind,
                reason=f"django-settings: {other} builds on {self._path} and sets {name} "
                "itself: this is the development default",
            )

        def plan(edits: Edits) -> str:
            edits.swap(assign.value, lambda _: expr(value))
            return f"{name} now read from the environment with a safe default"

        return Site(spans=[tree.span(assign)], plan=plan, kind=kind, imports=[("os", None)])

    def _secure_sites(self, tree: Tree, settings: dict[str, cst.Assign]) -> list[Site]:
        """The HTTPS settings' sites; the redirect's ("redirect") beside the rest ("secure")."""
        found = self._https_sites(tree, settings)
        if not any(s.kind == "redirect" for s in found):  # one decision for all of them
            found += [replace(s, kind="redirect") for s in found]
        return found

    def _https_sites(self, tree: Tree, settings: dict[str, cst.Assign]) -> list[Site]:
        # An HTTPS setting the project set off, or reads from its environment or configuration,
        # is its own choice: it is served over plain http (a home network, a LAN) or lets the
        # operator say. Forcing it, or the redirect beside it, would break those installs.
        choices = {n: _choice(settings[n].value) for n in SECURE_SETTINGS if n in settings}
        choices = {n: why for n, why in choices.items() if why}
        found = [
            Site(
                spans=[tree.span(settings[name])],
                kind="secure",
                reason=f"django-settings: {name} {why}: left as the project chose",
            )
            for name, why in choices.items()
            if why.startswith("is set off")
        ]
        missing = [n for n in SECURE_SETTINGS if n not in settings]
        anchor = settings.get("INSTALLED_APPS")
        if not missing or anchor is None:
            return found
        if choices:
            name, why = next(iter(choices.items()))
            found.append(
                Site(
                    spans=[tree.span(anchor)],
                    kind="secure",
                    reason=f"django-settings: {name} {why}: HTTPS is the project's or the "
                    "operator's choice here, not a default to force",
                )
            )
            return found
        files = {**self._files, self._path: tree.source}
        proxy = switched_setting(self._path, "SECURE_PROXY_SSL_HEADER", files)
        header = settings.get("SECURE_PROXY_SSL_HEADER")
        if header is not None and _reads_env(header.value):
            proxy = self._path
        if proxy:  # the default deployment has no proxy header: a redirect would loop behind TLS
            found.append(
                Site(
                    spans=[tree.span(anchor)],
                    kind="secure",
                    reason=f"django-settings: {proxy} sets SECURE_PROXY_SSL_HEADER only on an "
                    "operator's switch: whether the app is served over HTTPS is a deployment "
                    "choice here, not a default to force",
                )
            )
            return found
        refusal = self._redirect_refusal() if "SECURE_SSL_REDIRECT" in missing else ""
        if refusal:
            missing.remove("SECURE_SSL_REDIRECT")
            found.append(Site(spans=[tree.span(anchor)], kind="redirect", reason=refusal))
        if not missing:
            return found
        last = tree.module.body[-1]
        comment = SECURE_COMMENT if not refusal else NO_REDIRECT_COMMENT

        def plan(edits: Edits) -> str:
            if edits.once("secure-settings"):
                lines = [stmt(f"{n} = {SECURE_SETTINGS[n]}\n") for n in missing]
                lines[0] = lines[0].with_changes(
                    leading_lines=[
                        cst.EmptyLine(),
                        *(cst.EmptyLine(comment=cst.Comment(c)) for c in comment),
                    ]
                )
                edits.insert_after(last, lines)
            return "added " + ", ".join(missing)

        kinds = ["secure"] if refusal else ["secure", "redirect"]
        found.extend(
            Site(spans=[tree.span(anchor)], plan=plan, kind=k, imports=[("os", None)])
            for k in kinds
        )
        return found

    def _redirect_refusal(self) -> str:
        """Why switching the HTTPS redirect on by default here would break the app ('' if not).

        A module other settings build on is also development's and the tests': the redirect
        would answer the runserver's and the test client's plain-http requests with 301.
        """
        builders = [p for p in building_modules(self._path, self._files) if _LOCAL.search(p)]
        if builders:
            return (
                f"django-settings: {builders[0]} builds on {self._path} (development or test "
                "settings): a redirect on by default here would answer their plain-"
                "http requests, the test client's too, with 301; set SECURE_SSL_REDIRECT in the "
                "settings the production server runs with"
            )
        return ""


def _choice(value: cst.BaseExpression) -> str:
    """Why an HTTPS setting's value is the project's own choice ('' for a literal that is on)."""
    if is_false(value) or code(value) in ("0", "None"):
        return f"is set off explicitly (= {code(value)}), so the project is served over plain http"
    if _reads_env(value):
        return "comes from the environment"
    if is_true(value) or string_value(value) is not None or _NUMBER.fullmatch(code(value)):
        return ""  # on: True, a number of seconds (60 * 60 * 24), a constant
    return "is read from the project's configuration"


def _reads_env(value: cst.BaseExpression) -> bool:
    """Whether a setting's value is read from the environment (os.environ, getenv, env(...))."""
    return bool(re.search(r"\bos\.environ\b|\bgetenv\(|\benv\.?\w*\(", code(value)))


def _wildcard_hosts(value: cst.BaseExpression) -> list[str] | None:
    """The other hosts of an ALLOWED_HOSTS that contains "*", or None when it has no "*"."""
    if string_value(value) == "*":
        return []
    if not isinstance(value, (cst.List, cst.Tuple)):
        return None
    names = [string_value(e.value) for e in value.elements]
    if "*" not in names:
        return None
    return [n for n in names if n and n != "*"]


def _middleware_sites(
    tree: Tree, settings: dict[str, cst.Assign], files: Mapping[str, str]
) -> list[Site]:
    """The MIDDLEWARE list's sites: the security and CSRF middleware, and frame protection."""
    assign = settings["MIDDLEWARE"]
    spans = [tree.span(assign)]
    entries = [string_value(e.value) for e in assign.value.elements]  # type: ignore[attr-defined]
    if None in entries:
        why = "django-settings: MIDDLEWARE is not a plain list of strings; add {} by hand"
        return [
            Site(spans=spans, kind="middleware", reason=why.format(f"{SECURITY} and {CSRF}")),
            Site(spans=spans, kind="frame", reason=why.format(FRAMES)),
        ]
    framed = next((p for p, c in sorted(files.items()) if _OWN_FRAME.search(c)), "")
    inserts = [] if SECURITY in entries else [(0, SECURITY)]
    if CSRF not in entries:
        after = [entries.index(m) for m in (SECURITY, *_CSRF_AFTER) if m in entries]
        inserts.append((max(after) + 1 if after else 0, CSRF))
    if FRAMES not in entries and CSP not in entries and not framed:
        inserts.append((len(entries), FRAMES))

    wanted: set[str] = set()  # what the fixed findings asked for; one edit of the list

    def planner(kinds: set[str]) -> Callable[[Edits], str]:
        def plan(edits: Edits) -> str:
            mine = [(at, m) for at, m in inserts if m in kinds]
            wanted.update(m for _, m in mine)
            if SECURITY in kinds and "SECURE_REFERRER_POLICY" not in settings:
                edits.insert_after(tree.module.body[-1], [stmt(KEEP_REFERRER)])
            if edits.once("middleware"):
                edits.swap(
                    assign.value,
                    lambda node: insert_strings(
                        cast(cst.List, node), [i for i in inserts if i[1] in wanted]
                    ),
                )
            return "MIDDLEWARE: added " + ", ".join(m.rsplit(".", 1)[1] for _, m in mine)

        return plan

    added = {m for _, m in inserts}
    sites = [
        Site(spans=spans, plan=planner({SECURITY, CSRF}), kind="middleware")
        if {SECURITY, CSRF} & added
        else Site(
            spans=spans,
            kind="middleware",
            reason="django-settings: MIDDLEWARE already has the security and CSRF middleware",
        )
    ]
    if FRAMES in added:
        sites.append(Site(spans=spans, plan=planner({FRAMES}), kind="frame"))
    elif framed and FRAMES not in entries and CSP not in entries:
        sites.append(
            Site(
                spans=spans,
                kind="frame",
                reason=f"django-settings: {framed} frames pages of its own (an <iframe> whose "
                "source is not a fixed https URL): add XFrameOptionsMiddleware with "
                'X_FRAME_OPTIONS = "SAMEORIGIN", or CSP frame-ancestors, by hand',
            )
        )
    else:
        sites.append(
            Site(
                spans=spans,
                kind="frame",
                reason="django-settings: MIDDLEWARE already protects against framing",
            )
        )
    return sites
