"""Bad run stores and thread ids: one clear line, exit 2, and no checkpoint lost or rewritten."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from devsecbots.graphs.devsec import build_graph

from devsecbots.store import open_checkpointer, thread_config
from devsecbots.testing import free_port
from tests.durable.helpers import Done, run, run_here

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]
CLEAN = "def add(a, b):\n    return a + b\n"


def _one_line_exit_2(done: Done, *needles: str) -> None:
    assert done.code == 2, done.text
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), done.stderr
    assert "Traceback" not in done.text
    for needle in needles:
        assert needle in lines[0], lines[0]


def _harden(capsys, tmp_path: Path, db: str, *extra: str) -> Done:
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    (src / "calc.py").write_text(CLEAN)
    out = tmp_path / f"out{len(list(tmp_path.glob('out*')))}"
    args = (
        "harden",
        str(src),
        "--out",
        str(out),
        "--offline",
        "--analyzers",
        "bandit",
        "--no-tests",
        "--db",
        db,
        *extra,
    )
    return run_here(capsys, *args) if capsys else run(*args)


@pytest.fixture
def stored_run(capsys, tmp_path: Path) -> tuple[Path, str]:
    """A database with one finished run in it."""
    db = tmp_path / "runs.sqlite"
    done = _harden(capsys, tmp_path, str(db))
    assert done.code == 0, done.text
    return db, done.thread_id


def test_unknown_thread(capsys, stored_run) -> None:
    db, _ = stored_run
    for command in ("resume", "history"):
        done = run_here(capsys, command, "no-such-thread", "--db", str(db))
        _one_line_exit_2(done, "unknown thread")


def test_missing_database_is_not_created(capsys, tmp_path: Path) -> None:
    db = tmp_path / "typo.sqlite"
    for command in ("resume", "history"):
        done = run_here(capsys, command, "some-thread", "--db", str(db))
        _one_line_exit_2(done, "no run database at")
    listing = run_here(capsys, "runs", "--db", str(db))
    assert listing.code == 0 and "no runs stored yet" in listing.stdout
    assert not db.exists()


@pytest.mark.parametrize(
    "content", [b"this is not a database\n" * 50, b"SQLite format 3\x00" + b"\xff" * 4000]
)
def test_corrupt_database_is_left_untouched(capsys, tmp_path: Path, content: bytes) -> None:
    db = tmp_path / "runs.sqlite"
    db.write_bytes(content)
    _one_line_exit_2(_harden(capsys, tmp_path, str(db)), str(db))
    _one_line_exit_2(run_here(capsys, "resume", "t", "--db", str(db)))
    _one_line_exit_2(run_here(capsys, "runs", "--db", str(db)))
    assert db.read_bytes() == content
    assert not list(tmp_path.glob("out*/*")), "nothing may be written on bad input"


def test_someone_elses_sqlite_file_is_refused(capsys, tmp_path: Path) -> None:
    db = tmp_path / "app.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
    before = db.read_bytes()
    _one_line_exit_2(_harden(capsys, tmp_path, str(db)), "something else", "users")
    assert db.read_bytes() == before


def test_locked_database(capsys, stored_run, tmp_path: Path) -> None:
    db, thread_id = stored_run
    holder = sqlite3.connect(db, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        _one_line_exit_2(_harden(capsys, tmp_path, str(db)), "locked by another program")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    history = run_here(capsys, "history", thread_id, "--db", str(db), "--format", "json")
    assert history.code == 0 and '"approved"' in history.stdout  # the old run is intact
    assert _harden(capsys, tmp_path, str(db)).code == 0  # and the store works again


@pytest.mark.parametrize(
    "where", ["/proc/devsecbots-test/runs.sqlite", "{file}/runs.sqlite", "{dir}"]
)
def test_unwritable_location(capsys, tmp_path: Path, where: str) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    db = where.format(file=blocker, dir=tmp_path)
    _one_line_exit_2(_harden(capsys, tmp_path, db))


def test_unreachable_postgres_hides_the_password(capsys, tmp_path: Path) -> None:
    url = f"postgresql://ci:s3cret-pw@127.0.0.1:{free_port()}/runs"
    done = _harden(None, tmp_path, url)  # a real process: its whole output is checked
    _one_line_exit_2(done, "cannot connect to Postgres at postgresql://ci:***@127.0.0.1")
    assert "s3cret-pw" not in done.text
    _one_line_exit_2(run_here(capsys, "history", "t", "--db", url), "cannot connect to Postgres")


def test_decision_options_are_checked(capsys, stored_run) -> None:
    db, thread_id = stored_run
    done = run_here(capsys, "resume", thread_id, "--db", str(db), "--comment", "x")
    _one_line_exit_2(done, "--decision")
    _one_line_exit_2(
        run_here(capsys, "resume", thread_id, "--db", str(db), "--decision", "maybe"),
        "approve, reject, stop",
    )
    _one_line_exit_2(
        run_here(capsys, "resume", thread_id, "--db", str(db), "--decision", "reject"),
        "needs a comment",
    )


def test_thread_not_started_by_the_cli(capsys, tmp_path: Path) -> None:
    db = tmp_path / "runs.sqlite"
    with open_checkpointer(str(db)) as saver:
        graph = build_graph(saver)
        graph.update_state(thread_config("made-in-a-notebook"), {"request": "x"}, as_node="develop")
    done = run_here(capsys, "resume", "made-in-a-notebook", "--db", str(db))
    _one_line_exit_2(done, "not started by")


def test_history_round_out_of_range(capsys, stored_run, tmp_path: Path) -> None:
    db, thread_id = stored_run
    done = run_here(
        capsys, "history", thread_id, "--db", str(db), "--round", "7", "--out", str(tmp_path / "r")
    )
    _one_line_exit_2(done, "has no round 7", "rounds completed: 1")
    done = run_here(capsys, "history", thread_id, "--db", str(db), "--round", "1")
    _one_line_exit_2(done, "go together")
