"""The example's own tests: the upload round-trip must keep working after hardening."""

import io
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import app as app_module  # noqa: E402


def make_client(tmp_path):
    app_module.app.config.update(TESTING=True, UPLOAD_FOLDER=str(tmp_path), WTF_CSRF_ENABLED=False)
    return app_module.app.test_client()


def test_form_is_served(tmp_path):
    assert make_client(tmp_path).get("/").status_code == 200


def test_upload_round_trip(tmp_path):
    client = make_client(tmp_path)
    data = {"file": (io.BytesIO(b"hello"), "notes.txt")}
    response = client.post("/", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    assert client.get("/uploads/notes.txt").data == b"hello"
