"""The upload service with every protection the probes look for (the hardened twin)."""

import os

from flask import (
    Flask,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect
from werkzeug.utils import secure_filename

UPLOAD_FOLDER = os.path.join(os.path.dirname(__file__), "uploads")
ALLOWED_EXTENSIONS = {"png", "jpg", "jpeg", "gif", "txt", "pdf"}
IMAGES = {"png", "jpg", "jpeg", "gif"}

app = Flask(__name__)
app.config.update(
    UPLOAD_FOLDER=UPLOAD_FOLDER,
    MAX_CONTENT_LENGTH=2 * 1024 * 1024,
    SECRET_KEY=os.environ["SECRET_KEY"],
    SESSION_COOKIE_SECURE=True,
    SESSION_COOKIE_HTTPONLY=True,
    SESSION_COOKIE_SAMESITE="Lax",
)
CSRFProtect(app)


@app.before_request
def require_https():
    """Redirect plain http to https (FORCE_HTTPS=0 behind a proxy that already does)."""
    if os.environ.get("FORCE_HTTPS", "1") == "1" and not request.is_secure:
        return redirect(request.url.replace("http://", "https://", 1), code=301)
    return None


@app.after_request
def security_headers(response):
    """HSTS, no framing by other sites, no MIME sniffing."""
    response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    response.headers["Content-Security-Policy"] = "default-src 'self'; frame-ancestors 'none'"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


limiter = Limiter(
    get_remote_address,
    app=app,
    storage_uri=os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
)


def allowed_file(filename):
    """Whether the name has an extension on the allow-list."""
    return "." in filename and filename.rsplit(".", 1)[1].lower() in ALLOWED_EXTENSIONS


@app.route("/", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def upload_file():
    """Accept one file of an allowed type and store it under a safe name."""
    if request.method == "POST":
        f = request.files.get("file")
        if f is None or f.filename == "":
            flash("No selected file")
            return redirect(request.url)
        name = secure_filename(f.filename)
        if not name or not allowed_file(name):
            abort(400)
        os.makedirs(app.config["UPLOAD_FOLDER"], exist_ok=True)
        f.save(os.path.join(app.config["UPLOAD_FOLDER"], name))
        return redirect(url_for("uploaded_file", name=name))
    return render_template("upload.html")


@app.route("/uploads/<name>")
def uploaded_file(name):
    """Serve a stored file; anything but an image is sent as an attachment."""
    image = name.rsplit(".", 1)[-1].lower() in IMAGES
    return send_from_directory(app.config["UPLOAD_FOLDER"], name, as_attachment=not image)


if __name__ == "__main__":
    app.run(host=os.environ.get("HOST", "127.0.0.1"), port=5000)
