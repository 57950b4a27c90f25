"""`devsecbots harden`: the offline demo, and every kind of bad input (exit 2, input untouched)."""

from __future__ import annotations

import ast
import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from devsecbots.nodes.analyzers.bandit_runner import run_bandit

from tests.conftest import ROOT, cli, cli_env

EXAMPLE = ROOT / "examples" / "flask_upload"


def harden(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        cli("harden", *args), env=cli_env(), capture_output=True, text=True, timeout=300
    )


def tree_digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def one_error_line(run: subprocess.CompletedProcess) -> str:
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), run.stderr
    return lines[0]


@pytest.fixture
def app_copy(tmp_path: Path) -> Path:
    target = tmp_path / "app"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("__pycache__", "uploads"))
    return target


def test_the_demo_ends_approved_with_no_blocking_bandit_finding(tmp_path: Path) -> None:
    before = tree_digest(EXAMPLE)
    out, report = tmp_path / "demo", tmp_path / "report.json"
    run = harden(
        str(EXAMPLE), "--out", str(out), "--offline", "--no-persist", "--report", str(report)
    )
    assert run.returncode == 0, run.stdout + run.stderr
    data = json.loads(report.read_text())
    assert data["status"] == "approved" and data["rounds"] == 2
    sources = {p.relative_to(out).as_posix(): p.read_text() for p in out.rglob("*.py")}
    for path, text in sources.items():
        ast.parse(text, filename=path)
    assert [f for f in run_bandit(sources) if f["severity"] in ("medium", "high")] == []
    assert "secure_filename" in sources["app.py"] and "debug=True" not in sources["app.py"]
    assert tree_digest(EXAMPLE) == before  # the input is never modified
    assert "app.py" in run.stdout and "APPROVED" in run.stdout
    # The example's own tests ran for real, in a venv with Flask built from its requirements.
    assert re.fullmatch(
        r"tests: 2 passed in [\d.]+s \(env: cached venv [0-9a-f]{16}, flask 3\.[\d.]+, "
        r"flask-limiter [\d.]+, flask-wtf [\d.]+; sandbox: (bubblewrap|fallback( \([^)]*\))?)\)",
        data["tests"],
    ), data["tests"]
    assert all("tests: 2 passed" in r["note"] for r in data["history"])
    markdown = (out / "SECURITY-REPORT.md").read_text()
    assert f"**Tests:** {data['tests'].removeprefix('tests: ')}" in markdown


def test_missing_input_path(tmp_path: Path) -> None:
    run = harden(str(tmp_path / "nope"), "--out", str(tmp_path / "o"))
    assert run.returncode == 2 and "no such file" in one_error_line(run)
    assert not (tmp_path / "o").exists()


def test_out_inside_the_input_is_refused(app_copy: Path) -> None:
    before = tree_digest(app_copy)
    run = harden(str(app_copy), "--out", str(app_copy / "hardened"), "--offline")
    assert run.returncode == 2 and "inside the input" in one_error_line(run)
    assert tree_digest(app_copy) == before and not (app_copy / "hardened").exists()


def test_out_or_in_place_must_be_chosen(app_copy: Path) -> None:
    run = harden(str(app_copy), "--offline")
    assert run.returncode == 2 and "--out" in one_error_line(run)


def test_unreadable_files_are_skipped_reported_and_links_not_followed(
    app_copy: Path, tmp_path: Path
) -> None:
    (app_copy / "static").mkdir()
    (app_copy / "static" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    (app_copy / "notes.txt").write_bytes("caf\xe9".encode("latin-1"))
    (app_copy / "huge.py").write_text("x = 1\n" * 200_000)
    secret = tmp_path / "outside-secret.txt"
    secret.write_text("do not copy me")
    (app_copy / "leak.txt").symlink_to(secret)
    out = tmp_path / "out"
    run = harden(
        str(app_copy), "--out", str(out), "--offline", "--no-persist", "--no-tests", "--verbose"
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "skipped static/logo.png: binary file" in run.stdout
    assert "skipped notes.txt: not UTF-8 text" in run.stdout
    assert "skipped huge.py: larger than" in run.stdout
    assert "skipped leak.txt: symlink pointing outside the input" in run.stdout
    assert (out / "static" / "logo.png").read_bytes() == (
        app_copy / "static" / "logo.png"
    ).read_bytes()
    assert not (out / "leak.txt").exists()
    skipped = {
        s["path"] for s in json.loads((out / "devsecbots-report.json").read_text())["skipped"]
    }
    assert {"static/logo.png", "notes.txt", "huge.py", "leak.txt"} <= skipped


def test_in_place_edits_the_input(app_copy: Path) -> None:
    run = harden(str(app_copy), "--in-place", "--offline", "--no-persist", "--no-tests")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "secure_filename" in (app_copy / "app.py").read_text()


def test_unfixable_finding_is_reported_not_dropped(tmp_path: Path) -> None:
    src = tmp_path / "svc"
    src.mkdir()
    (src / "svc.py").write_text(
        "import pickle\n\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n"
        "@app.route('/load', methods=['POST'])\ndef load():\n"
        "    return str(pickle.loads(request.data))\n"
    )
    run = harden(str(src), "--out", str(tmp_path / "o"), "--offline", "--no-persist")
    assert run.returncode == 1, run.stdout + run.stderr
    data = json.loads((tmp_path / "o" / "devsecbots-report.json").read_text())
    assert data["status"] == "not_approved" and data["run_status"] == "stalled"
    assert any("pickle" in f["title"].lower() or f["cwe"] == "CWE-502" for f in data["unfixable"])
    assert "no automatic fix for" in run.stdout
