"""The attacks on a Flask app, each a function returning one probe result (stdlib + Flask only)."""

from __future__ import annotations

import os

from attack import HTTP, HTTPS, PNG, Target, describe, files_holding, upload

BURST = 60


def result(status: str, evidence: str = "") -> dict[str, str]:
    """A probe's outcome: passed, failed or not_applicable, with one line of evidence."""
    return {"status": status, "evidence": evidence[:600]}


def needs_upload_form(probe):
    """Mark a probe as not applicable when the app has no upload form."""

    def wrapped(target: Target) -> dict[str, str]:
        if not target.upload_form:
            return result("not_applicable", "no HTML form with a file input was found")
        return probe(target)

    wrapped.__name__ = probe.__name__
    wrapped.__doc__ = probe.__doc__
    return wrapped


@needs_upload_form
def benign_upload(target: Target) -> dict[str, str]:
    """A benign image upload is stored and served back intact."""
    client = target.client()
    content = PNG + target.marker("benign")
    response = upload(client, target, "probe.png", content)
    stored = files_holding(target, content)
    if stored:
        target.upload_dir = os.path.dirname(stored[0])
    if response.status_code >= 400 or not stored:
        return result(
            "failed",
            f"POST {target.upload_form['url']} → {describe(response)}; "
            f"stored: {'yes' if stored else 'no'}",
        )
    location = response.headers.get("Location", "")
    if location:
        served = client.get(location, base_url=HTTPS)
        if served.status_code == 200 and served.get_data() == content:
            return result("passed", f"stored and served back intact at {location}")
        return result("failed", f"stored, but GET {location} → {describe(served)}")
    return result("passed", "stored (the app names no URL to serve it back)")


@needs_upload_form
def upload_traversal(target: Target) -> dict[str, str]:
    """A traversal or absolute file name on upload stays inside the upload folder."""
    escaped = []
    tmp = os.environ.get("TMPDIR", "/tmp")
    for label, name in (
        ("dotdot", "../probe-traversal.txt"),
        ("dotdot2", "../../probe-traversal2.txt"),
        ("absolute", os.path.join(tmp, "probe-absolute.txt")),
    ):
        marker = target.marker(label)
        try:
            upload(target.client(), target, name, marker)
        except PermissionError as blocked:  # the sandbox refused the write the app attempted
            escaped.append(f"{name!r}: the app tried to write outside its folder ({blocked})")
            continue
        for path in files_holding(target, marker):
            if not target.inside_upload_dir(path):
                escaped.append(f"{name!r} written to {target.shown(path)}")
    if escaped:
        return result("failed", "; ".join(escaped))
    return result("passed", "names with '..' and absolute paths never left the upload folder")


@needs_upload_form
def dangerous_types(target: Target) -> dict[str, str]:
    """Executable or active-content types (.php, .html, .svg) are refused."""
    accepted = []
    for name in ("probe.php", "probe.html", "probe.svg"):
        marker = target.marker(name)
        content = b"<script>alert(1)</script><?php echo 1; ?>\n" + marker
        response = upload(target.client(), target, name, content)
        if files_holding(target, marker):
            accepted.append(f"{name} stored ({describe(response)})")
    if accepted:
        return result("failed", "; ".join(accepted))
    return result("passed", "refused .php, .html and .svg uploads")


@needs_upload_form
def size_limit(target: Target) -> dict[str, str]:
    """A body over the upload limit is refused (413) before it is stored."""
    limit = target.app.config.get("MAX_CONTENT_LENGTH")
    size = (limit + 1024) if isinstance(limit, int) else 24 * 1024 * 1024
    marker = target.marker("oversize")
    response = upload(target.client(), target, "probe-big.png", marker + b"\0" * size)
    if response.status_code == 413:
        return result("passed", f"{size:,} bytes → HTTP 413")
    stored = bool(files_holding(target, marker))
    return result("failed", f"{size:,} bytes → {describe(response)}; stored: {stored}")


@needs_upload_form
def csrf_token_required(target: Target) -> dict[str, str]:
    """A form POST without the CSRF token is refused."""
    marker = target.marker("csrf")
    response = upload(target.client(), target, "probe-csrf.png", PNG + marker, with_hidden=False)
    if files_holding(target, marker):
        return result("failed", f"POST without a token stored the file ({describe(response)})")
    if response.status_code in (400, 403):
        return result("passed", f"POST without a token → {describe(response)}")
    return result("passed", f"POST without a token not stored ({describe(response)})")


def serve_traversal(target: Target) -> dict[str, str]:
    """A route that serves files by name does not serve files outside its folder."""
    from discover import serving_routes

    routes = serving_routes(target.app)
    secrets = {p: src[:200] for p, src in target.source_files.items() if len(src) >= 40}
    if not routes or not secrets:
        return result("not_applicable", "no GET route takes a single name argument")
    client = target.client()
    for rule in routes:
        prefix = rule.rule.split("<", 1)[0]
        for path in secrets:
            for attempt in (f"..%2F{path}", f"../{path}", f"..%2F..%2F{path}", f"%2E%2E/{path}"):
                response = client.get(prefix + attempt, base_url=HTTPS)
                body = response.get_data()
                if response.status_code == 200 and secrets[path] in body:
                    return result("failed", f"GET {prefix}{attempt} → HTTP 200 with {path}")
    return result("passed", f"{len(routes)} route(s) refused '..' names")


def rate_limit(target: Target) -> dict[str, str]:
    """A burst of state-changing requests from one address is throttled (429)."""
    client = target.client()
    if target.upload_form:
        send = lambda: upload(client, target, "probe-burst.png", PNG)  # noqa: E731
        what = f"POST {target.upload_form['url']}"
    else:
        from discover import post_routes

        routes = [r for r in post_routes(target.app) if "<" not in r]
        if not routes:
            return result("not_applicable", "no state-changing route without arguments")
        send = lambda: client.post(routes[0], data={}, base_url=HTTPS)  # noqa: E731
        what = f"POST {routes[0]}"
    for count in range(1, BURST + 1):
        response = send()
        if response.status_code == 429:
            return result("passed", f"{what}: HTTP 429 after {count} requests")
    return result("failed", f"{what}: {BURST} requests from one address, none throttled")


def https_enforced(target: Target) -> dict[str, str]:
    """Plain http is redirected to https, and https answers carry HSTS."""
    plain = target.client().get("/", base_url=HTTP)
    secure = target.client().get("/", base_url=HTTPS)
    redirect = plain.status_code in (301, 302, 307, 308) and plain.headers.get(
        "Location", ""
    ).startswith("https://")
    hsts = "Strict-Transport-Security" in secure.headers
    if redirect or hsts:
        parts = ["http → https redirect" if redirect else "", "HSTS" if hsts else ""]
        return result("passed", " and ".join(p for p in parts if p))
    return result("failed", f"GET http://localhost/ → {describe(plain)}; no HSTS over https")


def nosniff(target: Target) -> dict[str, str]:
    """Responses carry X-Content-Type-Options: nosniff."""
    response = target.client().get("/", base_url=HTTPS)
    value = response.headers.get("X-Content-Type-Options", "")
    if value.lower() == "nosniff":
        return result("passed", "X-Content-Type-Options: nosniff")
    return result("failed", f"GET / → {describe(response)}; X-Content-Type-Options: {value!r}")


def framing(target: Target) -> dict[str, str]:
    """Pages cannot be framed by other sites (CSP frame-ancestors or X-Frame-Options)."""
    response = target.client().get("/", base_url=HTTPS)
    csp = response.headers.get("Content-Security-Policy", "")
    xfo = response.headers.get("X-Frame-Options", "")
    if "frame-ancestors" in csp or xfo.upper() in ("DENY", "SAMEORIGIN"):
        return result("passed", f"CSP: {csp!r}; X-Frame-Options: {xfo!r}")
    return result("failed", f"GET / → no frame-ancestors in CSP ({csp!r}) and no X-Frame-Options")


def debug_off(target: Target) -> dict[str, str]:
    """Debug mode and the interactive debugger are off; errors show no traceback."""
    app = target.app
    wrapped = type(app.wsgi_app).__name__
    if app.debug or wrapped == "DebuggedApplication":
        return result("failed", f"app.debug={app.debug}, wsgi_app={wrapped}")
    response = target.client().get("/devsecbots-probe-missing", base_url=HTTPS)
    if b"Traceback" in response.get_data():
        return result("failed", f"an error page shows a traceback ({describe(response)})")
    return result("passed", "app.debug is False; error pages show no traceback")


def session_cookie(target: Target) -> dict[str, str]:
    """The session cookie is Secure, HttpOnly and SameSite."""
    config = target.app.config
    missing = [
        name
        for name, ok in (
            ("Secure", config.get("SESSION_COOKIE_SECURE") is True),
            ("HttpOnly", config.get("SESSION_COOKIE_HTTPONLY", True) is True),
            ("SameSite", config.get("SESSION_COOKIE_SAMESITE") in ("Lax", "Strict")),
        )
        if not ok
    ]
    if missing:
        return result("failed", f"session cookie without {', '.join(missing)} (app.config)")
    return result("passed", "SESSION_COOKIE_SECURE, HTTPONLY and SAMESITE set")


def secret_not_hardcoded(target: Target) -> dict[str, str]:
    """The secret key is not a string written in the source."""
    secret = target.app.secret_key or target.app.config.get("SECRET_KEY")
    if not secret:
        return result("not_applicable", "the app sets no secret key")
    text = secret.encode() if isinstance(secret, str) else bytes(secret)
    for path, source in target.source_files.items():
        if len(text) >= 4 and (b'"' + text + b'"' in source or b"'" + text + b"'" in source):
            return result("failed", f"the secret key in use is written in {path}")
    return result("passed", "the secret key in use comes from outside the source")


PROBES = [
    benign_upload,
    upload_traversal,
    dangerous_types,
    size_limit,
    serve_traversal,
    csrf_token_required,
    https_enforced,
    nosniff,
    framing,
    debug_off,
    session_cookie,
    secret_not_hardcoded,
    rate_limit,  # last: a throttled app would refuse the probes after it
]
