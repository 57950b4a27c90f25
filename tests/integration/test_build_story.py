"""The seed's story end to end: the real CLI, the real ChatOpenAI client, a local fake server."""

from __future__ import annotations

import ast
import hashlib
import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import cli, cli_env
from tests.story import SECURE_APP, flask_upload_story


@pytest.mark.parametrize("method", ["json_schema", "function_calling"])
def test_build_story_ends_approved_in_round_three(fake_openai, tmp_path: Path, method: str) -> None:
    for model, replies in flask_upload_story().items():
        fake_openai.script(model, replies)
    out, report = tmp_path / "out", tmp_path / "report.json"
    run = subprocess.run(
        cli(
            "build",
            "a Flask app for file upload",
            "--out",
            str(out),
            "--report",
            str(report),
            "--dev-model",
            "dev-model",
            "--sec-model",
            "sec-model",
            "--base-url",
            fake_openai.base_url,
            "--structured-method",
            method,
            "--no-persist",
        ),
        env=cli_env(OPENAI_API_KEY="sk-story-test-key"),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    data = json.loads(report.read_text())
    assert data["status"] == "approved" and data["run_status"] == "approved"
    assert data["rounds"] == 3
    assert [r["verdict"] for r in data["history"]] == [
        "changes_requested",
        "changes_requested",
        "approved",
    ]
    # Round 2: the reviewer said "approved" but Bandit's debug=True finding stood.
    round2 = data["history"][1]
    assert round2["blocking"] >= 1 and "at or above medium" in round2["note"]
    assert data["usage"]["calls"] == 6
    billed = fake_openai.billed
    assert data["usage"]["input_tokens"] == billed["input_tokens"] > 0
    assert data["usage"]["output_tokens"] == billed["output_tokens"] > 0
    assert (
        sum(r["tokens"] for r in data["history"])
        == billed["input_tokens"] + billed["output_tokens"]
    )
    written = {f["path"]: f["sha256"] for f in data["files"]}
    assert set(written) == {"app.py", "templates/upload.html", "requirements.txt"}
    for path, digest in written.items():
        assert hashlib.sha256((out / path).read_bytes()).hexdigest() == digest
    assert (out / "app.py").read_text() == SECURE_APP
    ast.parse((out / "app.py").read_text())
    assert (out / "SECURITY-REPORT.md").read_text().startswith("# Security review")
    assert "sk-story-test-key" not in run.stdout + run.stderr + report.read_text()
    assert all(r.api_key == "sk-story-test-key" for r in fake_openai.requests)


def test_prompts_fence_code_and_stay_flat(fake_openai, tmp_path: Path) -> None:
    for model, replies in flask_upload_story().items():
        fake_openai.script(model, replies)
    run = subprocess.run(
        cli(
            "build",
            "a Flask app for file upload",
            "--out",
            str(tmp_path / "o"),
            "--model",
            "x",
            "--dev-model",
            "dev-model",
            "--sec-model",
            "sec-model",
            "--base-url",
            fake_openai.base_url,
            "--no-persist",
        ),
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    dev_prompts = [r for r in fake_openai.requests if r.model == "dev-model"]
    assert len(dev_prompts) == 3
    revise = [json.dumps(r.messages) for r in dev_prompts[1:]]
    assert all('<untrusted kind=\\"file\\" path=\\"app.py\\">' in text for text in revise)
    # The revision prompt holds files + open findings, not the transcript of earlier rounds.
    assert "first version" not in revise[1]
