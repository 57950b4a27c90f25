"""Read the code a person gives (files or directories) safely, skipping what cannot be reviewed.

Each file is read once, without following a symlink in its last component (see snapshot.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from devsecbots.errors import input_error
from devsecbots.graphs.state import check_relative_path
from devsecbots.snapshot import NotARegularFile, Snapshot, SnapshotStore, open_nofollow

SKIP_DIRS = {
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    "node_modules",
    "__pycache__",
    ".tox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".langgraph_api",
}
MAX_FILE_BYTES = 1_000_000
REPORT_NAMES = {"SECURITY-REPORT.md", "devsecbots-report.json"}


@dataclass
class LoadedInput:
    """Text files to work on (relative path -> content) and everything that was left out."""

    root: Path
    files: dict[str, str] = field(default_factory=dict)
    verbatim: dict[str, Snapshot] = field(default_factory=dict)  # binary/oversized: as read
    store: SnapshotStore = field(default_factory=SnapshotStore)  # holds the verbatim bytes
    modes: dict[str, int] = field(default_factory=dict)  # permission bits of the text files
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)


def load_inputs(paths: list[Path], *, max_bytes: int = MAX_FILE_BYTES) -> LoadedInput:
    """Load files and directories; raise a CliError (exit 2) for paths that do not exist."""
    if not paths:
        raise input_error("no input path given")
    resolved = []
    for path in paths:
        if not path.exists() and not path.is_symlink():
            raise input_error(f"{path}: no such file or directory")
        resolved.append(path.resolve())
    root = _common_root(resolved)
    loaded = LoadedInput(root=root)
    for path in resolved:
        if path.is_dir():
            _walk(path, root, loaded, max_bytes)
        else:
            _add_file(path, root, loaded, max_bytes)
    return loaded


def require_python(loaded: LoadedInput, paths: list[Path], command: str) -> None:
    """An honest gate: with no Python file to look at, say so (exit 2) instead of approving."""
    if any(rel.endswith(".py") for rel in loaded.files):
        return
    where = ", ".join(str(p) for p in paths)
    found = len(loaded.files) + len(loaded.verbatim)
    if found:
        why = f"{found} file(s) found, none of them Python (*.py)"
    elif loaded.skipped:
        rel, reason = loaded.skipped[0]
        why = f"everything found was skipped ({rel}: {reason})"
    else:
        why = "no files at all (" + ", ".join(sorted(SKIP_DIRS)[:4]) + " … are not looked into)"
    raise input_error(f"nothing to {command} under {where}: {why}")


def _common_root(paths: list[Path]) -> Path:
    if len(paths) == 1 and paths[0].is_dir():
        return paths[0]
    parents = [p if p.is_dir() else p.parent for p in paths]
    return Path(os.path.commonpath([str(p) for p in parents]))


def _walk(directory: Path, root: Path, loaded: LoadedInput, max_bytes: int) -> None:
    for current, dirs, names in os.walk(directory, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.endswith(".egg-info"))
        here = Path(current)
        for d in list(dirs):
            if (here / d).is_symlink():
                loaded.skipped.append((_rel(here / d, root), "symlinked directory not followed"))
                dirs.remove(d)
        for name in sorted(names):
            _add_file(here / name, root, loaded, max_bytes)


def _add_file(path: Path, root: Path, loaded: LoadedInput, max_bytes: int) -> None:
    rel = _rel(path, root)
    if path.name in REPORT_NAMES:
        return
    try:
        check_relative_path(rel)
    except ValueError as err:  # e.g. a 300-level tree: skipped, as review skips it
        loaded.skipped.append((rel, f"not processed: {str(err).removeprefix('file ')}"))
        return
    source = path
    if path.is_symlink():
        source = path.resolve()
        if not source.is_relative_to(root) or not source.is_file():
            loaded.skipped.append((rel, "symlink pointing outside the input, not followed"))
            return
    try:
        handle = open_nofollow(source)  # read once, here: --out is written from this reading
    except NotARegularFile:
        loaded.skipped.append((rel, "not a regular file"))
        return
    except OSError as err:
        loaded.skipped.append((rel, f"cannot be read ({err.strerror or err})"))
        return
    with handle:
        size = os.fstat(handle.fileno()).st_size
        if size > max_bytes:
            loaded.skipped.append((rel, f"larger than {max_bytes:,} bytes"))
            loaded.verbatim[rel] = loaded.store.add(path, handle)
            return
        data = handle.read()
    if b"\x00" in data:
        loaded.skipped.append((rel, "binary file"))
        loaded.verbatim[rel] = loaded.store.add_bytes(path, data)
        return
    try:
        loaded.files[rel] = data.decode("utf-8")
        loaded.modes[rel] = path.stat().st_mode & 0o777
    except UnicodeDecodeError:
        loaded.skipped.append((rel, "not UTF-8 text"))
        loaded.verbatim[rel] = loaded.store.add_bytes(path, data)


def _rel(path: Path, root: Path) -> str:
    try:
        return path.absolute().relative_to(root).as_posix()
    except ValueError:
        return path.name
