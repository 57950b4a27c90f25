"""`[tool.devsecbots]` in pyproject.toml: a project's own settings, as Ruff and Bandit read theirs.

The table is looked for in the nearest pyproject.toml that has one, from the first reviewed path
upward, stopping at the repository root (the directory holding `.git`); `--config PATH` names the
file instead. Every problem (malformed TOML, an unknown key, a wrong type, a bad glob, an
analyser that is not registered or not installed) is one line naming the file and the key, and
exit 2 before anything is reviewed. Flags given on the command line override the file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devsecbots.errors import input_error
from devsecbots.graphs.context import Context

TABLE = "tool.devsecbots"
# key in the file -> the Context field it sets (exclude is about inputs, not a run setting)
FIELDS = {
    "blocking-severity": "blocking_severity",
    "min-confidence": "min_confidence",
    "block-tests": "block_tests",
    "analyzers": "analyzers",
}
KEYS = ("exclude", *FIELDS)


@dataclass(frozen=True)
class ProjectConfig:
    """What a project's configuration says: Context settings by field name, exclude globs."""

    path: Path | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()


def project_config(paths: list[Path], explicit: Path | None = None) -> ProjectConfig:
    """The configuration for a run over `paths`: --config, else the nearest pyproject.toml with
    a [tool.devsecbots] table; an empty one when there is none."""
    if explicit is not None:
        if not explicit.is_file():
            raise input_error(f"--config {explicit}: no such file")
        return load_config(explicit, required=True)
    start = Path(paths[0]).resolve() if paths else Path.cwd()
    for directory in [start, *start.parents] if start.is_dir() else start.parents:
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            found = load_config(candidate, required=False)
            if found.path is not None:
                return found
        if (directory / ".git").exists():
            break  # the repository root: a pyproject.toml above it is another project's
    return ProjectConfig()


def load_config(path: Path, *, required: bool) -> ProjectConfig:
    """Read and validate the [tool.devsecbots] table of `path` (a pyproject.toml or any TOML
    file holding that table); ProjectConfig() when it has none and none is `required`."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise input_error(f"{path}: cannot be read ({err})") from None
    except tomllib.TOMLDecodeError as err:
        raise input_error(f"{path}: malformed TOML: {err}") from None
    table = data.get("tool", {}).get("devsecbots") if isinstance(data.get("tool"), dict) else None
    if table is None:
        if required:
            raise input_error(f"{path}: no [{TABLE}] table")
        return ProjectConfig()
    if not isinstance(table, dict):
        raise input_error(f"{path}: [{TABLE}] must be a table")
    settings: dict[str, Any] = {}
    for key, value in table.items():
        if key not in KEYS:
            raise input_error(f"{path}: [{TABLE}] unknown key {key!r}: use {', '.join(KEYS)}")
        if key != "exclude":
            settings[FIELDS[key]] = _value(path, key, value)
    exclude = _globs(path, table.get("exclude", []))
    return ProjectConfig(path=path, settings=settings, exclude=exclude)


def _value(path: Path, key: str, value: Any) -> Any:
    """A setting's value checked against its Context field (type and allowed choices)."""
    name = FIELDS[key]
    where = f"{path}: [{TABLE}] {key}"
    default = Context.__dataclass_fields__[name].default
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise input_error(f"{where}: expected true or false, got {value!r}")
        return value
    if name == "analyzers":
        return _analyzers(where, value)
    choices = Context.__dataclass_fields__[name].metadata.get("choices") or ()
    if not isinstance(value, str) or value not in choices:
        raise input_error(f"{where}: expected one of {', '.join(choices)}, got {value!r}")
    return value


def _analyzers(where: str, value: Any) -> tuple[str, ...]:
    """A list of registered analysers that can run here."""
    from devsecbots.nodes.analyzers.registry import analyzer_names, find_analyzer

    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise input_error(f"{where}: expected a non-empty list of analyser names, got {value!r}")
    for name in value:
        analyzer = find_analyzer(name)
        if analyzer is None:
            raise input_error(
                f"{where}: unknown analyser {name!r}: use {', '.join(analyzer_names())}"
            )
        missing = analyzer.unavailable()
        if missing:
            raise input_error(f"{where}: {name} cannot run: {missing}")
    return tuple(dict.fromkeys(value))


def _globs(path: Path, value: Any) -> tuple[str, ...]:
    """The exclude list: strings that are valid gitignore-style patterns."""
    from devsecbots.ignore import check_glob

    where = f"{path}: [{TABLE}] exclude"
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise input_error(f"{where}: expected a list of glob strings, got {value!r}")
    for pattern in value:
        problem = check_glob(pattern)
        if problem:
            raise input_error(f"{where}: bad glob {pattern!r}: {problem}")
    return tuple(value)
