"""The API key never leaks: not to stdout/stderr, reports, SARIF, run listings or the run database.

A key given by flag (in a real subprocess) and by environment, a failed run and its resume, and a
server that echoes the key back in its error message, as some OpenAI-compatible servers do.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from devsecbots.testing import FakeOpenAI, Fault
from tests.conftest import cli, cli_env
from tests.reliability.helpers import THREAD, run_cli
from tests.story import INSECURE_APP, SECURE_APP, submission, verdict

FLAG_KEY = "sk-flag-0123456789abcdefSECRET"
ENV_KEY = "sk-env-9876543210fedcbaSECRET"


def devsecbots(tmp_path: Path, *args: str, key_env: str = "") -> str:
    """Run the CLI; return everything it printed (stdout + stderr)."""
    env = cli_env(DEVSECBOTS_DB=str(tmp_path / "runs.sqlite"), COLUMNS="200")
    if key_env:
        env["OPENAI_API_KEY"] = key_env
    done = subprocess.run(cli(*args), env=env, capture_output=True, text=True, timeout=120)
    return done.stdout + done.stderr


def leaks(tmp_path: Path, printed: str, key: str) -> list[str]:
    """Every artifact (and the printed output) whose bytes hold the key or a long part of it."""
    needles = [key.encode(), key[:16].encode(), key[-16:].encode()]
    found = [f"printed: {printed!r}"] if any(n.decode() in printed for n in needles) else []
    for path in sorted(tmp_path.rglob("*")):  # the SQLite db with its -wal/-shm files included
        if path.is_file() and any(n in path.read_bytes() for n in needles):
            found.append(str(path.relative_to(tmp_path)))
    return found


def test_key_from_flag_is_used_but_never_stored_or_shown(tmp_path: Path) -> None:
    with FakeOpenAI() as server:
        server.script("m", [submission(SECURE_APP), verdict("approved")])
        printed = devsecbots(
            tmp_path,
            "build",
            "an upload app",
            "--out",
            str(tmp_path / "out"),
            "--model",
            "m",
            "--base-url",
            server.base_url,
            "--api-key",
            FLAG_KEY,
            "--analyzers",
            "bandit",
        )
        used = {r.api_key for r in server.requests}
    thread = THREAD.search(printed) or __import__("re").search(r"thread (\S+)", printed)
    printed += devsecbots(tmp_path, "runs")
    printed += devsecbots(tmp_path, "history", thread.group(1), "--format", "json")
    assert used == {FLAG_KEY}
    assert (tmp_path / "out" / "devsecbots-report.json").exists()
    assert (tmp_path / "runs.sqlite").stat().st_size > 0
    assert leaks(tmp_path, printed, FLAG_KEY) == []


def test_key_from_env_survives_a_failure_and_resume_without_leaking(
    capsys, monkeypatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", ENV_KEY)
    echo = f"Incorrect API key provided: {ENV_KEY}. You can find your API key at ..."
    with FakeOpenAI() as server:
        server.script("m", [submission(SECURE_APP), Fault.status(503, message=echo)])
        server.default("m", Fault.status(503, message=echo))
        failed = run_cli(
            capsys,
            "build",
            "an upload app",
            "--out",
            str(tmp_path / "out"),
            "--model",
            "m",
            "--base-url",
            server.base_url,
            "--max-retries",
            "0",
            "--analyzers",
            "bandit",
        )
        assert failed.code == 3 and failed.thread_id, failed.stderr
        server.reset()
        server.script("m", [verdict("approved")])
        resumed = run_cli(capsys, "resume", failed.thread_id)
        used = {r.api_key for r in server.requests}
    printed = failed.stdout + failed.stderr + resumed.stdout + resumed.stderr
    assert used == {ENV_KEY}
    assert (tmp_path / "out" / "app.py").read_text() == SECURE_APP
    assert leaks(tmp_path, printed, ENV_KEY) == []


def test_a_server_error_echoing_the_key_is_redacted(capsys, tmp_path: Path) -> None:
    echo = f"Incorrect API key provided: {FLAG_KEY}."
    with FakeOpenAI() as server:
        server.default("m", Fault.status(401, message=echo))
        run = run_cli(
            capsys,
            "build",
            "x",
            "--out",
            str(tmp_path / "out"),
            "--model",
            "m",
            "--base-url",
            server.base_url,
            "--api-key",
            FLAG_KEY,
        )
    printed = run.stdout + run.stderr
    assert "rejected the API key" in printed
    assert leaks(tmp_path, printed, FLAG_KEY) == []


def test_review_outputs_hold_no_key(capsys, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", ENV_KEY)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(INSECURE_APP)
    printed = ""
    with FakeOpenAI() as server:
        server.default("m", verdict("changes_requested"))
        for fmt in ("text", "json", "sarif"):
            run = run_cli(
                capsys,
                "review",
                str(tmp_path / "src"),
                "--model",
                "m",
                "--base-url",
                server.base_url,
                "--analyzers",
                "bandit",
                "--format",
                fmt,
                "--output",
                str(tmp_path / f"review.{fmt}"),
            )
            printed += run.stdout + run.stderr
        assert len(server.requests) == 3
    assert (tmp_path / "review.sarif").stat().st_size > 0
    assert leaks(tmp_path, printed, ENV_KEY) == []
