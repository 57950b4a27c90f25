"""The report service's own tests."""

import os
import sys

from fastapi.testclient import TestClient

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import app as app_module  # noqa: E402


def test_upload_then_download(tmp_path, monkeypatch):
    monkeypatch.setattr(app_module, "REPORTS", str(tmp_path))
    client = TestClient(app_module.app)
    sent = client.post("/reports", files={"file": ("q1.csv", b"a,b\n1,2\n", "text/csv")})
    assert sent.status_code == 200
    assert int(sent.json()["checksum"], 16)  # a hex digest (its algorithm may change)
    assert client.get("/reports/q1.csv").content == b"a,b\n1,2\n"
    assert client.get("/reports/q1.csv/size").json() == {"bytes": 8}


def test_config_is_parsed():
    client = TestClient(app_module.app)
    sent = client.post("/config", files={"file": ("c.yaml", b"a: 1\nb: [x, y]\n", "text/yaml")})
    assert sent.json() == {"a": 1, "b": ["x", "y"]}


def test_disk_usage(tmp_path):
    client = TestClient(app_module.app)
    assert client.get("/disk", params={"folder": str(tmp_path)}).json()["usage"]
