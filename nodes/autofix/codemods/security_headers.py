"""No HTTPS enforcement, HSTS, framing or nosniff protection -> request/response hooks on the app.

Plain `before_request` / `after_request` hooks rather than flask-talisman: flask-talisman 1.1
redirects every plain-http request even under the test client, so an app's own tests would fail,
and the hooks add no dependency.

HSTS is always sent: browsers ignore it on plain http (RFC 6797 section 8.1) and keep to https
after an https answer, which cannot loop. The app's own http -> https redirect is opt-in
(FORCE_HTTPS=1): the codemod cannot see the deployment, and behind a TLS proxy that sends no
X-Forwarded-Proto (or without werkzeug's ProxyFix, README: "Behind a TLS proxy") every request
looks like plain http, so a redirect on by default would send each one back to https forever.
A request a TLS proxy forwarded (`X-Forwarded-Proto: https`) is never redirected.
"""

from __future__ import annotations

import re

import libcst as cst
from devsecbots.nodes.analyzers.flask_checklist import FRAMING, HSTS, NOSNIFF, project_findings
from devsecbots.nodes.autofix.base import Codemod, Project, Site
from devsecbots.nodes.autofix.edits import Edits, stmt
from devsecbots.nodes.autofix.flask_app import flask_apps
from devsecbots.nodes.autofix.tree import Tree

FORCE_HTTPS = (
    '{flag} = os.environ.get("FORCE_HTTPS", "0") == "1"  # 1: the app redirects http itself\n'
)
REDIRECT = '''@{app}.before_request
def {name}():
    """Redirect plain http to https when FORCE_HTTPS=1 (never under the test client)."""
    behind_tls_proxy = request.headers.get("X-Forwarded-Proto", "") == "https"
    if {flag} and not request.is_secure and not behind_tls_proxy and not {app}.testing:
        return redirect(request.url.replace("http://", "https://", 1), code=301)
    return None
'''
HEADERS = {
    HSTS: ("Strict-Transport-Security", "max-age=31536000; includeSubDomains"),
    # Framing only: a default-src policy would also block the app's inline scripts and CDN assets,
    # which is a content policy for the app's authors to write, not a fix for clickjacking.
    FRAMING: ("Content-Security-Policy", "frame-ancestors 'none'"),
    NOSNIFF: ("X-Content-Type-Options", "nosniff"),
}
FRAME_OPTIONS = ("X-Frame-Options", "DENY")  # for browsers without CSP frame-ancestors


class SecurityHeaders(Codemod):
    name = "security-headers"
    rule_ids = frozenset({HSTS, FRAMING, NOSNIFF})
    cwes = frozenset({"CWE-319", "CWE-1021", "CWE-693", "CWE-523"})
    pattern = "Flask app without HTTPS enforcement and security headers"
    topic = r"https|hsts|transport|header|frame|clickjack|nosniff|sniff"

    def sites(self, tree: Tree, path: str, project: Project) -> list[Site]:
        apps = flask_apps(tree)
        if not apps:
            return []
        app = apps[0]
        spans = [(1, max(1, len(tree.lines)))]
        missing = [
            f["rule_id"]
            for f in project_findings(dict(project.files) | {path: tree.source})
            if f["rule_id"] in HEADERS
        ]
        if not missing:
            return [Site(spans=spans, reason="security-headers: already set for the app")]
        taken = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", tree.source))
        hook = _free("set_security_headers", taken)
        redirect_hook = _free("redirect_to_https", taken)
        flag = _free("FORCE_HTTPS", taken)

        def plan(edits: Edits) -> str:
            statements = []
            blank = 2 if isinstance(tree.parent(app.setup_end), cst.Module) else 1
            if HSTS in missing:
                statements.append(stmt(FORCE_HTTPS.format(flag=flag)))
                statements.append(
                    _spaced(REDIRECT.format(app=app.name, name=redirect_hook, flag=flag), blank)
                )
            statements.append(_spaced(_after_request(app.name, hook, missing), blank))
            edits.insert_after(app.setup_end, statements)
            _space_after(tree, edits, app.setup_end)
            words = {
                HSTS: "HTTPS redirect + HSTS",
                FRAMING: "CSP frame-ancestors",
                NOSNIFF: "nosniff",
            }
            return "security headers: " + ", ".join(words[m] for m in missing)

        imports: list[tuple[str, str | None]] = []
        if HSTS in missing:
            imports = [("os", None), ("redirect", "flask"), ("request", "flask")]
        return [Site(spans=spans, plan=plan, imports=imports)]


def _after_request(app: str, name: str, missing: list[str]) -> str:
    headers = [HEADERS[m] for m in (HSTS, FRAMING, NOSNIFF) if m in missing]
    if FRAMING in missing:
        headers.append(FRAME_OPTIONS)
    lines = "".join(
        f"    response.headers.setdefault({_quote(k)}, {_quote(v)})\n" for k, v in headers
    )
    return (
        f"@{app}.after_request\n"
        f"def {name}(response):\n"
        '    """Security headers on every response (a view may set its own first)."""\n'
        f"{lines}"
        "    return response\n"
    )


def _space_after(tree: Tree, edits: Edits, anchor: cst.BaseStatement) -> None:
    """Two blank lines between the new hooks and the statement that followed the app's setup."""
    block = tree.parent(anchor)
    body = list(getattr(block, "body", []))
    index = next((i for i, s in enumerate(body) if s is anchor), None)
    if index is None or index + 1 >= len(body):
        return
    following = body[index + 1]
    wanted = 2 if isinstance(block, cst.Module) else 1
    if len(following.leading_lines) < wanted:
        edits.swap(
            following,
            lambda n: n.with_changes(leading_lines=[cst.EmptyLine(indent=False)] * wanted),
        )


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _spaced(source: str, blank: int):
    """A definition with the blank lines PEP 8 puts before it (2 at module level, else 1)."""
    return stmt(source).with_changes(leading_lines=[cst.EmptyLine(indent=False)] * blank)


def _free(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}_{n}", n + 1
    return candidate
