"""Vulnerable/fixed twin apps: each analyser flags the first and passes the second."""

from __future__ import annotations

import pytest
from devsecbots.nodes.analyzers import analyze
from devsecbots.nodes.analyzers.bandit_runner import run_bandit
from devsecbots.nodes.analyzers.semgrep_runner import run_semgrep

from .helpers import EXAMPLE_APP, blocking, fixture, rule_ids

UPLOAD_EXPECTED = {
    "devsecbots.flask.upload-unsanitised-filename",
    "devsecbots.flask.upload-missing-max-content-length",
    "devsecbots.flask.hardcoded-secret-key",
    "devsecbots.flask.debug-enabled",
    "devsecbots.flask.bind-all-interfaces",
    "devsecbots.flask.missing-csrf-protection",
}
NOTES_EXPECTED = {
    "devsecbots.flask.sql-injection",
    "devsecbots.flask.xss",
    "devsecbots.flask.command-injection",
    "devsecbots.flask.path-traversal",
    "devsecbots.flask.trust-boundary-violation",
    "devsecbots.python.weak-random",
    "devsecbots.flask.open-redirect",
    "devsecbots.flask.insecure-cookie",
    "devsecbots.python.insecure-deserialization",
    "devsecbots.python.weak-hash",
    "devsecbots.flask.ssrf",
    "devsecbots.flask.missing-csrf-protection",
}
TWINS = {
    "upload": (EXAMPLE_APP.read_text(), fixture("upload_hardened.py"), UPLOAD_EXPECTED),
    "notes": (fixture("notes_vulnerable.py"), fixture("notes_fixed.py"), NOTES_EXPECTED),
}


@pytest.fixture(scope="module")
def reports():
    files = {
        f"{name}/{kind}.py": source
        for name, (bad, good, _) in TWINS.items()
        for kind, source in (("vulnerable", bad), ("fixed", good))
    }
    report = analyze(files, cache=None)
    return {path: [f for f in report.findings if f["file"] == path] for path in files}


@pytest.mark.parametrize("name", TWINS)
def test_engine_flags_the_vulnerable_twin(reports, name):
    found = reports[f"{name}/vulnerable.py"]
    assert TWINS[name][2] <= rule_ids(found)


@pytest.mark.parametrize("name", TWINS)
def test_engine_passes_the_fixed_twin_at_medium_and_above(reports, name):
    assert blocking(reports[f"{name}/fixed.py"]) == []


def test_bandit_alone_on_the_upload_twins():
    bad, good, _ = TWINS["upload"]
    assert {"B201", "B104"} <= rule_ids(run_bandit({"app.py": bad}))
    assert blocking(run_bandit({"app.py": good})) == []


def test_semgrep_alone_on_the_notes_twins():
    bad, good, expected = TWINS["notes"]
    found = run_semgrep({"bad.py": bad, "good.py": good})
    assert expected <= rule_ids(f for f in found if f["file"] == "bad.py")
    assert [f for f in found if f["file"] == "good.py"] == []


def test_hardcoded_secret_is_high_although_bandit_says_low():
    bad = TWINS["upload"][0]
    assert {f["severity"] for f in run_bandit({"app.py": bad}) if f["rule_id"] == "B105"} <= {"low"}
    assert [
        f["severity"]
        for f in analyze({"app.py": bad}, cache=None).findings
        if f["rule_id"] == "devsecbots.flask.hardcoded-secret-key"
    ] == ["high"]
