"""One writer per thread: a run or `resume` holds its thread's lock while it runs the graph.

SQLite: an fcntl lock on a file beside the database (`<db>.locks/<hash of thread id>.lock`),
released by the kernel when the process ends, however it ends. Postgres: a session-level
advisory lock on the store's connection (pg_try_advisory_lock), released when the connection
closes. In-memory (--no-persist) runs cannot be resumed, so they need none. A thread already
locked is refused at once (exit 2): nothing was run or written.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from devsecbots.errors import input_error


def _busy(thread_id: str, holder: str) -> Exception:
    return input_error(
        f"thread {thread_id} is being run by another devsecbots process{holder}; "
        "wait until it ends (two writers would corrupt the run)"
    )


def _key(thread_id: str) -> bytes:
    return hashlib.sha256(f"devsecbots-thread:{thread_id}".encode()).digest()


@contextmanager
def thread_lock(saver: Any, thread_id: str) -> Iterator[None]:
    """Hold the thread's lock for the body; refuse (InputError) when another process has it."""
    path = _sqlite_path(saver)
    if path:
        with _file_lock(Path(path), thread_id):
            yield
    elif type(saver).__name__ == "PostgresSaver":
        with _advisory_lock(saver.conn, thread_id):
            yield
    else:
        yield


def _sqlite_path(saver: Any) -> str:
    """The file of a SqliteSaver's main database ('' for other savers or in-memory SQLite)."""
    conn = getattr(saver, "conn", None)
    if type(saver).__name__ != "SqliteSaver" or conn is None:
        return ""
    with saver.lock:
        rows = conn.execute("PRAGMA database_list").fetchall()
    return next((row[2] for row in rows if row[1] == "main"), "") or ""


@contextmanager
def _file_lock(db: Path, thread_id: str) -> Iterator[None]:
    folder = db.parent / f"{db.name}.locks"
    folder.mkdir(mode=0o700, exist_ok=True)
    lock = folder / f"{_key(thread_id).hex()[:32]}.lock"
    fd = _acquire(lock, thread_id)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)  # named in the other process's refusal
        yield
    finally:
        lock.unlink(missing_ok=True)  # before unlocking: a waiter then sees a stale inode
        os.close(fd)


def _acquire(lock: Path, thread_id: str) -> int:
    """An fd holding the flock of `lock`; the file is removed on release, so a lock taken on a
    file that was meanwhile removed (or replaced) is dropped and taken again on the new one."""
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            os.close(fd)
            raise _busy(thread_id, f" (pid {holder})" if holder.isdigit() else "") from None
        held = os.fstat(fd)
        try:
            current = os.stat(lock)
        except FileNotFoundError:
            current = None
        if current is not None and (current.st_dev, current.st_ino) == (held.st_dev, held.st_ino):
            return fd
        os.close(fd)


@contextmanager
def _advisory_lock(conn: Any, thread_id: str) -> Iterator[None]:
    key = int.from_bytes(_key(thread_id)[:8], "big", signed=True)
    with conn.cursor() as cur:
        row = cur.execute("SELECT pg_try_advisory_lock(%s) AS locked", (key,)).fetchone()
    if not (row["locked"] if isinstance(row, dict) else row[0]):
        raise _busy(thread_id, "")
    try:
        yield
    finally:
        with conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_unlock(%s)", (key,))
