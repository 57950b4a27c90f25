"""The probe stage on Django twins: project settings, a throwaway database, its test Client."""

from __future__ import annotations

import pytest

from tests.probe.helpers import app_files, probe

pytest.importorskip("django")
APPLICABLE = {
    "csrf_token_required",
    "https_enforced",
    "nosniff",
    "framing",
    "debug_off",
    "session_cookie",
    "secret_not_hardcoded",
    "rate_limit",
}


def test_every_applicable_probe_fails_on_the_insecure_django_twin() -> None:
    report, findings, results = probe(app_files("django_insecure"))
    assert report["status"] == "probed", report["reason"]
    assert {pid for pid, r in results.items() if r["status"] == "failed"} == APPLICABLE
    assert {pid for pid, r in results.items() if r["status"] == "not_applicable"} == (
        set(results) - APPLICABLE
    )
    assert "site_config/settings.py" in results["secret_not_hardcoded"]["evidence"]
    assert {f["file"] for f in findings} == {"site_config/settings.py"}


def test_every_applicable_probe_holds_on_the_hardened_django_twin() -> None:
    report, findings, results = probe(app_files("django_hardened"))
    assert report["status"] == "probed", report["reason"]
    assert findings == []
    assert {pid for pid, r in results.items() if r["status"] == "passed"} == APPLICABLE
    assert "HTTP 403" in results["csrf_token_required"]["evidence"]


def test_a_django_project_without_settings_is_not_probed() -> None:
    files = {p: c for p, c in app_files("django_insecure").items() if not p.endswith("settings.py")}
    report, _, _ = probe(files)
    assert report["status"] == "not_probed"
    assert report["reason"] == "no Django settings module (settings.py) found"
