"""Where runs are checkpointed: SQLite in the user's data dir by default, Postgres for teams,
or memory (--no-persist). Every way a store can be unusable ends as one line and exit 2, and
nothing here ever rewrites or deletes an existing checkpoint.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

from devsecbots.errors import input_error
from devsecbots.settings import RUN_METADATA_KEY

if TYPE_CHECKING:  # the savers load when a store is opened: `runs` with none stays instant
    from langchain_core.runnables import RunnableConfig
    from langgraph.checkpoint.base import BaseCheckpointSaver, CheckpointTuple
    from langgraph.checkpoint.postgres import PostgresSaver
    from langgraph.checkpoint.sqlite import SqliteSaver

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 10.0  # how long a write waits for another process's checkpoint write
PROBE_TIMEOUT_MS = 2000  # how long opening waits for a lock before calling the file locked
PG_CONNECT_TIMEOUT_S = 5
_PG_SCHEMES = ("postgresql://", "postgres://")


def default_db_path() -> Path:
    """$DEVSECBOTS_DB, else $XDG_DATA_HOME/devsecbots/runs.sqlite (~/.local/share/...)."""
    if os.environ.get("DEVSECBOTS_DB"):
        return Path(os.environ["DEVSECBOTS_DB"]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "devsecbots" / "runs.sqlite"


def is_postgres_url(db: str | None) -> bool:
    """Whether --db names a Postgres server rather than a SQLite file."""
    return bool(db) and db.strip().lower().startswith(_PG_SCHEMES)  # type: ignore[union-attr]


def describe_db(db: str | None) -> str:
    """The store as shown to people: the SQLite path, or the Postgres URL without its password."""
    if is_postgres_url(db):
        return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", db.strip())  # type: ignore[union-attr]
    return str(Path(db).expanduser() if db else default_db_path())


@contextmanager
def open_checkpointer(
    db: str | None, *, persist: bool = True, must_exist: bool = False
) -> Iterator[BaseCheckpointSaver]:
    """Open the run store. `must_exist` (resume, history, runs) never creates a new database."""
    if not persist:
        from langgraph.checkpoint.memory import InMemorySaver

        yield InMemorySaver()
    elif is_postgres_url(db):
        with _open_postgres(db.strip()) as saver:  # type: ignore[union-attr]
            yield saver
    else:
        path = Path(db).expanduser() if db else default_db_path()
        with _open_sqlite(path, must_exist=must_exist) as saver:
            yield saver


@contextmanager
def open_sqlite_for_reading(db: str | None) -> Iterator[sqlite3.Connection]:
    """The SQLite run store as a plain connection, for reading runs without LangGraph (its
    saver imports langchain-core): the same checks and one-line errors as `open_checkpointer(db,
    must_exist=True)`, but no tables are created. Not for Postgres URLs."""
    path = Path(db).expanduser() if db else default_db_path()
    conn = _connect_sqlite(path, must_exist=True)
    try:
        if path.stat().st_size > 0:
            _check_ours(conn, path)
        _setup_sqlite(None, conn, path)
        yield conn
    finally:
        conn.close()


def _connect_sqlite(path: Path, *, must_exist: bool) -> sqlite3.Connection:
    if path.is_dir():
        raise input_error(f"run database {path} is a directory; pass --db FILE")
    existed = path.is_file() and path.stat().st_size > 0
    if must_exist and not path.is_file():
        raise input_error(f"no run database at {path}; pass the --db the run used")
    if existed:
        _check_sqlite_header(path)
    try:
        _create_private(path)
        return sqlite3.connect(str(path), check_same_thread=False, timeout=BUSY_TIMEOUT_S)
    except (OSError, sqlite3.Error) as err:
        reason = getattr(err, "strerror", None) or err
        raise input_error(
            f"cannot open run database {path}: {reason}; pass --db PATH or --no-persist"
        ) from None


@contextmanager
def _open_sqlite(path: Path, *, must_exist: bool) -> Iterator[SqliteSaver]:
    existed = path.is_file() and path.stat().st_size > 0
    conn = _connect_sqlite(path, must_exist=must_exist)
    try:
        from langgraph.checkpoint.sqlite import SqliteSaver

        if existed:
            _check_ours(conn, path)
        saver = SqliteSaver(conn)
        _setup_sqlite(saver, conn, path)
        yield saver
    finally:
        conn.close()


def _create_private(path: Path) -> None:
    """Create the database's missing directories 0700 and a missing database file 0600 (it holds
    all source and every test id); existing ones keep their modes."""
    missing = [p for p in [path.parent, *path.parent.parents] if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
        folder.chmod(0o700)  # mkdir's mode is filtered by the umask; never wider than 0700
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600))
    except FileExistsError:
        pass


def _check_sqlite_header(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as err:
        raise input_error(f"cannot read run database {path}: {err.strerror}") from None
    if header != SQLITE_HEADER:
        raise input_error(
            f"{path} is not a SQLite database (corrupt or another kind of file); "
            "it was left untouched — pass another --db"
        )


def _check_ours(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a SQLite file that holds someone else's tables (a mistyped --db app.db)."""
    try:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
        tables = {row[0] for row in rows}
    except sqlite3.DatabaseError as err:
        raise input_error(
            f"run database {path} is unreadable ({err}); it was left untouched — pass another --db"
        ) from None
    if tables and "checkpoints" not in tables:
        raise input_error(
            f"{path} is a SQLite database of something else (tables: "
            f"{', '.join(sorted(tables)[:5])}); pass another --db"
        )


def _setup_sqlite(saver: SqliteSaver | None, conn: sqlite3.Connection, path: Path) -> None:
    """Create the saver's tables (unless `saver` is None: reading only) and prove the store is
    neither locked nor read-only; each failure is one line."""
    conn.execute(f"PRAGMA busy_timeout = {PROBE_TIMEOUT_MS}")
    try:
        if saver is not None:
            saver.setup()
        conn.execute("BEGIN IMMEDIATE")  # proves we can write now, without writing anything
        conn.execute("ROLLBACK")
    except sqlite3.OperationalError as err:
        if "locked" in str(err) or "busy" in str(err):
            raise input_error(
                f"run database {path} is locked by another program; try again "
                "when it is done, or pass another --db"
            ) from None
        if "readonly" in str(err) or "read-only" in str(err):
            raise input_error(
                f"run database {path} is read-only; pass --db PATH or --no-persist"
            ) from None
        raise input_error(
            f"run database {path} is unusable ({err}); it was left untouched — pass another --db"
        ) from None
    except sqlite3.DatabaseError as err:
        raise input_error(
            f"run database {path} is unusable ({err}); it was left untouched — pass another --db"
        ) from None
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")


@contextmanager
def _open_postgres(url: str) -> Iterator[BaseCheckpointSaver]:
    try:
        import psycopg
        from langgraph.checkpoint.postgres import PostgresSaver
        from psycopg.rows import dict_row
    except ImportError:
        raise input_error(
            "--db postgresql://... needs the Postgres extra: pip install 'devsecbots[postgres]'"
        ) from None
    where = describe_db(url)
    try:
        params = psycopg.conninfo.conninfo_to_dict(url)
        # a connect_timeout in the URL wins over ours
        timeout = None if "connect_timeout" in params else PG_CONNECT_TIMEOUT_S
        conn = psycopg.connect(
            url, autocommit=True, prepare_threshold=0, row_factory=dict_row, connect_timeout=timeout
        )
    except psycopg.Error as err:
        raise input_error(f"cannot connect to Postgres at {where}: {_first_line(err)}") from None
    with conn:
        saver = PostgresSaver(conn)
        for attempt in range(2):  # two first-time setups racing: the loser retries once
            try:
                saver.setup()
                break
            except psycopg.errors.UniqueViolation:
                if attempt:
                    raise
            except psycopg.Error as err:
                raise input_error(
                    f"cannot use Postgres at {where} as a run store: {_first_line(err)}"
                ) from None
        yield saver


def _first_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return " ".join(text[0].split()) if text else type(err).__name__


# --------------------------------------------------------------------------- run metadata


def encode_metadata(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """Config metadata a checkpointer keeps: LangGraph stores only flat str/number values, so
    nested settings travel as JSON text (a dict would be dropped silently)."""
    return {
        key: json.dumps(value, sort_keys=True, default=str)
        if isinstance(value, (dict, list, tuple))
        else value
        for key, value in metadata.items()
    }


class HasMetadata(Protocol):
    """A stored checkpoint: LangGraph's CheckpointTuple, or devsecbots.storeread's."""

    @property
    def metadata(self) -> Mapping[str, Any]: ...


def run_settings(checkpoint: HasMetadata | None) -> dict[str, Any] | None:
    """The devsecbots settings (context, command, out, report, ...) stored with a checkpoint."""
    raw = (checkpoint.metadata or {}).get(RUN_METADATA_KEY) if checkpoint else None
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return None
    return raw if isinstance(raw, dict) else None


def stored_settings(saver: BaseCheckpointSaver, thread_id: str, db: str | None) -> dict[str, Any]:
    """A CLI run's stored settings; an unknown or foreign thread is an input error (exit 2)."""
    return settings_of(latest_checkpoint(saver, thread_id), thread_id, db)


def settings_of(checkpoint: HasMetadata | None, thread_id: str, db: str | None) -> dict[str, Any]:
    """The stored settings of `thread_id`'s latest checkpoint (None: no such thread)."""
    if checkpoint is None:
        raise input_error(
            f"unknown thread {thread_id!r} in {describe_db(db)}; list runs with `devsecbots runs`"
        )
    settings = run_settings(checkpoint)
    if settings is None or "out" not in settings:
        raise input_error(
            f"thread {thread_id} was not started by the devsecbots CLI; it cannot "
            "be resumed or restored from here"
        )
    return settings


def thread_config(thread_id: str) -> RunnableConfig:
    """The config that names one thread's latest checkpoint."""
    return {"configurable": {"thread_id": thread_id, "checkpoint_ns": ""}}


def latest_checkpoint(saver: BaseCheckpointSaver, thread_id: str) -> CheckpointTuple | None:
    """The thread's latest checkpoint, or None for an unknown thread; store errors exit 2."""
    return guard_store(lambda: saver.get_tuple(thread_config(thread_id)))


RECENT_THREADS_SQL = (
    "SELECT thread_id, MAX(checkpoint_id) AS last FROM checkpoints "
    "WHERE checkpoint_ns = '' GROUP BY thread_id ORDER BY last DESC LIMIT {}"
)


def recent_threads(saver: BaseCheckpointSaver, limit: int) -> list[str]:
    """Thread ids, most recently checkpointed first."""
    sql = RECENT_THREADS_SQL
    # By class name, not isinstance: neither saver module is imported for the other's sake.
    if type(saver).__name__ == "SqliteSaver":
        lite = cast("SqliteSaver", saver)
        with lite.lock:
            rows = guard_store(lambda: lite.conn.execute(sql.format("?"), (limit,)).fetchall())
        return [row[0] for row in rows]
    if type(saver).__name__ == "PostgresSaver":
        from psycopg import Connection  # loaded already: the saver runs on it

        conn = cast("PostgresSaver", saver).conn
        if isinstance(conn, Connection):  # a pool (never opened here) takes the generic path

            def query() -> list[Any]:
                with conn.cursor() as cur:
                    return cur.execute(sql.format("%s"), (limit,)).fetchall()

            return [row["thread_id"] for row in guard_store(query)]
    seen: list[str] = []
    for item in saver.list(None):
        thread = item.config["configurable"]["thread_id"]
        if thread not in seen:
            seen.append(thread)
        if len(seen) >= limit:
            break
    return seen


def guard_store(read: Any) -> Any:
    """Call `read()`; a corrupt or failing store becomes one line and exit 2."""
    try:
        return read()
    except sqlite3.DatabaseError as err:
        raise input_error(
            f"the run database cannot be read ({err}); it was left untouched"
        ) from None
    except Exception as err:
        if type(err).__module__.startswith("psycopg"):
            raise input_error(f"the Postgres run store failed: {_first_line(err)}") from None
        raise
