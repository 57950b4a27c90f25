"""Which files a directory walk leaves out: the project's .gitignore files and exclude globs.

Both use gitignore syntax (pathspec's GitIgnoreSpec, which follows Git's own edge cases).
`.gitignore` files count from the repository root (the directory holding `.git`) down to each
file, deeper ones overriding shallower ones, plus `.git/info/exclude`; outside a repository only
the ones inside the walked directory count. A file above the walked directory whose rules ignore
that directory itself is not used (the directory was named explicitly).

Exclude globs (`--exclude`, `exclude` in [tool.devsecbots]) match paths relative to where they
were given: the config file's directory, or the working directory for `--exclude`; a file
outside that directory is matched by its path relative to the input. A path given explicitly on
the command line is never left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pathspec import GitIgnoreSpec

GITIGNORE = ".gitignore"


def check_glob(pattern: str) -> str:
    """'' when `pattern` is a usable gitignore-style glob, else what is wrong with it."""
    if not pattern.strip():
        return "empty pattern"
    if "\x00" in pattern:
        return "contains a NUL byte"
    try:
        spec = GitIgnoreSpec.from_lines([pattern])
    except (ValueError, TypeError, re.error) as err:  # pathspec's pattern errors are ValueErrors
        return str(err) or type(err).__name__
    if not spec.patterns or all(getattr(p, "include", None) is None for p in spec.patterns):
        return "matches nothing (a comment, or not a pattern Git can match)"
    return ""


@dataclass
class Excludes:
    """Exclude globs, each group matched relative to its base directory."""

    groups: list[tuple[Path, GitIgnoreSpec, tuple[str, ...]]] = field(default_factory=list)

    def add(self, base: Path, patterns: tuple[str, ...] | list[str]) -> None:
        """Patterns (already checked with check_glob) that match paths relative to `base`."""
        if patterns:
            self.groups.append(
                (base.resolve(), GitIgnoreSpec.from_lines(patterns), tuple(patterns))
            )

    def match(self, path: Path, root: Path, is_dir: bool) -> str:
        """The pattern that excludes `path` ('' when none does)."""
        for base, spec, patterns in self.groups:
            rel = _rel(path, base) or _rel(path, root)
            if rel is None:
                continue
            result = spec.check_file(rel + ("/" if is_dir else ""))
            if result.include:
                return patterns[result.index] if result.index is not None else "exclude"
        return ""


class GitIgnores:
    """The .gitignore rules that apply under a repository (or a plain directory)."""

    def __init__(self, start: Path) -> None:
        start = start.resolve()
        self.top = _repository_root(start) or start
        self._specs: dict[Path, GitIgnoreSpec | None] = {}
        info = self.top / ".git" / "info" / "exclude"
        self._info = _read_spec(info) if info.is_file() else None
        # The walked directory was named explicitly: a rule above it that ignores it (a tree
        # under an ignored cache, say) is overruled, like any path given on the command line.
        if self._info is not None and _check(self._info, self.top, start, True, None):
            self._info = None
        for directory in self._directories(start):
            spec = self._spec(directory)
            if spec is not None and _check(spec, directory, start, True, None):
                self._specs[directory] = None

    def ignored(self, path: Path, is_dir: bool) -> bool:
        """Whether Git would ignore `path` (the deepest matching rule decides)."""
        verdict = None  # `path` is absolute and resolved up to its last part, as the walk gives it
        if self._info is not None:
            verdict = _check(self._info, self.top, path, is_dir, verdict)
        for directory in self._directories(path.parent):
            spec = self._spec(directory)
            if spec is not None:
                verdict = _check(spec, directory, path, is_dir, verdict)
        return bool(verdict)

    def _directories(self, parent: Path) -> list[Path]:
        """`parent` and its ancestors down from the top, shallowest first."""
        try:
            rel = parent.relative_to(self.top)
        except ValueError:
            return []
        chain = [self.top]
        for part in rel.parts:
            chain.append(chain[-1] / part)
        return chain

    def _spec(self, directory: Path) -> GitIgnoreSpec | None:
        if directory not in self._specs:
            candidate = directory / GITIGNORE
            self._specs[directory] = _read_spec(candidate) if candidate.is_file() else None
        return self._specs[directory]


def _check(
    spec: GitIgnoreSpec, base: Path, path: Path, is_dir: bool, verdict: bool | None
) -> bool | None:
    rel = _rel(path, base)
    if rel is None:
        return verdict
    result = spec.check_file(rel + ("/" if is_dir else ""))
    return verdict if result.include is None else result.include


def _read_spec(path: Path) -> GitIgnoreSpec | None:
    """A .gitignore's rules; an unreadable or unparsable one is read as empty, as Git does."""
    try:
        return GitIgnoreSpec.from_lines(
            path.read_text(encoding="utf-8", errors="replace").splitlines()
        )
    except (OSError, ValueError):
        return None


def _repository_root(start: Path) -> Path | None:
    for directory in [start, *start.parents]:
        if (directory / ".git").exists():
            return directory
    return None


def _rel(path: Path, base: Path) -> str | None:
    try:
        rel = path.relative_to(base).as_posix()
    except ValueError:
        return None
    return None if rel in ("", ".") else rel
