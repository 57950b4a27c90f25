"""The example, hardened offline, holds the checklist when attacked with Flask's test client.

The attacks are a pytest file added to the hardened copy and run in the sandbox (generated code
never runs outside it): a burst of uploads is throttled, plain http is redirected (FORCE_HTTPS=1)
with HSTS, framing and MIME sniffing are refused, the session cookie is Secure/HttpOnly/SameSite,
and an uploaded .html file comes back as an attachment.
"""

from __future__ import annotations

import pytest
from devsecbots.nodes.analyzers.engine import analyze
from devsecbots.nodes.analyzers.errors import AnalyzerUnavailable
from devsecbots.nodes.autofix import apply_fixes
from devsecbots.nodes.sandbox.runner import SandboxUnavailable, run_project_tests

from tests.autofix.test_example_app import BLOCKING, example_files

CHECKLIST = {
    "devsecbots.flask.missing-rate-limit",
    "devsecbots.flask.missing-hsts",
    "devsecbots.flask.missing-frame-protection",
    "devsecbots.flask.missing-nosniff",
    "devsecbots.flask.insecure-session-cookie",
    "devsecbots.flask.upload-served-inline",
}

ATTACKS = """
import io
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import app as app_module  # noqa: E402

HTTPS = "https://localhost"


def client(tmp_path, testing=True):
    app_module.app.config.update(
        TESTING=testing, UPLOAD_FOLDER=str(tmp_path), WTF_CSRF_ENABLED=False
    )
    app_module.limiter.reset()  # each test starts with a fresh budget
    return app_module.app.test_client()


def upload(c, name, data=b"x"):
    form = {"file": (io.BytesIO(data), name)}
    return c.post("/", data=form, content_type="multipart/form-data", base_url=HTTPS)


def test_burst_of_uploads_is_throttled(tmp_path):
    c = client(tmp_path)
    codes = [upload(c, f"n{i}.txt").status_code for i in range(15)]
    assert codes[:10] == [302] * 10 and set(codes[10:]) == {429}


def test_plain_http_is_redirected_and_https_has_hsts(tmp_path, monkeypatch):
    c = client(tmp_path, testing=False)
    assert c.get("/uploads/x.txt?a=1").status_code != 301  # opt-in: no loop behind a TLS proxy
    monkeypatch.setattr(app_module, "FORCE_HTTPS", True)  # what FORCE_HTTPS=1 sets at import
    plain = c.get("/uploads/x.txt?a=1")
    assert plain.status_code == 301
    assert plain.headers["Location"] == "https://localhost/uploads/x.txt?a=1"
    secure = client(tmp_path).get("/", base_url=HTTPS)
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "frame-ancestors 'none'" in secure.headers["Content-Security-Policy"]
    assert secure.headers["X-Frame-Options"] == "DENY"
    assert secure.headers["X-Content-Type-Options"] == "nosniff"


def test_session_cookie_flags(tmp_path):
    c = client(tmp_path)
    response = c.post("/", data={}, base_url=HTTPS)  # no file: flashes a message
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_uploaded_html_is_an_attachment_and_images_are_inline(tmp_path):
    c = client(tmp_path)
    assert upload(c, "page.html", b"<script>alert(1)</script>").status_code == 302
    assert not (tmp_path / "page.html").exists()  # .html is not on the allow-list
    upload(c, "a.txt", b"hello")
    upload(c, "p.png", b"png")
    text = c.get("/uploads/a.txt", base_url=HTTPS)
    assert text.data == b"hello" and text.headers["Content-Disposition"].startswith("attachment")
    image = c.get("/uploads/p.png", base_url=HTTPS)
    assert image.headers["Content-Disposition"].startswith("inline")
"""


@pytest.mark.slow
def test_hardened_example_holds_the_checklist():
    files = example_files()
    try:
        findings = analyze(files, ("bandit", "semgrep")).findings
    except AnalyzerUnavailable:
        pytest.skip("semgrep not installed")
    assert CHECKLIST <= {f["rule_id"] for f in findings}

    outcome = apply_fixes(files, findings)
    assert "flask-limiter>=3.5" in outcome.files["requirements.txt"].splitlines()
    left = analyze(outcome.files, ("bandit", "semgrep")).findings
    assert [f["rule_id"] for f in left if f["severity"] in BLOCKING] == []

    attacked = {**outcome.files, "tests/test_checklist_attacks.py": ATTACKS}
    try:
        run = run_project_tests(attacked, timeout=120)
    except SandboxUnavailable as why:
        pytest.skip(f"no sandbox here: {why}")
    assert run is not None
    assert (run.passed, run.failed, run.errors) == (6, 0, 0), run.output
