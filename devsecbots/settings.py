"""What each command is asked to do, and the run Context mapped to and from CLI values and the
metadata stored with a run. The field list lives in one place: `Context` (graphs/context.py)."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devsecbots.config import ProjectConfig
from devsecbots.errors import input_error
from devsecbots.graphs.context import Context


def cli_fields() -> list[dataclasses.Field]:
    """The Context fields that are CLI options (they have a flag)."""
    return [f for f in dataclasses.fields(Context) if f.metadata.get("flag")]


def flag_of(name: str) -> str:
    """The option a Context field is set with, as a person types it (e.g. --no-tests)."""
    flag = Context.__dataclass_fields__[name].metadata.get("flag", "")
    first = flag[0] if isinstance(flag, tuple) else flag
    return first.split("/")[0]


def context_from_cli(values: dict[str, Any], *, base: Context | None = None) -> Context:
    """Validate option values (keyed by Context field; `model` sets both models; `api_key` goes
    to the environment, never into the Context) and apply them on top of `base`."""
    values = dict(values)
    model, api_key = values.pop("model", ""), values.pop("api_key", "")
    if api_key:
        os.environ["OPENAI_API_KEY"] = api_key  # read by the client inside nodes; never stored
    if model:
        values["dev_model"] = values.get("dev_model") or model
        values["sec_model"] = values.get("sec_model") or model
    changes = {}
    for name, value in values.items():
        meta = Context.__dataclass_fields__[name].metadata
        if name == "analyzers" and isinstance(value, str):
            value = tuple(a.strip() for a in value.split(",") if a.strip())
        if name == "offline":
            value = True if value else None  # not given: offline only when no model is set
        choices = meta.get("choices") or ()
        if name == "analyzers":  # what is registered now, plug-ins included
            from devsecbots.nodes.analyzers.registry import analyzer_names

            choices = tuple(analyzer_names())
        _check(name, value, choices)
        changes[name] = value
    return dataclasses.replace(base or Context(), **changes)


def _check(name: str, value: Any, choices: tuple[str, ...]) -> None:
    """One-line input errors for values a flag does not accept."""
    flag = flag_of(name)
    if name == "base_url" and value and not str(value).startswith(("http://", "https://")):
        raise input_error(f"{flag} {value!r}: must start with http:// or https://")
    if not choices:
        return
    given = value if isinstance(value, tuple) else (value,)
    if not given or any(v not in choices for v in given):
        shown = ",".join(given) if isinstance(value, tuple) else value
        raise input_error(f"{flag} {shown!r}: choose from {', '.join(choices)}")


def context_to_metadata(ctx: Context) -> dict[str, Any]:
    """The Context as stored with a run (JSON values; per-process fields left out)."""
    stored = {}
    for f in dataclasses.fields(Context):
        if f.metadata.get("stored", True):
            value = getattr(ctx, f.name)
            stored[f.name] = list(value) if isinstance(value, tuple) else value
    return stored


def context_from_metadata(stored: dict[str, Any]) -> Context:
    """The Context a stored run had (unknown keys ignored, missing ones at their defaults)."""
    known: dict[str, Any] = {}
    for f in dataclasses.fields(Context):
        if f.name in stored and f.metadata.get("stored", True):
            value = stored[f.name]
            known[f.name] = tuple(value) if isinstance(value, list) else value
    return Context(**known)


RUN_METADATA_KEY = "devsecbots"


def run_metadata(ctx: Context, **run: Any) -> dict[str, Any]:
    """What a CLI run keeps in its checkpoints so `resume` can continue it: the Context, the
    models and server really used (flags or environment; never the API key), and `run` (the
    command, --out, --report, ...). Paths are stored as text."""
    stored = {**context_to_metadata(ctx), **resolved_models(ctx)}
    stored.update({k: (str(v) if isinstance(v, Path) else v) for k, v in run.items()})
    return {RUN_METADATA_KEY: stored}


def resolved_models(ctx: Context) -> dict[str, str]:
    """The models and server a run uses, so a resume does not depend on the environment."""
    if ctx.is_offline():
        return {}
    return {
        "dev_model": ctx.resolved_dev_model(),
        "sec_model": ctx.resolved_sec_model(),
        "base_url": ctx.resolved_base_url(),
    }


# --------------------------------------------------------------------------- per command


@dataclass
class Store:
    """Where runs are checkpointed: --db (None = default SQLite file) and whether to at all."""

    db: str | None = None
    persist: bool = True


@dataclass
class BuildSettings:
    """`build REQUEST --out DIR`."""

    request: str
    out: Path
    ctx: Context
    report: Path | None = None
    store: Store = field(default_factory=Store)


@dataclass
class InputSettings:
    """Which files of the input paths are read: the project config's and --exclude's globs
    (plus .gitignore), and whether every left-out file is listed."""

    config: ProjectConfig = field(default_factory=ProjectConfig)
    exclude: list[str] = field(default_factory=list)
    verbose: bool = False


@dataclass
class HardenSettings:
    """`harden PATH... --out DIR | --in-place` (one job; --concurrency makes one per path)."""

    paths: list[Path]
    ctx: Context
    out: Path | None = None
    in_place: bool = False
    request: str = ""
    report: Path | None = None
    store: Store = field(default_factory=Store)
    inputs: InputSettings = field(default_factory=InputSettings)


@dataclass
class ReviewSettings:
    """`review PATH... --format text|json|sarif [--output FILE] [--baseline ...]`."""

    paths: list[Path]
    ctx: Context
    format: str = "text"
    output: Path | None = None
    inputs: InputSettings = field(default_factory=InputSettings)
    baseline: Path | None = None
    baseline_ref: str | None = None


@dataclass
class ResumeSettings:
    """`resume THREAD`: the stored run, with these option values on top."""

    thread_id: str
    overrides: dict[str, Any] = field(default_factory=dict)  # Context fields given as flags
    db: str | None = None
    out: Path | None = None
    report: Path | None = None
    decision: str | None = None
    comment: str = ""


@dataclass
class HistorySettings:
    """`history THREAD [--round N --out DIR] [--format text|json]`."""

    thread_id: str
    db: str | None = None
    round_no: int | None = None
    out: Path | None = None
    format: str = "text"


@dataclass
class RunsSettings:
    """`runs [--limit N] [--format text|json]`."""

    db: str | None = None
    limit: int = 20
    format: str = "text"


@dataclass
class GraphSettings:
    """`graph [--format mermaid|ascii|png] [--out FILE]`."""

    format: str = "mermaid"
    out: Path | None = None
