"""Write results under --out only: validated paths, no symlink escapes, atomic replace."""

from __future__ import annotations

import glob
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from devsecbots.errors import input_error
from devsecbots.snapshot import Snapshot


def check_out_dir(out: Path) -> Path:
    """Validate --out before any work starts; nothing is created here."""
    out = out.expanduser()
    if out.exists() and not out.is_dir():
        raise input_error(f"--out {out}: exists and is not a directory")
    probe = out
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        raise input_error(f"--out {out}: {probe} is not a directory")
    try:  # os.access says yes to root everywhere; a real (removed) probe file does not lie
        with tempfile.TemporaryFile(dir=probe):
            pass
    except OSError as err:
        raise input_error(f"--out {out}: {probe} is not writable ({err.strerror})") from None
    return out.absolute()


def check_relative_path(rel: str) -> str:
    """graphs.state.check_relative_path, imported when first needed: the state module builds
    pydantic models, and `runs`/`history`/`graph` import this module at start-up."""
    from devsecbots.graphs.state import check_relative_path as check

    return check(rel)


def safe_target(out: Path, rel: str) -> Path:
    """The absolute destination of `rel` under `out`; ValueError if it could land elsewhere."""
    clean = check_relative_path(rel)
    root = out.resolve()
    target = root.joinpath(*clean.split("/"))
    # Any existing component that is a symlink could redirect the write: refuse it.
    probe = root
    for part in clean.split("/"):
        probe = probe / part
        if probe.is_symlink():
            raise ValueError(f"{rel}: {probe} is a symlink; refusing to write through it")
    if not target.resolve().is_relative_to(root):
        raise ValueError(f"{rel}: resolves outside {root}")
    return target


def sha256_text(content: str) -> str:
    """Hex SHA-256 of text as written (UTF-8)."""
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def _umask() -> int:
    """The process umask, read without changing it (os.umask would race other threads)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o022


NEW_FILE_MODE = 0o644 & ~_umask()


def mode_of(path: Path) -> int:
    """A file's permission bits, to give its rewritten copy (never setuid/setgid/sticky)."""
    return path.stat().st_mode & 0o777


@contextmanager
def _atomic_file(target: Path, mode: int | None = None) -> Iterator[BinaryIO]:
    """A handle on a temporary file beside `target`, renamed over it once fully written.

    The file gets `mode` (the input's bits for a copy of an input), else NEW_FILE_MODE: mkstemp's
    0600 would make every output private whatever the input was.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fchmod(handle.fileno(), NEW_FILE_MODE if mode is None else mode & 0o777)
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    for stale in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
        stale.unlink(missing_ok=True)  # left behind by an earlier write that was killed


def write_atomic(target: Path, data: bytes, mode: int | None = None) -> None:
    """Write via a temporary file in the same directory and rename over the target."""
    with _atomic_file(target, mode) as handle:
        handle.write(data)


def copy_atomic(source: Snapshot, target: Path, mode: int | None = None) -> None:
    """Write a snapshot of an input file byte for byte (with `mode`, the input's permission bits),
    atomically like write_atomic, never by reopening the input's path (it may have been swapped)."""
    with _atomic_file(target, mode) as handle:
        source.write_to(handle)


def write_tree(
    out: Path, files: dict[str, str], modes: dict[str, int] | None = None
) -> list[dict[str, str]]:
    """Write every file under `out` (all paths checked before the first write); a file that
    came from the input keeps its mode from `modes`, a new one gets NEW_FILE_MODE."""
    targets = {rel: safe_target(out, rel) for rel in sorted(files)}
    written = []
    for rel, target in targets.items():
        write_atomic(target, files[rel].encode("utf-8"), (modes or {}).get(rel))
        written.append({"path": check_relative_path(rel), "sha256": sha256_text(files[rel])})
    return written


def echo(console: Any, text: str) -> None:
    """`text` byte for byte on a console's stream (documents such as JSON, SARIF, Mermaid: no
    markup, wrapping or tab expansion, which Console.print/out would apply)."""
    console.file.write(text + "\n")
    console.file.flush()
