"""Read stored runs straight from the SQLite store, without LangGraph, for `runs` and `history`.

Compiling the graph to ask it `get_state` imports every node (models, analysers) and takes
seconds; LangGraph's own SQLite saver imports langchain-core. The state is plain JSON-like data
(graphs/state.py), so the latest checkpoint decodes with ormsgpack alone, and for a checkpoint
with no pending writes the snapshot is simple: the values are the state's channels, `next` the
nodes whose trigger channel is newer than what they have seen (and the list-reducer keys show
`[]` until first written, as their channels do). Anything else — pending writes
(a run paused for review, or stopped mid-step), an unknown channel or encoding — reads as
`None`, and the caller asks the compiled graph instead. tests/durable/test_light_reader.py checks
the snapshots against `graph.get_state`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from devsecbots.graphs.topology import LIST_REDUCER_KEYS, NODES, START, STATE_KEYS
from devsecbots.store import RECENT_THREADS_SQL, guard_store

CHECKPOINT_VERSION = 4  # the checkpoint format these rules were checked against
_BRANCH = "branch:to:"


class Unreadable(Exception):
    """A stored value this light reader does not decode (the compiled graph can)."""


class StoredCheckpoint(NamedTuple):
    """A thread's latest checkpoint, as LangGraph's saver would return it."""

    checkpoint: dict[str, Any]
    metadata: dict[str, Any]
    pending_writes: int  # how many (the light snapshot needs none)


@dataclass(frozen=True)
class LightSnapshot:
    """The parts of LangGraph's StateSnapshot that `runs` and `history` read."""

    values: dict[str, Any]
    next: tuple[str, ...]
    interrupts: tuple[Any, ...]
    created_at: str | None


def light_snapshot(checkpoint: Mapping[str, Any], pending_writes: int) -> LightSnapshot | None:
    """What `graph.get_state` would say of this checkpoint; None when it takes the graph."""
    if pending_writes or checkpoint.get("v") != CHECKPOINT_VERSION:
        return None
    channels: Mapping[str, Any] = checkpoint.get("channel_values") or {}
    for name in channels:
        known = name in STATE_KEYS or name == START or name.removeprefix(_BRANCH) in NODES
        if not known:  # e.g. pending Sends, or a node added by a library user
            return None
    versions: Mapping[str, Any] = checkpoint.get("channel_versions") or {}
    seen_by: Mapping[str, Mapping[str, Any]] = checkpoint.get("versions_seen") or {}
    null = type(next(iter(versions.values())))() if versions else None
    upcoming = []
    for node in (START, *NODES) if versions else ():
        trigger = START if node == START else _BRANCH + node
        if trigger not in channels:  # consumed: only a channel holding a value triggers
            continue
        seen = seen_by.get(node)
        if seen is None or versions.get(trigger, null) > seen.get(trigger, null):
            upcoming.append(node)
    values = {key: value for key, value in channels.items() if key in STATE_KEYS}
    for key in LIST_REDUCER_KEYS - values.keys():
        values[key] = []
    return LightSnapshot(values, tuple(upcoming), (), checkpoint.get("ts"))


def recent_thread_ids(conn: sqlite3.Connection, limit: int) -> list[str]:
    """Thread ids, most recently checkpointed first (as store.recent_threads)."""
    if not _has_tables(conn):
        return []
    rows = guard_store(lambda: conn.execute(RECENT_THREADS_SQL.format("?"), (limit,)).fetchall())
    return [row[0] for row in rows]


def latest(conn: sqlite3.Connection, thread_id: str) -> StoredCheckpoint | None:
    """The thread's latest checkpoint, or None for an unknown thread; raises Unreadable."""
    if not _has_tables(conn):
        return None
    row = guard_store(
        lambda: conn.execute(
            "SELECT checkpoint_id, type, checkpoint, metadata FROM checkpoints "
            "WHERE thread_id = ? AND checkpoint_ns = '' ORDER BY checkpoint_id DESC LIMIT 1",
            (thread_id,),
        ).fetchone()
    )
    if row is None:
        return None
    checkpoint_id, kind, blob, metadata = row
    (writes,) = guard_store(
        lambda: conn.execute(
            "SELECT COUNT(*) FROM writes "
            "WHERE thread_id = ? AND checkpoint_ns = '' AND checkpoint_id = ?",
            (thread_id, checkpoint_id),
        ).fetchone()
    )
    checkpoint = decode(kind, blob)
    if not isinstance(checkpoint, dict):
        raise Unreadable(f"checkpoint of type {type(checkpoint).__name__}")
    return StoredCheckpoint(
        checkpoint, json.loads(metadata) if metadata is not None else {}, writes
    )


def decode(kind: str, blob: bytes) -> Any:
    """A value LangGraph's serializer stored, if it is plain data (no extension types)."""
    if kind == "null":
        return None
    if kind != "msgpack":
        raise Unreadable(f"stored as {kind!r}")
    import ormsgpack  # langgraph-checkpoint's own dependency

    try:
        return ormsgpack.unpackb(blob, ext_hook=_refuse, option=ormsgpack.OPT_NON_STR_KEYS)
    except (ormsgpack.MsgpackDecodeError, Unreadable, ValueError, TypeError) as err:
        raise Unreadable(str(err)) from None


def _refuse(code: int, data: bytes) -> Any:
    raise Unreadable(f"msgpack extension type {code}")


def _has_tables(conn: sqlite3.Connection) -> bool:
    """Whether LangGraph's tables exist (an empty database file has none yet)."""
    rows = guard_store(
        lambda: conn.execute(
            "SELECT name FROM sqlite_master "
            "WHERE type = 'table' AND name IN ('checkpoints', 'writes')"
        ).fetchall()
    )
    return len(rows) == 2
