"""What each probe means when it fails: title, severity, CWE and the fix to ask DevBot for."""

from __future__ import annotations

from dataclasses import dataclass

from devsecbots.graphs.state import Finding, make_finding

PROBE_SOURCE = "probe"


@dataclass(frozen=True)
class ProbeInfo:
    """The finding a failed probe becomes."""

    title: str
    severity: str
    cwe: str
    fix: str


CATALOGUE: dict[str, ProbeInfo] = {
    "benign_upload": ProbeInfo(
        "A benign upload is not stored and served back intact",
        "medium",
        "",
        "Keep the upload feature working: store allowed files and serve them back unchanged.",
    ),
    "upload_traversal": ProbeInfo(
        "Upload file name escapes the upload folder",
        "high",
        "CWE-22",
        "Store uploads under werkzeug.utils.secure_filename(name), never the client's name.",
    ),
    "dangerous_types": ProbeInfo(
        "Active content (.php, .html, .svg) is accepted on upload",
        "high",
        "CWE-434",
        "Accept only an allow-list of extensions and refuse everything else.",
    ),
    "size_limit": ProbeInfo(
        "Uploads over the size limit are accepted",
        "medium",
        "CWE-400",
        "Set app.config['MAX_CONTENT_LENGTH'] so that Flask answers 413 to large bodies.",
    ),
    "serve_traversal": ProbeInfo(
        "The file-serving route serves files outside its folder",
        "high",
        "CWE-22",
        "Serve stored files with send_from_directory (or safe_join), never send_file(join(...)).",
    ),
    "csrf_token_required": ProbeInfo(
        "A form POST without a CSRF token is accepted",
        "medium",
        "CWE-352",
        "Enable flask_wtf.csrf.CSRFProtect and put csrf_token() in every form.",
    ),
    "https_enforced": ProbeInfo(
        "Plain http is served: no redirect to https and no HSTS",
        "medium",
        "CWE-319",
        "Redirect http to https and send Strict-Transport-Security (e.g. flask-talisman).",
    ),
    "nosniff": ProbeInfo(
        "Responses lack X-Content-Type-Options: nosniff",
        "medium",
        "CWE-693",
        "Send X-Content-Type-Options: nosniff on every response (flask-talisman does).",
    ),
    "framing": ProbeInfo(
        "Pages can be framed by any site (no frame-ancestors / X-Frame-Options)",
        "medium",
        "CWE-1021",
        "Send Content-Security-Policy frame-ancestors 'none' (or X-Frame-Options: DENY).",
    ),
    "debug_off": ProbeInfo(
        "Debug mode or tracebacks are on in the running app",
        "high",
        "CWE-489",
        "Turn debug off outside development (read it from the environment, default off).",
    ),
    "session_cookie": ProbeInfo(
        "The session cookie is not Secure, HttpOnly and SameSite",
        "medium",
        "CWE-614",
        "Set SESSION_COOKIE_SECURE, SESSION_COOKIE_HTTPONLY and SESSION_COOKIE_SAMESITE='Lax'.",
    ),
    "secret_not_hardcoded": ProbeInfo(
        "The running app uses a secret key written in the source",
        "high",
        "CWE-798",
        "Read the secret key from the environment (and fail when it is missing).",
    ),
    "rate_limit": ProbeInfo(
        "A burst of state-changing requests is never throttled",
        "medium",
        "CWE-770",
        "Add Flask-Limiter keyed by client address with a strict limit on state-changing routes.",
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
