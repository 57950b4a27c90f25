"""Where runs are checkpointed: SQLite in the user's data dir by default, or in memory."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.types import Checkpointer

from devsecbots.errors import input_error


def default_db_path() -> Path:
    """$DEVSECBOTS_DB, else $XDG_DATA_HOME/devsecbots/runs.sqlite (~/.local/share/...)."""
    if os.environ.get("DEVSECBOTS_DB"):
        return Path(os.environ["DEVSECBOTS_DB"]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "devsecbots" / "runs.sqlite"


@contextmanager
def open_checkpointer(db: str | None, *, persist: bool = True) -> Iterator[Checkpointer]:
    """Open the run store; a bad location or a corrupt database is an input error (exit 2)."""
    if not persist:
        yield InMemorySaver()
        return
    path = Path(db).expanduser() if db else default_db_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), check_same_thread=False, timeout=5.0)
    except (OSError, sqlite3.Error) as err:
        raise input_error(f"cannot open run database {path}: {err}; pass --db PATH or --no-persist")
    try:
        saver = SqliteSaver(conn)
        try:
            saver.setup()
        except sqlite3.DatabaseError as err:
            raise input_error(
                f"run database {path} is unusable ({err}); pass another --db or --no-persist"
            )
        yield saver
    finally:
        conn.close()
