"""Command-line options: the run settings' options derived from `Context`, and the others that
several commands share. Imports nothing heavy: `devsecbots --help` must start at once."""

from __future__ import annotations

import dataclasses
import functools
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from devsecbots.graphs.context import Context
from devsecbots.settings import context_from_cli

# Options that are not Context fields: `--model` fills both models, the key stays in the env.
_EXTRA: dict[str, tuple[type, str, tuple[str, ...], dict[str, Any]]] = {
    "model": (
        str,
        "",
        ("--model", "-m"),
        {"help": "Model for both bots (env DEVSECBOTS_MODEL)."},
    ),
    "api_key": (
        str,
        "",
        ("--api-key",),
        {
            "envvar": "OPENAI_API_KEY",
            "show_envvar": True,
            "show_default": False,
            "help": "API key; prefer the environment variable.",
        },
    ),
}


def _field_option(name: str, keep_stored: bool) -> tuple[type, Any]:
    """(type, typer.Option) for the Context field `name`, default and help from the field."""
    f = Context.__dataclass_fields__[name]
    meta = f.metadata
    default = f.default
    help_text = meta.get("description", "")
    if meta.get("choices"):
        sep = "," if isinstance(default, tuple) else " | "
        help_text += f" ({sep.join(meta['choices'])})"
    limits = {k: v for k, v in meta.get("limits", {}).items() if k in ("min", "max")}
    kind: Any  # the option's type and default, as typer reads them
    cli_default: Any
    if isinstance(default, bool) or default is None:
        kind, cli_default = bool, bool(default)
    elif isinstance(default, tuple):
        kind, cli_default = str, ",".join(default)
    else:
        kind, cli_default = type(default), default
    if keep_stored:  # resume: an option not given keeps what the run stored
        kind, cli_default = kind | None, None
        help_text = f"{help_text} Default: what the run used."
    flags = meta["flag"] if isinstance(meta["flag"], tuple) else (meta["flag"],)
    option = typer.Option(cli_default, *flags, help=help_text, **limits)
    return kind, option


def _extra_option(name: str, keep_stored: bool) -> tuple[type, Any]:
    kind, default, flags, kwargs = _EXTRA[name]
    if keep_stored and name == "model":
        kwargs = {**kwargs, "help": "Override the run's models (both bots)."}
    return kind, typer.Option(default, *flags, **kwargs)


def with_context(*names: str, keep_stored: bool = False) -> Callable[[Callable], Callable]:
    """Give a command the options of these Context fields (plus `model`, `api_key`).

    The wrapped function receives `ctx` (a validated Context) instead of the option values; with
    `keep_stored` (resume) it receives `overrides`: only the options given, to apply on top of
    a stored run. Flags, defaults and help all come from the Context field.
    """

    def decorate(func: Callable) -> Callable:
        own = [
            p
            for p in inspect.signature(func, eval_str=True).parameters.values()
            if p.name not in ("ctx", "overrides")
        ]
        added = []
        hints = {k: v for k, v in func.__annotations__.items() if k not in ("ctx", "overrides")}
        for name in names:
            make = _extra_option if name in _EXTRA else _field_option
            kind, option = make(name, keep_stored)
            added.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=option))
            hints[name] = kind
        # typer passes the click context to a parameter annotated typer.Context: it tells which
        # options were typed and which were left at their defaults.
        added.append(inspect.Parameter(_CLICK, inspect.Parameter.KEYWORD_ONLY))
        hints[_CLICK] = typer.Context

        @functools.wraps(func)
        def command(**values: Any) -> Any:
            click_context = values.pop(_CLICK, None)
            given = {n: values.pop(n) for n in names}
            if keep_stored:
                return func(**values, overrides={k: v for k, v in given.items() if v})
            if "config" in values:  # the command reads [tool.devsecbots]; flags given win
                from devsecbots.config import project_config

                project = project_config(values["paths"], values["config"])
                values["config"] = project
                typed = _typed_on_command_line(click_context, names)
                given = {n: v for n, v in given.items() if n in typed or n not in project.settings}
                base = dataclasses.replace(Context(), **project.settings)
                return func(**values, ctx=context_from_cli(given, base=base))
            return func(**values, ctx=context_from_cli(given))

        own = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own]
        command.__signature__ = inspect.Signature(own + added)  # type: ignore[attr-defined]
        command.__annotations__ = hints
        return command

    return decorate


_CLICK = "cli_context"


def _typed_on_command_line(current: Any, names: tuple[str, ...]) -> set[str]:
    """The options among `names` the person gave (flag or environment), not left at default."""
    if current is None:  # called as a function: every value counts as given
        return set(names)
    # typer may bring its own copy of click: compare the ParameterSource by name
    sources = {n: getattr(current.get_parameter_source(n), "name", "DEFAULT") for n in names}
    return {n for n, source in sources.items() if source not in ("DEFAULT", "DEFAULT_MAP")}


MODEL_OPTIONS = ("model", "dev_model", "sec_model", "base_url", "api_key", "structured_method")
LIMIT_OPTIONS = ("max_tokens_budget", "request_timeout", "max_retries", "max_wall_time")
POLICY_OPTIONS = ("blocking_severity", "min_confidence", "block_tests", "analyzers")

Report = Annotated[
    Path | None,
    typer.Option("--report", help="Write the JSON report here (default: inside --out)."),
]
Db = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Run database: a SQLite path (default in the user data dir) or postgresql://... .",
    ),
]
NoPersist = Annotated[
    bool, typer.Option("--no-persist", help="Keep no checkpoints (the run cannot be resumed).")
]
AuditDeps = Annotated[
    bool,
    typer.Option(
        "--audit-deps",
        help="pip-audit the pinned requirements (needs the network and devsecbots[audit]); "
        "known-vulnerable versions block approval.",
    ),
]
Out = Annotated[Path, typer.Option("--out", "-o", help="Directory the results are written to.")]
Concurrency = Annotated[
    int | None,
    typer.Option(
        "--concurrency",
        "-j",
        min=1,
        max=64,
        help="One independent job per input path, this many at a time (results in --out/<name>/).",
    ),
]
ThreadId = Annotated[
    str, typer.Argument(help="The thread id a run printed (see `devsecbots runs`).")
]
OptionalOut = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Write the results here instead of the run's own --out."),
]
Config = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="Read [tool.devsecbots] from this TOML file (default: the nearest pyproject.toml "
        "that has the table, from the input up to the repository root).",
    ),
]
Exclude = Annotated[
    list[str] | None,
    typer.Option(
        "--exclude",
        help="Leave out files matching this gitignore-style glob (repeatable; adds to the "
        "config's exclude). .gitignore files are respected; paths named explicitly are read.",
    ),
]
Verbose = Annotated[
    bool, typer.Option("--verbose", "-v", help="List every skipped and excluded file.")
]
