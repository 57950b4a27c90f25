"""The probe stage against twins of an upload app: each attack fails on one, holds on the other."""

from __future__ import annotations

import pytest
from devsecbots.nodes.policy import is_blocking
from devsecbots.nodes.probe.catalogue import CATALOGUE

from tests.probe.helpers import app_files, probe

SECURITY_PROBES = set(CATALOGUE) - {"benign_upload"}


@pytest.fixture(scope="module")
def insecure():
    return probe(app_files("insecure_upload"))


@pytest.fixture(scope="module")
def hardened():
    return probe(app_files("hardened_upload"))


def test_every_security_probe_fails_on_the_insecure_twin(insecure) -> None:
    report, findings, results = insecure
    assert report["status"] == "probed", report["reason"]
    assert set(results) == set(CATALOGUE)
    failed = {pid for pid, r in results.items() if r["status"] == "failed"}
    assert failed == SECURITY_PROBES
    assert results["benign_upload"]["status"] == "passed"  # the attacks ran on a working app
    assert {f["rule_id"] for f in findings} == {f"probe.{p}" for p in SECURITY_PROBES}
    assert all(f["source"] == "probe" and f["file"] == "app.py" for f in findings)
    assert all(is_blocking(f, "critical") for f in findings)  # a failed attack always blocks


def test_every_probe_holds_on_the_hardened_twin(hardened) -> None:
    report, findings, results = hardened
    assert report["status"] == "probed", report["reason"]
    assert {pid: r["status"] for pid, r in results.items()} == dict.fromkeys(CATALOGUE, "passed")
    assert findings == []
    assert "netns" in report["isolation"] or "landlock-net" in report["isolation"]


def test_failures_carry_evidence(insecure) -> None:
    _, findings, results = insecure
    assert "HTTP 200 with app.py" in results["serve_traversal"]["evidence"]
    assert "none throttled" in results["rate_limit"]["evidence"]
    assert "app.py" in results["secret_not_hardcoded"]["evidence"]
    traversal = results["upload_traversal"]["evidence"]
    assert "project/probe-traversal.txt" in traversal
    assert "devsecbots-tests-" not in traversal  # paths shown inside the sandbox, not the host's
    by_rule = {f["rule_id"]: f for f in findings}
    assert "Evidence: " in by_rule["probe.rate_limit"]["recommendation"]


def test_the_functional_probe_notices_a_broken_upload() -> None:
    _, findings, results = probe(app_files("broken_upload"))
    assert results["benign_upload"]["status"] == "failed"
    assert "stored: no" in results["benign_upload"]["evidence"]
    assert "probe.benign_upload" in {f["rule_id"] for f in findings}


def test_nothing_is_left_behind_in_the_app_folder(hardened) -> None:
    files = app_files("hardened_upload")
    assert not any("uploads" in p or "probe" in p for p in files)
