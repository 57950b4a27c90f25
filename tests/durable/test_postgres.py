"""`--db postgresql://...`: runs, listing, history and resume against a real PostgreSQL server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devsecbots.store import latest_checkpoint, open_checkpointer, recent_threads, run_settings
from tests.durable.helpers import STORY_FLAGS, run
from tests.story import SECURE_APP, flask_upload_story

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def test_offline_run_is_stored_listed_and_restorable(postgres_url: str, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "calc.py").write_text("def add(a, b):\n    return a + b\n")
    done = run(
        "harden",
        str(src),
        "--out",
        str(tmp_path / "out"),
        "--offline",
        "--analyzers",
        "bandit",
        "--no-tests",
        "--db",
        postgres_url,
    )
    assert done.code == 0, done.text
    with open_checkpointer(postgres_url, must_exist=True) as saver:
        assert done.thread_id in recent_threads(saver, 50)
        settings = run_settings(latest_checkpoint(saver, done.thread_id))
    assert settings["command"] == "harden" and settings["offline"] is True
    listing = json.loads(run("runs", "--db", postgres_url, "--format", "json").stdout)
    assert {"thread_id": done.thread_id, "state": "approved"}.items() <= next(
        r for r in listing if r["thread_id"] == done.thread_id
    ).items()
    restored = tmp_path / "r1"
    back = run(
        "history", done.thread_id, "--db", postgres_url, "--round", "1", "--out", str(restored)
    )
    assert back.code == 0, back.text
    assert (restored / "calc.py").read_text() == (src / "calc.py").read_text()


def test_paused_run_resumes_from_postgres_in_another_process(
    postgres_url: str, fake_openai, tmp_path: Path
) -> None:
    for model, replies in flask_upload_story().items():
        fake_openai.script(model, replies)
    out = tmp_path / "out"
    first = run(
        "build",
        "a Flask app for file upload",
        "--out",
        str(out),
        *STORY_FLAGS,
        "--base-url",
        fake_openai.base_url,
        "--db",
        postgres_url,
        "--human-review",
    )
    assert first.code == 3 and "paused for human review in round 3" in first.stderr, first.text
    done = run("resume", first.thread_id, "--db", postgres_url, "--decision", "approve")
    assert done.code == 0, done.text
    assert (out / "app.py").read_text() == SECURE_APP
    assert len(fake_openai.requests) == 6
    again = run("resume", first.thread_id, "--db", postgres_url)
    assert again.code == 2 and "already finished" in again.stderr


def test_one_writer_per_thread_across_connections(postgres_url: str) -> None:
    """The Postgres thread lock (a session advisory lock) refuses a second holder, and frees
    on release: what keeps two `resume`s on two machines from writing one thread."""
    from devsecbots.errors import InputError
    from devsecbots.locks import thread_lock

    with open_checkpointer(postgres_url) as first, open_checkpointer(postgres_url) as second:
        with thread_lock(first, "t-lock"):
            with pytest.raises(InputError, match="being run by another devsecbots process"):
                with thread_lock(second, "t-lock"):
                    pass
            with thread_lock(second, "t-other"):  # other threads are not blocked
                pass
        with thread_lock(second, "t-lock"):
            pass
