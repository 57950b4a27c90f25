"""The attacks, each a function of the Target returning one result (framework-neutral)."""

from __future__ import annotations

import os

from web import PNG, Target

BURST = 60
SANDBOX_REFUSAL = "blocked by the devsecbots sandbox"


def result(status: str, evidence: str = "") -> dict[str, str]:
    """A probe's outcome: passed, failed or not_applicable, with one line of evidence."""
    return {"status": status, "evidence": evidence[:600]}


def needs_upload(probe):
    """Mark a probe as not applicable when the app has no upload form or endpoint."""

    def wrapped(target: Target) -> dict[str, str]:
        if not target.upload:
            return result("not_applicable", "no upload form or endpoint was found")
        return probe(target)

    wrapped.__name__ = probe.__name__
    wrapped.__doc__ = probe.__doc__
    return wrapped


@needs_upload
def benign_upload(target: Target) -> dict[str, str]:
    """A benign image upload is stored and served back intact."""
    visitor = target.adapter.visitor()
    content = PNG + target.marker("benign")
    reply = target.send_file(visitor, "probe.png", content)
    stored = target.files_holding(content)
    if stored:
        target.upload_dir = os.path.dirname(stored[0])
    if reply.status >= 400 or not stored:
        assert target.upload is not None  # @needs_upload runs this probe only with one
        where = target.upload.url
        return result(
            "failed", f"POST {where} → {reply.describe()}; stored: {'yes' if stored else 'no'}"
        )
    tried = []
    location = reply.header("location")
    if location:
        path = location.split("://", 1)[-1].split("/", 1)[-1] if "://" in location else location
        tried.append(path if path.startswith("/") else "/" + path)
    name = os.path.basename(stored[0])
    tried += [prefix + name for prefix in target.adapter.serving_prefixes()]
    for path in tried:
        served = visitor.get(path)
        if served.status == 200 and served.body == content:
            return result("passed", f"stored and served back intact at {path}")
    if target.adapter.serving_prefixes():
        return result("failed", f"stored, but not served back intact at {', '.join(tried)}")
    return result("passed", "stored (the app has no route that serves uploads back)")


@needs_upload
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
        reply = target.send_file(target.adapter.visitor(), name, marker)
        if SANDBOX_REFUSAL in reply.error or reply.error.startswith("PermissionError"):
            escaped.append(f"{name!r}: the app tried to write outside its folder ({reply.error})")
            continue
        for path in target.files_holding(marker):
            if not target.inside_upload_dir(path):
                escaped.append(f"{name!r} written to {target.shown(path)}")
    if escaped:
        return result("failed", "; ".join(escaped))
    return result("passed", "names with '..' and absolute paths never left the upload folder")


@needs_upload
def dangerous_types(target: Target) -> dict[str, str]:
    """Executable or active-content types (.php, .html, .svg) are refused."""
    accepted = []
    for name in ("probe.php", "probe.html", "probe.svg"):
        marker = target.marker(name)
        content = b"<script>alert(1)</script><?php echo 1; ?>\n" + marker
        reply = target.send_file(target.adapter.visitor(), name, content)
        if target.files_holding(marker):
            accepted.append(f"{name} stored ({reply.describe()})")
    if accepted:
        return result("failed", "; ".join(accepted))
    return result("passed", "refused .php, .html and .svg uploads")


@needs_upload
def size_limit(target: Target) -> dict[str, str]:
    """A body over the upload limit is refused (413) before it is stored."""
    limit = target.adapter.facts().upload_limit
    size = (limit + 1024) if isinstance(limit, int) else 24 * 1024 * 1024
    marker = target.marker("oversize")
    reply = target.send_file(target.adapter.visitor(), "probe-big.png", marker + b"\0" * size)
    if reply.status == 413 or (400 <= reply.status < 500 and not target.files_holding(marker)):
        return result("passed", f"{size:,} bytes → HTTP {reply.status}")
    return result("failed", f"{size:,} bytes → {reply.describe()}")


def serve_traversal(target: Target) -> dict[str, str]:
    """A route that serves files by name does not serve files outside its folder."""
    prefixes = target.adapter.serving_prefixes()
    sources = {p: src[:200] for p, src in target.source_files.items() if len(src) >= 40}
    if not prefixes or not sources:
        return result("not_applicable", "no GET route takes a single name argument")
    visitor = target.adapter.visitor()
    for prefix in prefixes:
        for path in sources:
            for attempt in (f"..%2F{path}", f"../{path}", f"..%2F..%2F{path}", f"%2E%2E/{path}"):
                reply = visitor.get(prefix + attempt)
                if reply.status == 200 and sources[path] in reply.body:
                    return result("failed", f"GET {prefix}{attempt} → HTTP 200 with {path}")
    return result("passed", f"{len(prefixes)} route(s) refused '..' names")


def csrf_token_required(target: Target) -> dict[str, str]:
    """A form POST without the CSRF token is refused."""
    form = target.form
    if form is None:
        return result("not_applicable", "no HTML form that POSTs was found")
    visitor = target.adapter.visitor()
    if form.field:
        marker = target.marker("csrf")
        reply = target.send_file(visitor, "probe-csrf.png", PNG + marker, token=False)
        if target.files_holding(marker):
            return result("failed", f"POST without a token stored the file ({reply.describe()})")
        return result("passed", f"POST without a token → {reply.describe()}, not stored")
    reply = visitor.post_files(form.url, target.fields_for(visitor, form, False), {}, form.page)
    if reply.status < 400:
        return result("failed", f"POST {form.url} without a token → {reply.describe()}")
    return result("passed", f"POST {form.url} without a token → {reply.describe()}")


def https_enforced(target: Target) -> dict[str, str]:
    """Plain http is redirected to https, or https answers carry HSTS."""
    plain = target.adapter.visitor().get("/", https=False)
    secure = target.adapter.visitor().get("/")
    location = plain.header("location")
    redirect = plain.status in (301, 302, 307, 308) and location.startswith("https://")
    hsts = bool(secure.header("strict-transport-security"))
    if redirect or hsts:
        parts = ["http → https redirect" if redirect else "", "HSTS" if hsts else ""]
        return result("passed", " and ".join(p for p in parts if p))
    return result("failed", f"GET http://…/ → {plain.describe()}; no HSTS over https")


def nosniff(target: Target) -> dict[str, str]:
    """Responses carry X-Content-Type-Options: nosniff."""
    reply = target.adapter.visitor().get("/")
    value = reply.header("x-content-type-options")
    if value.lower() == "nosniff":
        return result("passed", "X-Content-Type-Options: nosniff")
    return result("failed", f"GET / → {reply.describe()}; X-Content-Type-Options: {value!r}")


def framing(target: Target) -> dict[str, str]:
    """Pages cannot be framed by other sites (CSP frame-ancestors or X-Frame-Options)."""
    reply = target.adapter.visitor().get("/")
    csp, xfo = reply.header("content-security-policy"), reply.header("x-frame-options")
    if "frame-ancestors" in csp or xfo.upper() in ("DENY", "SAMEORIGIN"):
        return result("passed", f"CSP: {csp!r}; X-Frame-Options: {xfo!r}")
    return result("failed", f"GET / → no frame-ancestors in CSP ({csp!r}) and no X-Frame-Options")


def debug_off(target: Target) -> dict[str, str]:
    """Debug mode and the interactive debugger are off; errors show no traceback."""
    facts = target.adapter.facts()
    if facts.debug or facts.debugger:
        return result("failed", f"debug={facts.debug}, interactive debugger={facts.debugger}")
    reply = target.adapter.visitor().get("/devsecbots-probe-missing")
    if b"Traceback" in reply.body:
        return result("failed", f"an error page shows a traceback ({reply.describe()})")
    return result("passed", "debug is off; error pages show no traceback")


def session_cookie(target: Target) -> dict[str, str]:
    """The session cookie is Secure, HttpOnly and SameSite."""
    cookie = target.adapter.facts().session_cookie
    if cookie is None:
        return result("not_applicable", "the app keeps no cookie session")
    missing = [
        name
        for name, ok in (
            ("Secure", cookie["secure"]),
            ("HttpOnly", cookie["httponly"]),
            ("SameSite", cookie["samesite"] in ("Lax", "Strict")),
        )
        if not ok
    ]
    if missing:
        return result("failed", f"session cookie without {', '.join(missing)} (app configuration)")
    return result("passed", "session cookie is Secure, HttpOnly and SameSite")


def secret_not_hardcoded(target: Target) -> dict[str, str]:
    """The secret key is not a string written in the source."""
    secret = target.adapter.facts().secret
    if not secret:
        return result("not_applicable", "the app sets no secret key")
    text = secret.encode() if isinstance(secret, str) else bytes(secret)
    for path, source in target.source_files.items():
        if len(text) >= 4 and (b'"' + text + b'"' in source or b"'" + text + b"'" in source):
            return result("failed", f"the secret key in use is written in {path}")
    return result("passed", "the secret key in use comes from outside the source")


def rate_limit(target: Target) -> dict[str, str]:
    """A burst of state-changing requests from one address is throttled (429)."""
    visitor = target.adapter.visitor()
    if target.upload:
        what = f"POST {target.upload.url}"

        def send():
            return target.send_file(visitor, "probe-burst.png", PNG)
    else:
        routes = target.adapter.post_routes()
        if not routes:
            return result("not_applicable", "no state-changing route without arguments")
        what = f"POST {routes[0]}"

        def send():
            return visitor.post(routes[0], {})

    for count in range(1, BURST + 1):
        if send().status == 429:
            return result("passed", f"{what}: HTTP 429 after {count} requests")
    return result("failed", f"{what}: {BURST} requests from one address, none throttled")


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
