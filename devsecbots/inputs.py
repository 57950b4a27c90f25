"""Read the code a person gives (files or directories) safely, skipping what cannot be reviewed.

Each file is read once, without following a symlink in its last component (see snapshot.py).
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from devsecbots.errors import input_error
from devsecbots.graphs.state import check_relative_path
from devsecbots.ignore import Excludes, GitIgnores
from devsecbots.snapshot import NotARegularFile, Snapshot, SnapshotStore, open_nofollow

if TYPE_CHECKING:
    from devsecbots.settings import InputSettings

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
    excluded: list[tuple[str, str]] = field(default_factory=list)  # (path, .gitignore or glob)


def load_inputs(
    paths: list[Path],
    *,
    max_bytes: int = MAX_FILE_BYTES,
    exclude: Excludes | None = None,
    gitignore: bool = True,
) -> LoadedInput:
    """Load files and directories; raise a CliError (exit 2) for paths that do not exist.

    Inside a directory, what its .gitignore files (with `gitignore`) or `exclude` leave out is
    not read, only listed in `excluded`; a file named explicitly is always read."""
    if not paths:
        raise input_error("no input path given")
    resolved = []
    for path in paths:
        if not path.exists() and not path.is_symlink():
            raise input_error(f"{path}: no such file or directory")
        resolved.append(path.resolve())
    root = common_root(resolved)
    loaded = LoadedInput(root=root)
    for path in resolved:
        if path.is_dir():
            rules = _Rules(exclude or Excludes(), GitIgnores(path) if gitignore else None)
            _walk(path, root, loaded, max_bytes, rules)
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
    elif loaded.excluded:
        rel, reason = loaded.excluded[0]
        why = f"everything found was excluded ({rel}: {reason})"
    else:
        why = "no files at all (" + ", ".join(sorted(SKIP_DIRS)[:4]) + " … are not looked into)"
    raise input_error(f"nothing to {command} under {where}: {why}")


def common_root(paths: list[Path]) -> Path:
    if len(paths) == 1 and paths[0].is_dir():
        return paths[0]
    parents = [p if p.is_dir() else p.parent for p in paths]
    return Path(os.path.commonpath([str(p) for p in parents]))


@dataclass
class _Rules:
    """What a walk leaves out besides SKIP_DIRS."""

    exclude: Excludes
    gitignore: GitIgnores | None

    def why_left_out(self, path: Path, root: Path, is_dir: bool) -> str:
        """'.gitignore', 'exclude <glob>', or '' when the path is walked."""
        if self.gitignore is not None and self.gitignore.ignored(path, is_dir):
            return ".gitignore"
        pattern = self.exclude.match(path, root, is_dir)
        return f"exclude {pattern}" if pattern else ""


def _walk(directory: Path, root: Path, loaded: LoadedInput, max_bytes: int, rules: _Rules) -> None:
    for current, dirs, names in os.walk(directory, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.endswith(".egg-info"))
        here = Path(current)
        for d in list(dirs):
            why = rules.why_left_out(here / d, root, is_dir=True)
            if why:
                loaded.excluded.append((_rel(here / d, root) + "/", why))
                dirs.remove(d)
            elif (here / d).is_symlink():
                loaded.skipped.append((_rel(here / d, root), "symlinked directory not followed"))
                dirs.remove(d)
        for name in sorted(names):
            why = rules.why_left_out(here / name, root, is_dir=False)
            if why:
                loaded.excluded.append((_rel(here / name, root), why))
                continue
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


def load_selected(paths: list[Path], selection: InputSettings) -> LoadedInput:
    """load_inputs with the project's exclude globs (relative to its config file), --exclude's
    (relative to the working directory) and .gitignore; a bad --exclude glob is exit 2."""
    from devsecbots.ignore import check_glob

    excludes = Excludes()
    config = selection.config
    if config.path is not None:
        excludes.add(config.path.parent, config.exclude)
    for pattern in selection.exclude:
        problem = check_glob(pattern)
        if problem:
            raise input_error(f"--exclude {pattern!r}: bad glob: {problem}")
    excludes.add(Path.cwd(), selection.exclude)
    return load_inputs(paths, exclude=excludes)


def left_out_lines(
    skipped: list[tuple[str, str]], excluded: list[tuple[str, str]], verbose: bool
) -> list[str]:
    """What was not reviewed, for people: one line per file with `verbose`, else one summary
    line (the commonest reasons and how many) that says how to see them all."""
    if verbose:
        return [f"skipped {path}: {reason}" for path, reason in skipped] + [
            f"excluded {path}: {reason}" for path, reason in excluded
        ]
    parts = []
    if skipped:
        parts.append(f"skipped {len(skipped)} file(s) ({_reasons(skipped)})")
    if excluded:
        parts.append(f"excluded {len(excluded)} path(s) ({_reasons(excluded)})")
    if not parts:
        return []
    return ["; ".join(parts) + "; --verbose lists them"]


def _reasons(items: list[tuple[str, str]]) -> str:
    counts = Counter(reason for _path, reason in items)
    shown = [f"{n} {reason}" for reason, n in counts.most_common(3)]
    if len(counts) > 3:
        shown.append(f"{sum(counts.values()) - sum(n for _r, n in counts.most_common(3))} other")
    return ", ".join(shown)
