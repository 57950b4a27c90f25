# Rule tests for flask_files.yaml (run by tests/analyzers/test_rules.py via semgrep --test).
import mimetypes

from io import BytesIO

from flask import Flask, make_response, request, send_file, send_from_directory

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



class Attachment:
    def __init__(self, folder, filename):
        self.abspath = folder + "/" + filename
        self.filename = filename
        self.mimetype = mimetypes.guess_type(filename)[0]

    def get(self):
        # ruleid: devsecbots.flask.upload-served-inline
        return make_response(send_file(self.abspath))

    def get_revision(self, content):
        # ruleid: devsecbots.flask.upload-served-inline
        return send_file(BytesIO(content), mimetype=self.mimetype, download_name=self.filename)

    def get_html(self):
        # ruleid: devsecbots.flask.upload-served-inline
        return send_file(self.abspath, mimetype="text/html")

    def download(self):
        # ok: devsecbots.flask.upload-served-inline
        return send_file(self.abspath, as_attachment=True)

    def get_forced(self, content):
        # ok: devsecbots.flask.upload-served-inline
        return send_file(BytesIO(content), mimetype="application/octet-stream")

    def thumbnail(self, content):
        if not self.mimetype or not self.mimetype.startswith("image"):
            return None
        if self.mimetype == "image/svg+xml":
            return self.get()
        # ok: devsecbots.flask.upload-served-inline
        return send_file(BytesIO(content), mimetype=self.mimetype)

    def thumbnail_unchecked(self, content):
        if not self.mimetype or not self.mimetype.startswith("image"):
            return None
        # ruleid: devsecbots.flask.upload-served-inline
        return send_file(BytesIO(content), mimetype=self.mimetype)


def serve_upload(path):
    # ruleid: devsecbots.flask.upload-served-inline
    return send_file(path)


def serve_report(path):
    # ok: devsecbots.flask.upload-served-inline
    return send_file(path)


def serve_stored(name):
    # ruleid: devsecbots.flask.upload-served-inline
    return send_file(UPLOAD_FOLDER + "/" + name)
