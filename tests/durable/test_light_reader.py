"""`runs` and `history` read SQLite runs without LangGraph (devsecbots.storeread): what they
read must be what the compiled graph's `get_state` says, and the output the same either way."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import ormsgpack
import pytest
from devsecbots.graphs.context import Context
from devsecbots.graphs.devsec import build_graph
from langgraph.types import Command

from devsecbots.jobs import runs as runs_job
from devsecbots.store import encode_metadata, open_checkpointer, thread_config
from devsecbots.storeread import Unreadable, decode, latest, light_snapshot, recent_thread_ids
from tests.durable.helpers import run_here

pytestmark = pytest.mark.timeout(300)
CLEAN = {"calc.py": "def add(a, b):\n    return a + b\n"}
OFFLINE = Context(offline=True, analyzers=("bandit",), run_tests=False)
REVIEWED = Context(offline=True, human_review=True, analyzers=("bandit",), run_tests=False)
STOPS = ("develop", "review", "probe", "approval_check")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Runs in every state `runs` shows: finished, paused for review, rejected by a person
    and finished, stopped before each node, and one not started by the CLI."""
    db = tmp_path_factory.mktemp("light") / "runs.sqlite"
    with open_checkpointer(str(db)) as saver:
        graph = build_graph(saver)

        def start(thread: str, ctx: Context, **kwargs) -> dict:
            settings = {"command": "harden", "out": f"/tmp/{thread}", "offline": True}
            config = {
                **thread_config(thread),
                "metadata": encode_metadata({"devsecbots": settings}),
            }
            graph.invoke(
                {"request": f"harden {thread}", "files": CLEAN}, config, context=ctx, **kwargs
            )
            return config

        start("t-done", OFFLINE)
        start("t-paused", REVIEWED)
        config = start("t-rejected", REVIEWED)
        graph.invoke(
            Command(resume={"decision": "reject", "comment": "[b]no[/b]"}), config, context=REVIEWED
        )
        for node in STOPS:
            start(f"t-before-{node}", OFFLINE, interrupt_before=[node])
        graph.update_state(thread_config("t-notebook"), {"request": "x"}, as_node="develop")
    return db


@pytest.fixture(scope="module")
def light_store(store: Path) -> Path:
    """The same runs minus the paused one: every run in it reads without the graph."""
    db = store.with_name("light.sqlite")
    with sqlite3.connect(store) as source, sqlite3.connect(db) as target:
        source.backup(target)
        for table in ("checkpoints", "writes"):
            target.execute(f"DELETE FROM {table} WHERE thread_id = 't-paused'")
    return db


def _threads(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return recent_thread_ids(conn, 100)


def test_the_light_snapshot_is_what_the_graph_says(store: Path) -> None:
    threads = _threads(store)
    assert len(threads) == 4 + len(STOPS)
    taken = []
    with open_checkpointer(str(store), must_exist=True) as saver, sqlite3.connect(store) as conn:
        graph = build_graph(saver)
        for thread in threads:
            stored = latest(conn, thread)
            assert stored is not None
            light = light_snapshot(stored.checkpoint, stored.pending_writes)
            full = graph.get_state(thread_config(thread))
            if light is None:  # only runs with pending writes take the graph
                assert stored.pending_writes and full.interrupts, thread
                taken.append(thread)
                continue
            assert light.values == full.values, thread
            assert light.next == full.next, thread
            assert light.interrupts == full.interrupts == (), thread
            assert light.created_at == full.created_at, thread
            assert stored.metadata == saver.get_tuple(thread_config(thread)).metadata
            if thread.startswith("t-before-"):
                assert light.next == (thread.removeprefix("t-before-"),)
    assert taken == ["t-paused"]


@pytest.mark.parametrize(
    "args",
    [
        ("runs",),
        ("runs", "--format", "json"),
        ("runs", "--limit", "3"),
        ("history", "t-done"),
        ("history", "t-done", "--format", "json"),
        ("history", "t-before-probe", "--format", "json"),
        ("history", "t-rejected"),
        ("history", "t-notebook"),
        ("history", "no-such-thread"),
    ],
)
def test_the_output_is_the_same_with_the_graph(
    capsys, monkeypatch: pytest.MonkeyPatch, light_store: Path, args: tuple[str, ...]
) -> None:
    with monkeypatch.context() as patch:  # the light reader alone
        for name in ("_rows_from_graph", "_history_from_graph"):
            patch.setattr(runs_job, name, _no_graph)
        light = run_here(capsys, *args, "--db", str(light_store))
    monkeypatch.setattr(runs_job, "light_snapshot", lambda *_: None)  # every run takes the graph
    full = run_here(capsys, *args, "--db", str(light_store))
    assert (light.code, light.stdout, light.stderr) == (full.code, full.stdout, full.stderr)
    assert light.code in (0, 2), light.text


def _no_graph(*_args: object) -> None:
    raise AssertionError("the compiled graph was asked")


@pytest.mark.parametrize("args", [("runs", "--format", "json"), ("history", "t-paused")])
def test_a_paused_run_is_read_through_the_graph(capsys, store: Path, args: tuple[str, ...]) -> None:
    done = run_here(capsys, *args, "--db", str(store))
    assert done.code == 0 and "paused for review" in done.stdout, done.text


def test_an_empty_database_file_holds_no_runs(capsys, tmp_path: Path) -> None:
    db = tmp_path / "empty.sqlite"
    db.touch()
    listing = run_here(capsys, "runs", "--db", str(db))
    assert listing.code == 0 and "no runs stored yet" in listing.stdout, listing.text
    history = run_here(capsys, "history", "t", "--db", str(db))
    assert history.code == 2 and "unknown thread" in history.stderr, history.text
    assert db.stat().st_size == 0, "reading creates no tables"


def test_what_it_cannot_decode_is_left_to_the_graph() -> None:
    assert decode("msgpack", ormsgpack.packb({"a": [1, "b"]})) == {"a": [1, "b"]}
    assert decode("null", b"") is None
    with pytest.raises(Unreadable):
        decode("pickle", b"")
    with pytest.raises(Unreadable):
        decode("msgpack", ormsgpack.packb(ormsgpack.Ext(5, b"x")))
    checkpoint = {"v": 4, "channel_values": {"__pregel_tasks": []}, "channel_versions": {}}
    assert light_snapshot(checkpoint, 0) is None
    assert light_snapshot({**checkpoint, "channel_values": {"request": "x"}}, 1) is None
    assert light_snapshot({**checkpoint, "v": 3, "channel_values": {}}, 0) is None
