"""Project-level Flask checks: protections whose setup may live in another module.

A limiter created in `extensions.py` and bound in the app factory with `limiter.init_app(app)`,
or Talisman set up in `security.py`, protect the app as well as code beside `Flask(...)` does; a
per-file rule cannot see that, so these checks read every Python file of the project at once.
"""

from __future__ import annotations

import ast
from typing import Any

from devsecbots.graphs.state import Finding, make_finding
from devsecbots.nodes.analyzers.configured_headers import config_header_words
from devsecbots.nodes.analyzers.flask_facts import HEADER_WORDS, FileFacts, Route, file_facts
from devsecbots.nodes.roles import APP, EXAMPLE, file_role

SOURCE = "project"
RATE_LIMIT = "devsecbots.flask.missing-rate-limit"
HSTS = "devsecbots.flask.missing-hsts"
FRAMING = "devsecbots.flask.missing-frame-protection"
NOSNIFF = "devsecbots.flask.missing-nosniff"
SESSION_COOKIE = "devsecbots.flask.insecure-session-cookie"
RULES = (RATE_LIMIT, HSTS, FRAMING, NOSNIFF, SESSION_COOKIE)
CSRF_MISSING = "devsecbots.flask.missing-csrf-protection"
RUNTIME_CONFIG = (
    " (the app also loads its configuration from a file or the environment at run time, "
    "which may set it)"
)


def project_findings(files: dict[str, str]) -> list[Finding]:
    """Findings about the Flask app(s) among `files` as a whole; none when there is no app.

    `files` may hold the project's other text files too: configuration files name headers an
    after_request hook copies from them (configured_headers.py)."""
    facts = _project_facts(files)
    apps = [(path, name, line) for path, f in facts.items() for name, line in f.apps]
    if not apps:
        return []
    app_file, _, app_line = apps[0]
    snippet = _line(files[app_file], app_line)
    everything = list(facts.values())
    found = _rate_limit_findings(files, everything)
    at_app: dict[str, Any] = dict(file=app_file, line=app_line, snippet=snippet, source=SOURCE)
    talisman = _talisman(everything)
    strings = set().union(*(f.strings for f in everything))
    if any(f.copies_headers for f in everything):
        strings |= config_header_words(files, HEADER_WORDS)
    if not _has_hsts(talisman, strings):
        found.append(
            make_finding(
                severity="medium",
                cwe="CWE-319",
                rule_id=HSTS,
                title="No HTTPS enforcement or HSTS",
                recommendation="Redirect plain http to https and send Strict-Transport-Security "
                "(flask-talisman: Talisman(app, force_https="
                'os.environ.get("FORCE_HTTPS") == "1")); behind a TLS proxy use werkzeug ProxyFix '
                "so request.is_secure holds.",
                **at_app,
            )
        )
    if not _framing(talisman, strings):
        found.append(
            make_finding(
                severity="medium",
                cwe="CWE-1021",
                rule_id=FRAMING,
                title="No framing protection (CSP frame-ancestors or X-Frame-Options)",
                recommendation="Send Content-Security-Policy with frame-ancestors 'none' (or "
                "X-Frame-Options: DENY) on every response, e.g. with flask-talisman.",
                **at_app,
            )
        )
    if not _nosniff(talisman, strings):
        found.append(
            make_finding(
                severity="medium",
                cwe="CWE-693",
                rule_id=NOSNIFF,
                title="No X-Content-Type-Options: nosniff header",
                recommendation="Send X-Content-Type-Options: nosniff on every response so "
                "browsers do not run uploaded files as HTML or script (flask-talisman does).",
                **at_app,
            )
        )
    problem = _session_cookie_problem(everything, talisman)
    if problem:
        loaded = any(f.loads_config for f in everything)
        found.append(
            make_finding(
                severity="medium",
                cwe="CWE-614",
                rule_id=SESSION_COOKIE,
                title=f"Session cookie {problem}" + (RUNTIME_CONFIG if loaded else ""),
                confidence="low" if loaded else "medium",
                recommendation="Set SESSION_COOKIE_SECURE=True, SESSION_COOKIE_HTTPONLY=True "
                'and SESSION_COOKIE_SAMESITE="Lax" in the app configuration.',
                **at_app,
            )
        )
    return found


def _project_facts(files: dict[str, str]) -> dict[str, FileFacts]:
    """The facts of the application's modules; of its examples when the app is only there.

    Tests and migrations never count: a test's Flask() app or CSRFProtect() is not the app's.
    """
    roles = {p: file_role(p, s).name for p, s in files.items() if p.endswith(".py")}
    for wanted in ({APP}, {APP, EXAMPLE}):
        facts = {
            path: found
            for path, source in sorted(files.items())
            if roles.get(path) in wanted
            if (found := file_facts(path, source)) is not None
        }
        if any(f.apps for f in facts.values()):
            return facts
    return {}


def csrf_protected(files: dict[str, str]) -> list[str]:
    """The application modules that bind Flask-WTF's CSRFProtect (or SeaSurf) to the app:
    `CSRFProtect(app)`, or a `csrf = CSRFProtect()` later passed through `csrf.init_app(app)`."""
    facts = _project_facts(files)
    bound = set().union(*(f.bound for f in facts.values()))
    return [path for path, f in facts.items() if f.csrf_bound or f.csrf_names & bound]


def refine_csrf_findings(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """`findings` with each per-file "no CSRF protection" finding lowered to low confidence when
    the project binds Flask-WTF's CSRFProtect (or SeaSurf) to its app in another module."""
    if not any(f["rule_id"] == CSRF_MISSING for f in findings):
        return findings
    protected = csrf_protected(files)
    if not protected:
        return findings
    why = f" (CSRFProtect is set up in {protected[0]} and bound to the app)"
    return [
        Finding(**{**f, "confidence": "low", "title": f["title"] + why})
        if f["rule_id"] == CSRF_MISSING
        else f
        for f in findings
    ]


def _rate_limit_findings(files: dict[str, str], facts: list[FileFacts]) -> list[Finding]:
    """Each state-changing route that no bound limiter covers."""
    bound_names = set().union(*(f.bound for f in facts))
    limiters = [
        (name, bound or name in bound_names, defaults)
        for f in facts
        for name, bound, defaults in f.limiters
    ]
    if any(bound and defaults for _, bound, defaults in limiters):
        return []  # default limits apply to every route
    any_bound = any(bound for _, bound, _ in limiters)
    basic_auth = set().union(*(f.basic_auth for f in facts))
    found = []
    for route in (r for f in facts for r in f.routes):
        if route.own_limit or (route.limited and any_bound):
            continue
        evidence = _throttle_evidence(route, basic_auth)
        why = "limiter is never bound to the app" if route.limited else "no rate limit"
        title = f"State-changing route {route.rule or route.name!r} has {why}"
        found.append(
            make_finding(
                severity="medium",
                confidence="medium" if evidence else "low",
                cwe="CWE-307" if "guessing" in evidence else "CWE-770",
                file=route.file,
                line=route.line,
                snippet=_line(files[route.file], route.line),
                source=SOURCE,
                rule_id=RATE_LIMIT,
                title=title
                + (
                    f" (it {evidence})"
                    if evidence
                    else " (it checks no password, sends no email and takes no upload)"
                ),
                recommendation="Rate-limit it with Flask-Limiter keyed by the client address: "
                "limiter = Limiter(get_remote_address, app=app, storage_uri=os.environ.get("
                '"RATELIMIT_STORAGE_URI", "memory://")) and @limiter.limit("10 per minute", '
                'methods=["POST"]) under the route decorator.',
            )
        )
    return found


def _throttle_evidence(route: Route, basic_auth: set[str]) -> str:
    """Why throttling the route is a security matter ('' when nothing in it says so)."""
    if route.evidence:
        return route.evidence
    if route.decorators & basic_auth:
        return "checks a password on every request (HTTP basic auth): guessing"
    return ""


def _talisman(facts: list[FileFacts]) -> dict[str, ast.expr] | None:
    """The keywords of the project's Talisman(...) call, or None when there is none."""
    if not any(f.has_talisman for f in facts):
        return None
    merged: dict[str, ast.expr] = {}
    for f in facts:
        merged.update(f.talisman)
    return merged


def _off(options: dict[str, ast.expr], name: str) -> bool:
    """Whether a Talisman option is turned off with a literal False / None."""
    value = options.get(name)
    return isinstance(value, ast.Constant) and value.value in (False, None, 0)


def _has_hsts(talisman: dict[str, ast.expr] | None, strings: set[str]) -> bool:
    if "strict-transport-security" in strings:
        return True
    return talisman is not None and not _off(talisman, "strict_transport_security")


def _framing(talisman: dict[str, ast.expr] | None, strings: set[str]) -> bool:
    if {"frame-ancestors", "x-frame-options"} & strings:
        return True
    return talisman is not None and not _off(talisman, "frame_options")


def _nosniff(talisman: dict[str, ast.expr] | None, strings: set[str]) -> bool:
    if "x-content-type-options" in strings:
        return True
    return talisman is not None and not _off(talisman, "x_content_type_options")


def _session_cookie_problem(facts: list[FileFacts], talisman: dict[str, ast.expr] | None) -> str:
    """What is wrong with the session cookie's flags ('' when nothing, or no session is used)."""
    if not any(f.uses_session for f in facts):
        return ""
    config: dict[str, ast.expr] = {}
    for f in facts:
        config.update(f.cookie)
    problems = []
    secure = config.get("SESSION_COOKIE_SECURE")
    if secure is None:
        if talisman is None or _off(talisman, "session_cookie_secure"):
            problems.append("not Secure")
    elif _literal_off(secure):
        problems.append("not Secure")
    if _literal_off(config.get("SESSION_COOKIE_HTTPONLY")):
        problems.append("not HttpOnly")
    samesite = config.get("SESSION_COOKIE_SAMESITE")
    if samesite is None:
        if talisman is None or _off(talisman, "session_cookie_samesite"):
            problems.append("without SameSite")
    elif _literal_off(samesite) or (
        isinstance(samesite, ast.Constant) and str(samesite.value).lower() == "none"
    ):
        problems.append("without SameSite")
    return ", ".join(problems)


def _literal_off(value: ast.expr | None) -> bool:
    return isinstance(value, ast.Constant) and value.value in (False, None, 0, "")


def _line(source: str, line: int) -> str:
    lines = source.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""
