"""The notes API's own tests."""

import os
import sys

from fastapi.testclient import TestClient

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import app as app_module  # noqa: E402


def test_add_and_find(tmp_path, monkeypatch):
    monkeypatch.setattr(app_module, "DB_PATH", str(tmp_path / "notes.db"))
    client = TestClient(app_module.app)
    assert client.post("/notes", json={"title": "todo", "body": "milk"}).json() == {"ok": True}
    assert client.get("/notes", params={"title": "todo"}).json() == [
        {"title": "todo", "body": "milk"}
    ]
    assert client.get("/notes", params={"title": "other"}).json() == []
