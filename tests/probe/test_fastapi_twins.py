"""The probe stage on FastAPI twins: TestClient attacks, the same list where it applies."""

from __future__ import annotations

import pytest
from devsecbots.nodes.probe.catalogue import CATALOGUE

from tests.probe.helpers import app_files, probe

# FastAPI, slowapi and httpx come from a venv built from each twin's requirements.txt.
pytestmark = pytest.mark.slow
NOT_FOR_APIS = {"csrf_token_required"}  # a JSON endpoint without a form or cookie login
SECURITY_PROBES = set(CATALOGUE) - {"benign_upload"} - NOT_FOR_APIS


def test_every_applicable_probe_fails_on_the_insecure_fastapi_twin() -> None:
    report, findings, results = probe(app_files("fastapi_insecure"), own_env=True)
    assert report["status"] == "probed", report["reason"]
    failed = {pid for pid, r in results.items() if r["status"] == "failed"}
    assert failed == SECURITY_PROBES
    assert results["csrf_token_required"]["status"] == "not_applicable"
    assert "HTTP 200 with main.py" in results["serve_traversal"]["evidence"]
    assert {f["file"] for f in findings} == {"main.py"}


def test_every_applicable_probe_holds_on_the_hardened_fastapi_twin() -> None:
    report, findings, results = probe(app_files("fastapi_hardened"), own_env=True)
    assert report["status"] == "probed", report["reason"]
    assert findings == []
    held = {pid for pid, r in results.items() if r["status"] == "passed"}
    assert held == set(CATALOGUE) - NOT_FOR_APIS
    assert "served back intact at /files/probe.png" in results["benign_upload"]["evidence"]
