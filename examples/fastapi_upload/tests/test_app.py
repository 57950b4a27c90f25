"""The example's own tests: the upload round-trip must keep working after hardening."""

import os
import sys

from fastapi.testclient import TestClient

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import app as app_module  # noqa: E402


def make_client(tmp_path, monkeypatch):
    monkeypatch.setattr(app_module, "UPLOAD_DIR", str(tmp_path))
    return TestClient(app_module.app)


def test_upload_round_trip(tmp_path, monkeypatch):
    client = make_client(tmp_path, monkeypatch)
    response = client.post("/upload", files={"file": ("notes.txt", b"hello", "text/plain")})
    assert response.status_code == 200
    assert response.json()["stored"] == "notes.txt"
    assert client.get("/files/notes.txt").content == b"hello"



def test_two_uploads_are_kept_apart(tmp_path, monkeypatch):
    client = make_client(tmp_path, monkeypatch)
    for name, body in (("a.txt", b"first"), ("b.txt", b"second")):
        assert client.post("/upload", files={"file": (name, body, "text/plain")}).status_code == 200
    assert client.get("/files/a.txt").content == b"first"
    assert client.get("/files/b.txt").content == b"second"
