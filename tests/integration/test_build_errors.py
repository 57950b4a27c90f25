"""Bad input and model misbehaviour on `devsecbots build`: one line, right exit code, no writes."""

from __future__ import annotations

import subprocess
from pathlib import Path

from devsecbots.testing import free_port
from tests.conftest import cli, cli_env
from tests.story import SECURE_APP, submission, verdict


def run_build(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        cli("build", *args), env=cli_env(**env), capture_output=True, text=True, timeout=120
    )


def assert_one_line_error(run: subprocess.CompletedProcess, code: int, *needles: str) -> None:
    assert run.returncode == code, run.stdout + run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), run.stderr
    assert "Traceback" not in run.stderr + run.stdout
    for needle in needles:
        assert needle in lines[0]


def test_no_model_configured_says_how_to_configure_one(tmp_path: Path) -> None:
    run = run_build("a todo app", "--out", str(tmp_path / "o"))
    assert_one_line_error(run, 2, "--model", "harden")
    assert not (tmp_path / "o").exists()


def test_empty_request(tmp_path: Path) -> None:
    assert_one_line_error(run_build("  ", "--out", str(tmp_path / "o"), "--model", "m"), 2, "empty")


def test_out_pointing_at_a_file(tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    target.write_text("keep me")
    run = run_build(
        "x", "--out", str(target), "--model", "m", "--base-url", "http://127.0.0.1:9/v1"
    )
    assert_one_line_error(run, 2, "not a directory")
    assert target.read_text() == "keep me"


def test_unreachable_server_exits_3_with_resume_hint(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    run = run_build("x", "--out", str(tmp_path / "o"), "--model", "m", "--base-url", url)
    assert_one_line_error(run, 3, "cannot reach", "devsecbots resume")
    assert not (tmp_path / "o").exists()


def test_invalid_output_is_reasked_once_then_exit_3(fake_openai, tmp_path: Path) -> None:
    fake_openai.script("m", [{"summary": "no files key"}, {"files": "not a list"}])
    run = run_build(
        "x", "--out", str(tmp_path / "o"), "--model", "m", "--base-url", fake_openai.base_url
    )
    assert_one_line_error(run, 3, "invalid output twice")
    assert len(fake_openai.requests) == 2
    assert "could not be used" in str(fake_openai.requests[1].messages[-1])
    assert not (tmp_path / "o").exists()


def test_one_invalid_answer_is_recovered_by_the_reask(fake_openai, tmp_path: Path) -> None:
    fake_openai.script("m", [{"oops": True}, submission(SECURE_APP), verdict("approved")])
    run = run_build(
        "x",
        "--out",
        str(tmp_path / "o"),
        "--model",
        "m",
        "--base-url",
        fake_openai.base_url,
        "--no-persist",
    )
    assert run.returncode in (0, 1), run.stderr
    assert (tmp_path / "o" / "app.py").read_text() == SECURE_APP


def test_paths_escaping_out_are_refused_and_nothing_is_written(fake_openai, tmp_path: Path) -> None:
    evil = {
        "files": [
            {"path": "../escaped.py", "content": "x"},
            {"path": "/tmp/abs.py", "content": "x"},
        ]
    }
    fake_openai.script("m", [evil, evil])
    out = tmp_path / "box" / "out"
    run = run_build("x", "--out", str(out), "--model", "m", "--base-url", fake_openai.base_url)
    assert_one_line_error(run, 3, "..")
    assert [p.name for p in tmp_path.rglob("*") if not p.name.startswith("runs.sqlite")] == []
