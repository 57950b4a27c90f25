"""The model path and the checklist: a reviewer model that approves an app with no rate limit is
overruled by the project-level check, and DevBot gets the finding to fix."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.conftest import cli, cli_env
from tests.story import SECURE_APP, SECURE_TEMPLATE, submission, verdict

LIMITER = 'limiter = Limiter(get_remote_address, app=app, default_limits=["30 per minute"])\n'
UNLIMITED_APP = (
    SECURE_APP.replace(LIMITER, "")
    .replace("from flask_limiter import Limiter\n", "")
    .replace("from flask_limiter.util import get_remote_address\n", "")
)


def test_model_approval_without_rate_limit_is_refused(fake_openai, tmp_path: Path) -> None:
    assert UNLIMITED_APP != SECURE_APP and "Limiter" not in UNLIMITED_APP
    source = tmp_path / "app"
    (source / "templates").mkdir(parents=True)
    (source / "app.py").write_text(UNLIMITED_APP)
    (source / "templates" / "upload.html").write_text(SECURE_TEMPLATE)
    (source / "requirements.txt").write_text("flask>=3.0\nflask-wtf>=1.2\n")
    fake_openai.script("sec-model", [verdict("approved"), verdict("approved")])
    fake_openai.script("dev-model", [submission(SECURE_APP, SECURE_TEMPLATE, "rate limited")])
    out, report = tmp_path / "out", tmp_path / "report.json"
    run = subprocess.run(
        cli(
            "harden",
            str(source),
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
            "--no-persist",
            "--no-tests",
        ),
        env=cli_env(OPENAI_API_KEY="sk-checklist-test"),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    data = json.loads(report.read_text())
    assert [r["verdict"] for r in data["history"]] == ["changes_requested", "approved"]
    assert data["history"][0]["blocking"] == 1  # the model said approved; the check did not

    sec_first, dev, _sec_second = fake_openai.requests
    system = sec_first.messages[0]["content"]
    for item in ("Rate limiting", "HTTPS", "CSRF", "X-Content-Type-Options", "SameSite"):
        assert item in system
    assert "pip-audit -r requirements.txt" in system
    asked = json.dumps(dev.messages)
    assert "devsecbots.flask.missing-rate-limit" in asked or "has no rate limit" in asked
    assert "Flask-Limiter" in dev.messages[0]["content"]  # DevBot knows the fix
    assert "Keep dependencies updated: run `pip-audit -r requirements.txt`" in " ".join(
        data["advice"]
    )
    assert "advice:" in run.stdout and "pip-audit -r requirements.txt" in run.stdout
