"""Human review and history through the CLI: pause (exit 3), `resume --decision`, time travel."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import time
from pathlib import Path

import pytest
from devsecbots.graphs.context import Context
from devsecbots.graphs.devsec import build_graph
from langgraph.types import Command

from devsecbots.store import encode_metadata, open_checkpointer, thread_config
from tests.conftest import cli, cli_env
from tests.durable.helpers import API_KEY, STORY_FLAGS, Done, run, run_here
from tests.story import (
    INSECURE_APP,
    PARTLY_FIXED_APP,
    SECURE_APP,
    SECURE_TEMPLATE,
    flask_upload_story,
    submission,
    verdict,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(400)]


def _build(server, tmp_path: Path, *extra: str) -> tuple[Done, Path, Path]:
    db, out = tmp_path / "runs.sqlite", tmp_path / "out"
    done = run(
        "build",
        "a Flask app for file upload",
        "--out",
        str(out),
        *STORY_FLAGS,
        "--base-url",
        server.base_url,
        "--db",
        str(db),
        *extra,
    )
    return done, db, out


def _paused(done: Done, round_no: int) -> None:
    assert done.code == 3, done.text
    assert f"paused for human review in round {round_no}" in done.stderr
    assert f"devsecbots resume {done.thread_id} --decision" in done.stderr
    assert "human review · round" in done.stdout  # what the person is asked to approve


def test_approve_then_history_and_time_travel(fake_openai, tmp_path: Path) -> None:
    for model, replies in flask_upload_story().items():
        fake_openai.script(model, replies)
    first, db, out = _build(fake_openai, tmp_path, "--human-review")
    _paused(first, 3)
    assert not out.exists()
    thread = first.thread_id
    listing = run("runs", "--db", str(db), "--format", "json")
    row = json.loads(listing.stdout)[0]
    assert (row["thread_id"], row["state"], row["command"]) == (
        thread,
        "paused for review",
        "build",
    )
    no_answer = run("resume", thread, "--db", str(db))
    assert no_answer.code == 2 and "waiting for a human decision" in no_answer.stderr

    done = run("resume", thread, "--db", str(db), "--decision", "approve", "--comment", "lgtm")
    assert done.code == 0, done.text
    report = json.loads((out / "devsecbots-report.json").read_text())
    assert report["status"] == "approved" and "approved by a person" in report["reason"]
    assert (out / "app.py").read_text() == SECURE_APP
    assert len(fake_openai.requests) == 6  # the pause and resume asked no model again

    history = json.loads(run("history", thread, "--db", str(db), "--format", "json").stdout)
    rounds = history["rounds"]
    assert [r["verdict"] for r in rounds] == ["changes_requested", "changes_requested", "approved"]
    assert {r["devbot"] for r in rounds} == {"dev-model"}
    assert {r["secbot"] for r in rounds} == {"sec-model"}
    assert rounds[2]["human"] == "approve: lgtm" and rounds[0]["human"] == ""
    assert rounds[0]["files_changed"] == ["app.py", "requirements.txt", "templates/upload.html"]
    assert rounds[1]["blocking"] >= 1 and rounds[2]["blocking"] == 0
    assert all(r["tokens"] > 0 for r in rounds)
    billed = fake_openai.billed
    assert sum(r["tokens"] for r in rounds) == billed["input_tokens"] + billed["output_tokens"]
    text = run("history", thread, "--db", str(db))
    assert text.code == 0 and "DevBot dev-model → SecBot sec-model" in text.stdout

    for round_no, app in ((1, INSECURE_APP), (2, PARTLY_FIXED_APP), (3, SECURE_APP)):
        restored = tmp_path / f"round{round_no}"
        done = run(
            "history", thread, "--db", str(db), "--round", str(round_no), "--out", str(restored)
        )
        assert done.code == 0, done.text
        assert (restored / "app.py").read_text() == app
        assert sorted(p.name for p in restored.rglob("*") if p.is_file()) == [
            "app.py",
            "requirements.txt",
            "upload.html",
        ]


def test_reject_goes_round_again_then_stop(fake_openai, tmp_path: Path) -> None:
    story = flask_upload_story()
    revised = SECURE_APP.replace('UPLOAD_FOLDER = "uploads"', 'UPLOAD_FOLDER = "/srv/uploads"')
    fake_openai.script("dev-model", [*story["dev-model"], submission(revised, SECURE_TEMPLATE)])
    fake_openai.script("sec-model", [*story["sec-model"], verdict("approved")])
    first, db, out = _build(fake_openai, tmp_path, "--human-review")
    _paused(first, 3)
    comment = "Keep uploads out of the working directory"
    again = run(
        "resume", first.thread_id, "--db", str(db), "--decision", "reject", "--comment", comment
    )
    _paused(again, 4)
    dev_round4 = [r for r in fake_openai.requests if r.model == "dev-model"][-1]
    assert comment in json.dumps(dev_round4.messages)
    stopped = run("resume", first.thread_id, "--db", str(db), "--decision", "stop")
    assert stopped.code == 1, stopped.text
    report = json.loads((out / "devsecbots-report.json").read_text())
    assert report["run_status"] == "stopped" and report["status"] == "not_approved"
    assert [r["verdict"] for r in report["history"]][2:] == ["changes_requested", "stopped"]
    assert (out / "app.py").read_text() == revised


def test_interactive_prompt_in_a_terminal(fake_openai, tmp_path: Path) -> None:
    for model, replies in flask_upload_story().items():
        fake_openai.script(model, replies)
    out = tmp_path / "out"
    main, child = pty.openpty()
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
            str(tmp_path / "runs.sqlite"),
            "--human-review",
        ),
        env=cli_env(OPENAI_API_KEY=API_KEY, TERM="dumb", COLUMNS="200"),
        stdin=child,
        stdout=child,
        stderr=child,
        close_fds=True,
    )
    os.close(child)
    seen = b""

    def expect(pattern: bytes, seconds: float = 150) -> None:
        nonlocal seen
        deadline = time.monotonic() + seconds
        while not re.search(pattern, seen):
            assert time.monotonic() < deadline, seen.decode(errors="replace")[-2000:]
            if select.select([main], [], [], 0.2)[0]:
                try:
                    seen += os.read(main, 65536)
                except OSError:  # the child closed the terminal
                    break

    try:
        expect(rb"approve, reject \(with a comment for DevBot\) or stop\?")
        os.write(main, b"approve\n")
        expect(rb"comment \(optional\)")
        os.write(main, b"ship it\n")
        assert proc.wait(timeout=120) == 0, seen.decode(errors="replace")[-2000:]
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(main)
    report = json.loads((out / "devsecbots-report.json").read_text())
    assert report["status"] == "approved" and report["history"][-1]["note"].endswith("ship it")


def test_comments_and_requests_are_shown_as_text_not_markup(capsys, tmp_path: Path) -> None:
    """history and runs print a person's comment or a request with [brackets] as typed."""
    db, comment = tmp_path / "runs.sqlite", "[/bold] keep [red]add[/red] pure"
    settings = {"command": "harden", "out": str(tmp_path / "out"), "offline": True}
    ctx = Context(offline=True, human_review=True, analyzers=("bandit",), run_tests=False)
    with open_checkpointer(str(db)) as saver:  # the graph API, as a notebook would run it
        graph = build_graph(saver)
        meta = encode_metadata({"devsecbots": settings})
        config = {**thread_config("t-markup"), "metadata": meta}
        graph.invoke(
            {"request": "harden [/red] this", "files": {"calc.py": "x = 1\n"}}, config, context=ctx
        )
        graph.invoke(
            Command(resume={"decision": "reject", "comment": comment}), config, context=ctx
        )
    history = run_here(capsys, "history", "t-markup", "--db", str(db))
    assert history.code == 0, history.text
    assert "[/bold] keep [red]add[/red]" in " ".join(history.stdout.replace("│", " ").split())
    listing = run_here(capsys, "runs", "--db", str(db))
    assert listing.code == 0 and "harden [/red] this" in listing.stdout, listing.text
