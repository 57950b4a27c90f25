"""Crash safety: `kill -9` at every node boundary, and while the output files are written.

A two-round story (DevBot's insecure app, changes requested, its secure app, approved) is killed
at the start of each node in turn — each time in the process that is resuming the previous crash —
and finally resumed to the end: the result is the uninterrupted run's, and no model call is made
twice. Output files are renamed into place, so a reader never sees a half-written one.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from devsecbots.testing import FakeOpenAI
from tests.conftest import cli_env
from tests.reliability.helpers import checkpoints, run_cli, tree
from tests.story import INSECURE_APP, ROUND1_FINDINGS, SECURE_APP, submission, verdict

BOUNDARIES = [
    "develop:1",
    "review:1",
    "approval_check:1",
    "develop:2",
    "review:2",
    "approval_check:2",
]
EXPECTED = {f["path"]: f["content"] for f in submission(SECURE_APP)["files"]}
REPORTS = {"SECURITY-REPORT.md", "devsecbots-report.json"}


def story(server: FakeOpenAI) -> None:
    """Replies chosen by what is asked, so a repeated call would get the same answer."""
    server.default(
        "dev",
        lambda body: submission(
            SECURE_APP if "Revise the program" in json.dumps(body["messages"]) else INSECURE_APP
        ),
    )
    server.default(
        "sec",
        lambda body: (
            verdict("changes_requested", ROUND1_FINDINGS)
            if "0.0.0.0" in json.dumps(body["messages"])
            else verdict("approved")
        ),
    )


def launch(tmp_path: Path, spec: str, *args: str) -> subprocess.CompletedProcess:
    """The CLI in a subprocess that SIGKILLs itself at `spec` (see crash_launcher)."""
    env = cli_env(DEVSECBOTS_DB=str(tmp_path / "runs.sqlite"), PYTHONUNBUFFERED="1")
    return subprocess.run(
        [sys.executable, "-m", "tests.reliability.crash_launcher", spec, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def build_args(server: FakeOpenAI, out: Path) -> list[str]:
    return [
        "build",
        "an upload app",
        "--out",
        str(out),
        "--dev-model",
        "dev",
        "--sec-model",
        "sec",
        "--base-url",
        server.base_url,
        "--analyzers",
        "bandit",
        "--max-retries",
        "0",
    ]


def thread_of(run: subprocess.CompletedProcess) -> str:
    match = re.search(r"thread (\S{36})", run.stdout)
    assert match, run.stdout + run.stderr
    return match.group(1)


def test_kill_at_every_node_boundary_then_resume_completes(capsys, tmp_path: Path) -> None:
    out, db = tmp_path / "out", tmp_path / "runs.sqlite"
    with FakeOpenAI() as server:
        story(server)
        first = launch(tmp_path, BOUNDARIES[0], *build_args(server, out))
        assert first.returncode == -signal.SIGKILL, first.stdout + first.stderr
        thread = thread_of(first)
        saved = checkpoints(db, thread)
        for boundary in BOUNDARIES[1:]:  # each crash happens inside the previous one's resume
            crashed = launch(tmp_path, boundary, "resume", thread)
            assert crashed.returncode == -signal.SIGKILL, crashed.stdout + crashed.stderr
            assert checkpoints(db, thread) > saved, f"no progress before {boundary}"
            saved = checkpoints(db, thread)
            assert not out.exists()  # nothing is written before the run ends
        final = run_cli(capsys, "resume", thread)
        calls = [r.model for r in server.requests]
    assert final.code == 0, final.stdout + final.stderr
    assert calls == ["dev", "sec", "dev", "sec"]  # no model call was repeated
    report = json.loads((out / "devsecbots-report.json").read_text())
    assert report["status"] == "approved" and report["rounds"] == 2
    assert [r["verdict"] for r in report["history"]] == ["changes_requested", "approved"]
    for path, content in EXPECTED.items():
        assert (out / path).read_text() == content


def kill_while_writing(tmp_path: Path, out: Path, renames: int) -> tuple[str, list[str]]:
    """Run the story, dying before the `renames`-th file lands in out; (thread, files seen)."""
    with FakeOpenAI() as server:
        story(server)
        run = launch(tmp_path, f"replace:{renames}:{out}", *build_args(server, out))
    assert run.returncode == -signal.SIGKILL, run.stdout + run.stderr
    return thread_of(run), tree(out)


def whole_files_only(out: Path, seen: list[str], renames: int) -> None:
    visible = [p for p in seen if (out / p).is_file() and not Path(p).name.startswith(".")]
    assert len(visible) == renames - 1  # the files renamed before the crash, no more
    for path in visible:
        if path in EXPECTED:
            assert (out / path).read_text() == EXPECTED[path]  # whole, never half-written
        else:
            assert path in REPORTS
    # The JSON report is written last: its absence tells a reader the run did not finish.
    assert "devsecbots-report.json" not in visible


@pytest.fixture(scope="module")
def crashed_while_writing(tmp_path_factory) -> tuple[Path, str, list[str]]:
    """One run killed after its first output file was renamed into place: (dir, thread, tree)."""
    tmp = tmp_path_factory.mktemp("crashed")
    thread, seen = kill_while_writing(tmp, tmp / "out", 2)
    return tmp, thread, seen


def test_a_crash_while_writing_leaves_only_whole_files(crashed_while_writing) -> None:
    tmp, _thread, seen = crashed_while_writing
    whole_files_only(tmp / "out", seen, 2)


def test_a_crash_while_writing_the_report_leaves_the_files_whole(tmp_path: Path) -> None:
    _thread, seen = kill_while_writing(tmp_path, tmp_path / "out", 5)
    whole_files_only(tmp_path / "out", seen, 5)


def test_after_a_crash_while_writing_history_restores_the_files(
    crashed_while_writing, capsys
) -> None:
    tmp, thread, seen = crashed_while_writing
    out = tmp / "out"
    assert any(p.endswith(".tmp") for p in seen)  # the killed write's temporary file
    run = run_cli(
        capsys,
        "history",
        thread,
        "--db",
        str(tmp / "runs.sqlite"),
        "--round",
        "2",
        "--out",
        str(out),
    )
    assert run.code == 0, run.stderr
    for path, content in EXPECTED.items():
        assert (out / path).read_text() == content
    assert not [p for p in tree(out) if p.endswith(".tmp")]  # cleaned up by the rewrite


def test_after_a_crash_while_writing_resume_completes(tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    thread, _seen = kill_while_writing(tmp_path, out, 3)
    run = run_cli(capsys, "resume", thread, "--db", str(tmp_path / "runs.sqlite"))
    assert run.code == 0, run.stderr
    for path, content in EXPECTED.items():
        assert (out / path).read_text() == content
    report = json.loads((out / "devsecbots-report.json").read_text())
    assert report["status"] == "approved" and report["rounds"] == 2
    assert not [p for p in tree(out) if p.endswith(".tmp")]
