# Rule tests for flask_files.yaml (run by tests/analyzers/test_rules.py via semgrep --test).
import mimetypes

from flask import Flask, request, send_from_directory

app = Flask(__name__)
UPLOAD_FOLDER = "uploads"
STATIC_DIR = "static"
INLINE_SAFE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


@app.route("/uploads/<name>")
def uploaded_file(name):
    # ruleid: devsecbots.flask.upload-served-inline
    return send_from_directory(app.config["UPLOAD_FOLDER"], name)


@app.route("/media/<path:name>")
def media(name):
    # ruleid: devsecbots.flask.upload-served-inline
    return send_from_directory(UPLOAD_FOLDER, name, max_age=60)


@app.route("/download")
def download():
    # ruleid: devsecbots.flask.upload-served-inline
    return send_from_directory(UPLOAD_FOLDER, request.args.get("f", ""))


@app.route("/safe/<name>")
def safe(name):
    inline = mimetypes.guess_type(name)[0] in INLINE_SAFE_TYPES
    # ok: devsecbots.flask.upload-served-inline
    return send_from_directory(UPLOAD_FOLDER, name, as_attachment=not inline)


@app.route("/text/<name>")
def as_text(name):
    # ok: devsecbots.flask.upload-served-inline
    return send_from_directory(UPLOAD_FOLDER, name, mimetype="text/plain")


@app.route("/static-files/<name>")
def static_files(name):
    # ok: devsecbots.flask.upload-served-inline
    return send_from_directory(STATIC_DIR, name)

