"""One snapshot of the input: every file is read once, without following a symlink, and what is
written to --out comes from that reading, never from reopening the path later.

Text files live in the run's state. Binary and oversized files, copied to --out as they are,
go into one unnamed temporary file (no path anyone could swap), with their SHA-256 recorded so
that `resume`, which has to read them again, can tell whether they changed since.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

CHUNK = 1024 * 1024


class NotARegularFile(OSError):
    """The path is (now) a symlink, a FIFO, a device or a directory: not read."""


def open_nofollow(path: Path) -> BinaryIO:
    """Open a regular file for reading without following a symlink in its last component and
    without blocking on a FIFO; NotARegularFile otherwise."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(path, flags)
    except OSError as err:
        if err.errno == 40:  # ELOOP: the last component is a symlink
            raise NotARegularFile(f"{path} is a symlink") from None
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise NotARegularFile(f"{path} is not a regular file")
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


@dataclass(frozen=True)
class Snapshot:
    """The bytes of one input file as read once, kept in a SnapshotStore."""

    source: str  # where it was read from (shown to people, stored for resume)
    sha256: str
    size: int
    store: SnapshotStore
    offset: int

    def write_to(self, handle: BinaryIO) -> None:
        """Copy the snapshot's bytes into `handle`."""
        self.store.copy_range(self.offset, self.size, handle)

    def record(self) -> dict[str, object]:
        """What a resume needs to check the file again: path, digest, size."""
        return {"path": self.source, "sha256": self.sha256, "size": self.size}


class SnapshotStore:
    """An unnamed temporary file holding the snapshots' bytes one after another."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()

    def add(self, path: Path, handle: BinaryIO) -> Snapshot:
        """Copy everything left in `handle` into the store."""
        offset = self._file.seek(0, os.SEEK_END)
        digest, size = hashlib.sha256(), 0
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            self._file.write(chunk)
            size += len(chunk)
        return Snapshot(str(path), digest.hexdigest(), size, self, offset)

    def add_bytes(self, path: Path, data: bytes) -> Snapshot:
        """Store bytes already read."""
        offset = self._file.seek(0, os.SEEK_END)
        self._file.write(data)
        return Snapshot(str(path), hashlib.sha256(data).hexdigest(), len(data), self, offset)

    def copy_range(self, offset: int, size: int, handle: BinaryIO) -> None:
        """Write `size` stored bytes from `offset` into `handle`."""
        self._file.flush()
        self._file.seek(offset)
        while size > 0:
            chunk = self._file.read(min(CHUNK, size))
            if not chunk:
                raise OSError("the input snapshot was cut short")
            handle.write(chunk)
            size -= len(chunk)


def snapshot_again(record: dict[str, Any] | str, store: SnapshotStore) -> Snapshot | str:
    """Read a recorded file again (for resume): its Snapshot when it is the same file, else the
    reason it cannot be used ('changed since the run started', 'no longer exists', ...)."""
    path = Path(record["path"] if isinstance(record, dict) else record)
    try:
        with open_nofollow(path) as handle:
            snap = store.add(path, handle)
    except FileNotFoundError:
        return "no longer exists"
    except NotARegularFile:
        return "is no longer a regular file"
    except OSError as err:
        return f"cannot be read ({err.strerror or err})"
    if isinstance(record, dict) and record.get("sha256") != snap.sha256:
        return "changed since the run started"
    return snap


def changed_since(root: Path, files: dict[str, str]) -> list[str]:
    """The text files of a snapshot (path -> content under `root`) that now differ on disk,
    are gone, or are no longer regular files."""
    changed = []
    for rel, content in sorted(files.items()):
        try:
            with open_nofollow(root / rel) as handle:
                same = handle.read() == content.encode("utf-8")
        except OSError:
            same = False
        if not same:
            changed.append(rel)
    return changed
