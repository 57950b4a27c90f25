"""A run killed with SIGKILL mid-round resumes from its last checkpoint: same final files and
verdict as an uninterrupted run, and no model call repeated for a node that had finished."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from devsecbots.graphs.devsec import build_graph

from devsecbots.store import open_checkpointer, thread_config
from devsecbots.testing import FakeOpenAI, Fault
from tests.conftest import cli, cli_env
from tests.durable.helpers import API_KEY, STORY_FLAGS, THREAD, comparable_report, run, tree
from tests.story import SECURE_APP, flask_upload_story

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def _uninterrupted(tmp_path: Path) -> tuple[Path, Path]:
    """The reference: the same story, run to the end without a crash."""
    out, report = tmp_path / "ref", tmp_path / "ref.json"
    with FakeOpenAI() as server:
        for model, replies in flask_upload_story().items():
            server.script(model, replies)
        done = run(
            "build",
            "a Flask app for file upload",
            "--out",
            str(out),
            "--report",
            str(report),
            *STORY_FLAGS,
            "--base-url",
            server.base_url,
            "--no-persist",
        )
    assert done.code == 0, done.text
    return out, report


def _wait_for(predicate, seconds: float, what: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if proc.poll() is not None:
            pytest.fail(f"the run ended (exit {proc.returncode}) before {what}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_sigkill_during_second_review_then_resume(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    ref_out, ref_report = _uninterrupted(tmp_path)

    story = flask_upload_story()
    fake_openai.script("dev-model", story["dev-model"])
    # SecBot's 2nd call hangs: the process is then known to sit inside round 2's review.
    sec_replies = story["sec-model"]
    fake_openai.script("sec-model", [sec_replies[0], Fault.hang(120), *sec_replies[1:]])
    db, out, report, log = (tmp_path / n for n in ("runs.sqlite", "out", "out.json", "run.log"))
    with log.open("w") as sink:
        proc = subprocess.Popen(
            cli(
                "build",
                "a Flask app for file upload",
                "--out",
                str(out),
                "--report",
                str(report),
                *STORY_FLAGS,
                "--base-url",
                fake_openai.base_url,
                "--db",
                str(db),
            ),
            env=cli_env(OPENAI_API_KEY=API_KEY, COLUMNS="200"),
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        sec_calls = lambda: sum(r.model == "sec-model" for r in fake_openai.requests)  # noqa: E731
        _wait_for(lambda: sec_calls() == 2, 120, "SecBot's second call", proc)
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=10) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
    thread_id = THREAD.search(log.read_text()).group(1)
    assert not out.exists(), "a killed run must not have written results"

    # What the store holds: round 2's DevBot answer is saved; SecBot's review is next.
    with open_checkpointer(str(db), must_exist=True) as saver:
        snap = build_graph(saver).get_state(thread_config(thread_id))
    assert snap.next == ("review",) and snap.values["round"] == 2
    before = Counter(r.model for r in fake_openai.requests)
    assert before == {"dev-model": 2, "sec-model": 2}

    resumed = run("resume", thread_id, "--db", str(db))
    assert resumed.code == 0, resumed.text
    assert f"resuming thread {thread_id}" in resumed.stdout

    # Same result as the uninterrupted run: files, verdict, rounds, findings, usage.
    assert tree(out) == tree(ref_out)
    assert comparable_report(report) == comparable_report(ref_report)
    data = json.loads(report.read_text())
    assert data["thread_id"] == thread_id
    assert data["models"]["base_url"] == fake_openai.base_url  # came back from the metadata
    # No finished node asked its model again: DevBot 3 calls in all (rounds 1-3), SecBot 4 =
    # round 1, the killed round-2 call, its one retry after resume, round 3.
    after = Counter(r.model for r in fake_openai.requests)
    assert after == {"dev-model": 3, "sec-model": 4}
    sec = [r for r in fake_openai.requests if r.model == "sec-model"]
    assert sec[2].messages == sec[1].messages, "the resumed review must see the saved round-2 code"
    stored = [p for p in tmp_path.glob("runs.sqlite*") if p.is_file()]  # + WAL, journal
    stored += list(tmp_path.glob("runs.sqlite.locks/*"))  # thread locks (devsecbots/locks.py)
    for path in stored:  # the API key never went to disk
        assert API_KEY.encode() not in path.read_bytes()


def test_resume_after_finish_is_refused_and_keeps_the_checkpoints(fake_openai, tmp_path) -> None:
    for model, replies in flask_upload_story().items():
        fake_openai.script(model, replies)
    db, out = tmp_path / "runs.sqlite", tmp_path / "out"
    done = run(
        "build",
        "a Flask app for file upload",
        "--out",
        str(out),
        *STORY_FLAGS,
        "--base-url",
        fake_openai.base_url,
        "--db",
        str(db),
    )
    assert done.code == 0, done.text
    with open_checkpointer(str(db), must_exist=True) as saver:
        count = len(list(saver.list(thread_config(done.thread_id))))
    again = run("resume", done.thread_id, "--db", str(db))
    assert again.code == 2
    assert "already finished (approved after 3 round(s))" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1 and "Traceback" not in again.text
    with open_checkpointer(str(db), must_exist=True) as saver:
        assert len(list(saver.list(thread_config(done.thread_id)))) == count
    assert len(fake_openai.requests) == 6
    # The report is written last; without it (a crash while writing) resume writes the results.
    (out / "devsecbots-report.json").unlink()
    (out / "app.py").write_text("half-written")
    rewritten = run("resume", done.thread_id, "--db", str(db))
    assert rewritten.code == 0, rewritten.text
    assert "a crash kept its results from being written" in rewritten.stdout
    assert (out / "app.py").read_text() == SECURE_APP
    assert json.loads((out / "devsecbots-report.json").read_text())["status"] == "approved"
    assert len(fake_openai.requests) == 6  # no model asked again


def test_ctrl_c_exits_at_once_and_resume_completes(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    """Ctrl-C during a model call that would hang for minutes: exit 3 at once, resumable."""
    story = flask_upload_story()
    fake_openai.script("dev-model", story["dev-model"])
    sec_replies = story["sec-model"]
    fake_openai.script("sec-model", [sec_replies[0], Fault.hang(120), *sec_replies[1:]])
    db, out = tmp_path / "runs.sqlite", tmp_path / "out"
    proc = subprocess.Popen(
        cli(
            "build",
            "a Flask app for file upload",
            "--out",
            str(out),
            *STORY_FLAGS,
            "--base-url",
            fake_openai.base_url,
            "--db",
            str(db),
        ),
        env=cli_env(OPENAI_API_KEY=API_KEY, COLUMNS="200"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        sec_calls = lambda: sum(r.model == "sec-model" for r in fake_openai.requests)  # noqa: E731
        _wait_for(lambda: sec_calls() == 2, 120, "SecBot's second call", proc)
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert time.monotonic() - started < 10, "Ctrl-C must not wait for the hung model call"
    assert proc.returncode == 3
    thread_id = THREAD.search(stdout).group(1)
    assert stderr.strip() == f"error: interrupted; resume with `devsecbots resume {thread_id}`"
    resumed = run("resume", thread_id, "--db", str(db))
    assert resumed.code == 0, resumed.text
    assert Counter(r.model for r in fake_openai.requests) == {"dev-model": 3, "sec-model": 4}
    assert json.loads((out / "devsecbots-report.json").read_text())["status"] == "approved"
