"""What each probe means when it fails: title, severity, CWE and the fix to ask DevBot for."""

from __future__ import annotations

from dataclasses import dataclass

from devsecbots.graphs.state import Finding, make_finding

PROBE_SOURCE = "probe"


@dataclass(frozen=True)
class ProbeInfo:
    """The finding a failed probe becomes."""

    title: str  # what a failure means
    severity: str
    cwe: str
    fix: str
    check: str = ""  # what the probe checks, said neutrally (the report's table)


CATALOGUE: dict[str, ProbeInfo] = {
    "benign_upload": ProbeInfo(
        "A benign upload is not stored and served back intact",
        "medium",
        "",
        "Keep the upload feature working: store allowed files and serve them back unchanged.",
        check="A benign upload is stored and served back intact",
    ),
    "upload_traversal": ProbeInfo(
        "Upload file name escapes the upload folder",
        "high",
        "CWE-22",
        "Store uploads under werkzeug.utils.secure_filename(name), never the client's name.",
        check="Upload names with '..' or absolute paths stay in the upload folder",
    ),
    "dangerous_types": ProbeInfo(
        "Active content (.php, .html, .svg) is accepted on upload",
        "high",
        "CWE-434",
        "Accept only an allow-list of extensions and refuse everything else.",
        check="Active content (.php, .html, .svg) is refused on upload",
    ),
    "size_limit": ProbeInfo(
        "Uploads over the size limit are accepted",
        "medium",
        "CWE-400",
        "Set app.config['MAX_CONTENT_LENGTH'] so that Flask answers 413 to large bodies.",
        check="A body over the upload limit is refused",
    ),
    "serve_traversal": ProbeInfo(
        "The file-serving route serves files outside its folder",
        "high",
        "CWE-22",
        "Serve stored files with send_from_directory (or safe_join), never send_file(join(...)).",
        check="The file-serving route serves nothing outside its folder",
    ),
    "csrf_token_required": ProbeInfo(
        "A form POST without a CSRF token is accepted",
        "medium",
        "CWE-352",
        "Enable flask_wtf.csrf.CSRFProtect and put csrf_token() in every form.",
        check="A form POST without its CSRF token is refused",
    ),
    "https_enforced": ProbeInfo(
        "Plain http is served: no redirect to https and no HSTS",
        "medium",
        "CWE-319",
        "Redirect http to https and send Strict-Transport-Security (e.g. flask-talisman).",
        check="Plain http is redirected to https, or HSTS is sent",
    ),
    "nosniff": ProbeInfo(
        "Responses lack X-Content-Type-Options: nosniff",
        "medium",
        "CWE-693",
        "Send X-Content-Type-Options: nosniff on every response (flask-talisman does).",
        check="Responses carry X-Content-Type-Options: nosniff",
    ),
    "framing": ProbeInfo(
        "Pages can be framed by any site (no frame-ancestors / X-Frame-Options)",
        "medium",
        "CWE-1021",
        "Send Content-Security-Policy frame-ancestors 'none' (or X-Frame-Options: DENY).",
        check="Pages cannot be framed (frame-ancestors / X-Frame-Options)",
    ),
    "debug_off": ProbeInfo(
        "Debug mode or tracebacks are on in the running app",
        "high",
        "CWE-489",
        "Turn debug off outside development (read it from the environment, default off).",
        check="Debug mode, the debugger and tracebacks are off",
    ),
    "session_cookie": ProbeInfo(
        "The session cookie is not Secure, HttpOnly and SameSite",
        "medium",
        "CWE-614",
        "Set SESSION_COOKIE_SECURE, SESSION_COOKIE_HTTPONLY and SESSION_COOKIE_SAMESITE='Lax'.",
        check="The session cookie is Secure, HttpOnly and SameSite",
    ),
    "secret_not_hardcoded": ProbeInfo(
        "The running app uses a secret key written in the source",
        "high",
        "CWE-798",
        "Read the secret key from the environment (and fail when it is missing).",
        check="The secret key in use is not written in the source",
    ),
    "rate_limit": ProbeInfo(
        "A burst of state-changing requests is never throttled",
        "medium",
        "CWE-770",
        "Add Flask-Limiter keyed by client address with a strict limit on state-changing routes.",
        check="A burst of state-changing requests is throttled (429)",
    ),
}


def probe_finding(probe_id: str, evidence: str, file: str) -> Finding:
    """The blocking finding for one failed probe, with its evidence."""
    info = CATALOGUE.get(probe_id) or ProbeInfo(f"Probe {probe_id} failed", "medium", "", "")
    return make_finding(
        severity=info.severity,
        file=file,
        title=f"Probe failed: {info.title}",
        source=PROBE_SOURCE,
        cwe=info.cwe,
        rule_id=f"probe.{probe_id}",
        recommendation=f"{info.fix} Evidence: {evidence}",
    )
