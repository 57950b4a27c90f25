"""The seed's story as data: an insecure upload app, a half-fixed one, and a secure one."""

from __future__ import annotations

TEMPLATE = """<!doctype html>
<title>Upload</title>
<form method="post" enctype="multipart/form-data">
  <input type="file" name="file">
  <input type="submit" value="Upload">
</form>
"""

SECURE_TEMPLATE = TEMPLATE.replace(
    '<form method="post" enctype="multipart/form-data">\n',
    '<form method="post" enctype="multipart/form-data">\n'
    '  <input type="hidden" name="csrf_token" value="{{ csrf_token() }}">\n',
)

INSECURE_APP = """import os

from flask import Flask, redirect, render_template, request

app = Flask(__name__)
app.secret_key = "super-secret-123"
UPLOAD_FOLDER = "uploads"


@app.route("/", methods=["GET", "POST"])
def upload():
    if request.method == "POST":
        f = request.files["file"]
        f.save(os.path.join(UPLOAD_FOLDER, f.filename))
        return redirect("/")
    return render_template("upload.html")


if __name__ == "__main__":
    app.run(host="0.0.0.0", debug=True)
"""

SECURE_HEAD = """import os
import secrets

from flask import Flask, abort, redirect, render_template, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect
from werkzeug.utils import secure_filename

app = Flask(__name__)
app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY") or secrets.token_hex(32)
app.config["MAX_CONTENT_LENGTH"] = 16 * 1024 * 1024
app.config.update(SESSION_COOKIE_SECURE=True, SESSION_COOKIE_SAMESITE="Lax")
csrf = CSRFProtect(app)
limiter = Limiter(get_remote_address, app=app, default_limits=["30 per minute"])
UPLOAD_FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "uploads")
ALLOWED_EXTENSIONS = {"txt", "pdf", "png", "jpg"}


@app.after_request
def security_headers(response):
    response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    response.headers["Content-Security-Policy"] = "default-src 'self'; frame-ancestors 'none'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def allowed_file(filename):
    return "." in filename and filename.rsplit(".", 1)[1].lower() in ALLOWED_EXTENSIONS


@app.route("/", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def upload():
    if request.method == "POST":
        f = request.files["file"]
        name = secure_filename(f.filename or "")
        if not name or not allowed_file(name):
            abort(400)
        os.makedirs(UPLOAD_FOLDER, exist_ok=True)
        f.save(os.path.join(UPLOAD_FOLDER, name))
        return redirect("/")
    return render_template("upload.html")


if __name__ == "__main__":
"""

PARTLY_FIXED_APP = (
    SECURE_HEAD
    + """    app.run(debug=True)
"""
)

SECURE_APP = (
    SECURE_HEAD
    + """    app.run(
        host=os.environ.get("FLASK_RUN_HOST", "127.0.0.1"),
        debug=os.environ.get("FLASK_DEBUG", "").lower() not in ("", "0", "false", "no"),
    )
"""
)


def submission(app: str, template: str | None = None, summary: str = "") -> dict:
    """DevBot's structured answer carrying these files (an app with CSRFProtect ships its form
    with the token, unless a template is given)."""
    if template is None:
        template = SECURE_TEMPLATE if "CSRFProtect" in app else TEMPLATE
    return {
        "summary": summary or "upload app",
        "files": [
            {"path": "app.py", "content": app},
            {"path": "templates/upload.html", "content": template},
            {
                "path": "requirements.txt",
                "content": "flask>=3.0\nflask-wtf>=1.2\nflask-limiter>=3.5\n",
            },
        ],
    }


def verdict(status: str, findings: list[dict] | None = None) -> dict:
    """SecBot's structured answer."""
    return {
        "status": status,
        "summary": f"reviewer says {status}",
        "findings": findings or [],
        "advice": ["keep dependencies updated"],
    }


ROUND1_FINDINGS = [
    {
        "severity": "high",
        "cwe": "CWE-22",
        "file": "app.py",
        "line": 14,
        "title": "Upload saved under the client's file name",
        "recommendation": "Use secure_filename and an extension allow-list",
    },
    {
        "severity": "medium",
        "cwe": "CWE-352",
        "file": "app.py",
        "line": 0,
        "title": "No CSRF protection on the upload form",
        "recommendation": "Use Flask-WTF CSRFProtect",
    },
]


def flask_upload_story(dev: str = "dev-model", sec: str = "sec-model") -> dict[str, list]:
    """Scripts per model: insecure → changes requested; half fixed + 'approved' (must be
    refused: debug=True remains); secure → approved."""
    return {
        dev: [
            submission(INSECURE_APP, summary="first version"),
            submission(PARTLY_FIXED_APP, SECURE_TEMPLATE, summary="fixed upload, csrf, secret"),
            submission(SECURE_APP, SECURE_TEMPLATE, summary="debug off, host from env"),
        ],
        sec: [
            verdict("changes_requested", ROUND1_FINDINGS),
            verdict("approved"),
            verdict("approved"),
        ],
    }
