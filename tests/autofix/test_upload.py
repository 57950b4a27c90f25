"""Upload codemod: secure_filename, the extension allow-list and the request size cap."""

from __future__ import annotations

from devsecbots.nodes.autofix import apply_fixes

from tests.autofix.helpers import assert_fixed, declined, finding_at

FILENAME = "devsecbots.flask.upload-unsanitised-filename"
SIZE = "devsecbots.flask.upload-missing-max-content-length"

API_BEFORE = """import os

from flask import Flask, jsonify, request

app = Flask(__name__)
app.config["UPLOAD_DIR"] = "/srv/uploads"


@app.post("/api/files")
def upload():
    upload = request.files["document"]
    filename = upload.filename
    # store it
    upload.save(os.path.join(app.config["UPLOAD_DIR"], filename))
    return jsonify(saved=filename), 201
"""
API_AFTER = '''import os

from flask import Flask, abort, jsonify, request
from werkzeug.utils import secure_filename

app = Flask(__name__)
app.config["UPLOAD_DIR"] = "/srv/uploads"
app.config["MAX_CONTENT_LENGTH"] = 16 * 1024 * 1024  # reject uploads over 16 MiB

ALLOWED_EXTENSIONS = {"txt", "pdf", "png", "jpg", "jpeg", "gif"}


def allowed_file(filename):
    """Whether an uploaded file's extension is on the allow-list."""
    return "." in filename and filename.rsplit(".", 1)[1].lower() in ALLOWED_EXTENSIONS


@app.post("/api/files")
def upload():
    upload = request.files["document"]
    filename = secure_filename(upload.filename)
    if not allowed_file(filename):
        abort(400)
    # store it
    upload.save(os.path.join(app.config["UPLOAD_DIR"], filename))
    return jsonify(saved=filename), 201
'''


def test_assigned_filename_is_wrapped_and_rejected_with_400():
    finding = finding_at(API_BEFORE, FILENAME, "upload.save", cwe="CWE-22")
    outcome = assert_fixed(API_BEFORE, API_AFTER, [finding])
    assert any("MAX_CONTENT_LENGTH" in note for note in outcome.notes)


PATH_BEFORE = """from pathlib import Path

import flask

bp = flask.Blueprint("files", __name__)


@bp.route("/up", methods=["POST"])
def up():
    f = flask.request.files["f"]
    target = Path("/data") / f.filename
    f.save(target)
    return f"saved {f.filename}"
"""
PATH_AFTER = '''from pathlib import Path

import flask
from flask import abort
from werkzeug.utils import secure_filename

bp = flask.Blueprint("files", __name__)

ALLOWED_EXTENSIONS = {"txt", "pdf", "png", "jpg", "jpeg", "gif"}


def allowed_file(filename):
    """Whether an uploaded file's extension is on the allow-list."""
    return "." in filename and filename.rsplit(".", 1)[1].lower() in ALLOWED_EXTENSIONS


@bp.route("/up", methods=["POST"])
def up():
    f = flask.request.files["f"]
    filename = secure_filename(f.filename)
    if not allowed_file(filename):
        abort(400)
    target = Path("/data") / filename
    f.save(target)
    return f"saved {filename}"
'''


def test_raw_name_outside_the_block_is_left_alone():
    before = """import os

import flask

app = flask.Flask(__name__)


@app.post("/")
def post():
    image = flask.request.files.get("image")
    if image:
        image.save(os.path.join("/srv", image.filename))
    return flask.jsonify(name=image.filename if image else "")
"""
    outcome = apply_fixes({"app.py": before}, [finding_at(before, FILENAME, "image.save")])
    fixed = outcome.files["app.py"]
    assert '        image.save(os.path.join("/srv", filename))' in fixed
    assert (
        '    return flask.jsonify(name=image.filename if image else "")' in fixed
    )  # `filename` unbound there


def test_path_built_first_and_blueprint_without_app():
    finding = finding_at(PATH_BEFORE, FILENAME, "f.save")
    outcome = assert_fixed(PATH_BEFORE, PATH_AFTER, [finding])
    assert not any("MAX_CONTENT_LENGTH" in note for note in outcome.notes)


def test_size_limit_alone_and_declined_without_an_app():
    before = (
        "from flask import Flask\n\napp = Flask(__name__)\n"
        'app.config.from_object("settings")\n\nX = 1\n'
    )
    after = (
        'from flask import Flask\n\napp = Flask(__name__)\napp.config.from_object("settings")\n'
        'app.config["MAX_CONTENT_LENGTH"] = 16 * 1024 * 1024  # reject uploads over 16 MiB\n'
        "\nX = 1\n"
    )
    assert_fixed(before, after, [finding_at(before, SIZE, "Flask(__name__)")])
    no_app = "from flask import Blueprint\nbp = Blueprint('x', __name__)\n"
    reasons = declined(no_app, [finding_at(no_app, SIZE, "Blueprint(")])
    assert "no Flask app" in reasons[0]


def test_existing_allow_list_and_sanitised_code_are_left_alone():
    reasons = declined(API_AFTER, [finding_at(API_AFTER, FILENAME, "upload.save")])
    assert "no upload saved under the client's filename" in reasons[0]
    unsanitised = API_AFTER.replace(
        "filename = secure_filename(upload.filename)", "filename = upload.filename"
    )
    assert_fixed(unsanitised, API_AFTER, [finding_at(unsanitised, FILENAME, "upload.save")])
