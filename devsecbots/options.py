"""Command-line options shared by several commands, and the run Context they build."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from devsecbots.errors import input_error
from devsecbots.graphs.context import DEFAULT_ANALYZERS, Context
from devsecbots.nodes.analyzers.registry import analyzer_names

Model = Annotated[
    str, typer.Option("--model", "-m", help="Model for both bots (env DEVSECBOTS_MODEL).")
]
DevModel = Annotated[str, typer.Option("--dev-model", help="DevBot's model (overrides --model).")]
SecModel = Annotated[str, typer.Option("--sec-model", help="SecBot's model (overrides --model).")]
BaseUrl = Annotated[
    str,
    typer.Option(
        "--base-url",
        help="Any OpenAI-compatible server, e.g. http://localhost:11434/v1 (env OPENAI_BASE_URL).",
    ),
]
ApiKey = Annotated[
    str,
    typer.Option(
        "--api-key",
        envvar="OPENAI_API_KEY",
        show_envvar=True,
        show_default=False,
        help="API key; prefer the environment variable.",
    ),
]
Method = Annotated[
    str, typer.Option("--structured-method", help="json_schema | function_calling | json_mode.")
]
MaxRounds = Annotated[
    int, typer.Option("--max-rounds", min=1, max=50, help="Stop after this many DevBot rounds.")
]
Report = Annotated[
    Path | None,
    typer.Option("--report", help="Write the JSON report here (default: inside --out)."),
]
Offline = Annotated[
    bool, typer.Option("--offline", help="Use no model: analyser SecBot, autofix DevBot.")
]
Blocking = Annotated[
    str, typer.Option("--blocking-severity", help="low | medium | high | critical.")
]
Analyzers = Annotated[
    str, typer.Option("--analyzers", help=f"Comma-separated: {','.join(analyzer_names())}.")
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
Budget = Annotated[
    int,
    typer.Option(
        "--max-tokens-budget",
        min=0,
        help="Stop when the run has used this many tokens (0 = no limit).",
    ),
]
RequestTimeout = Annotated[
    float,
    typer.Option(
        "--request-timeout", min=0.1, help="Seconds to wait for one model answer before retrying."
    ),
]
MaxRetries = Annotated[
    int,
    typer.Option(
        "--max-retries",
        min=0,
        max=20,
        help="Retries of a failed model call (429/5xx/timeouts, with backoff honouring Retry-After).",
    ),
]
MaxWallTime = Annotated[
    float,
    typer.Option(
        "--max-wall-time",
        min=0,
        help="End the run once it has taken this many seconds, also mid model call (0 = no limit).",
    ),
]
TestsPython = Annotated[
    Path | None,
    typer.Option(
        "--python",
        help="Python to run the input's tests with (needs pytest); default: a .venv/venv in the "
        "input, else a cached venv built from its requirements.",
    ),
]
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


def make_context(
    *,
    model: str = "",
    dev_model: str = "",
    sec_model: str = "",
    base_url: str = "",
    api_key: str = "",
    structured_method: str = "json_schema",
    max_rounds: int = 4,
    offline: bool = False,
    blocking_severity: str = "medium",
    analyzers: str = ",".join(DEFAULT_ANALYZERS),
    max_tokens_budget: int = 0,
    request_timeout: float = 120.0,
    max_retries: int = 3,
    max_wall_time: float = 0.0,
) -> Context:
    """Validate the options and build the run's Context (the API key stays in the environment)."""
    check_model_options(structured_method=structured_method, base_url=base_url, api_key=api_key)
    if blocking_severity not in ("low", "medium", "high", "critical"):
        raise input_error(
            f"--blocking-severity {blocking_severity!r}: use low, medium, high or critical"
        )
    names = tuple(a.strip() for a in analyzers.split(",") if a.strip())
    unknown = [a for a in names if a not in analyzer_names()]
    if unknown or not names:
        raise input_error(f"--analyzers {analyzers!r}: choose from {', '.join(analyzer_names())}")
    if model:
        dev_model, sec_model = dev_model or model, sec_model or model
    return Context(
        dev_model=dev_model,
        sec_model=sec_model,
        base_url=base_url,
        structured_method=structured_method,  # type: ignore[arg-type]
        max_rounds=max_rounds,
        blocking_severity=blocking_severity,  # type: ignore[arg-type]
        analyzers=names,
        offline=True if offline else None,
        max_tokens_budget=max_tokens_budget,
        request_timeout=request_timeout,
        max_retries=max_retries,
        max_wall_time=max_wall_time,
    )


def check_model_options(*, structured_method: str, base_url: str, api_key: str) -> None:
    """Validate the model flags ('' = not given) and put a flag-given key where clients read it."""
    if structured_method not in ("", "json_schema", "function_calling", "json_mode"):
        raise input_error(
            f"--structured-method {structured_method!r}: use json_schema, function_calling or json_mode"
        )
    if base_url and not base_url.startswith(("http://", "https://")):
        raise input_error(f"--base-url {base_url!r}: must start with http:// or https://")
    if api_key:
        os.environ["OPENAI_API_KEY"] = api_key  # read by the client inside nodes; never stored


def context_metadata(ctx: Context, **extra: object) -> dict:
    """What is kept with a run so `resume` can continue it (never the API key)."""
    return {
        "devsecbots": {
            "dev_model": ctx.dev_model,
            "sec_model": ctx.sec_model,
            "base_url": ctx.base_url,
            "structured_method": ctx.structured_method,
            "max_rounds": ctx.max_rounds,
            "blocking_severity": ctx.blocking_severity,
            "analyzers": list(ctx.analyzers),
            "offline": ctx.offline,
            "max_tokens_budget": ctx.max_tokens_budget,
            "request_timeout": ctx.request_timeout,
            "max_retries": ctx.max_retries,
            "max_wall_time": ctx.max_wall_time,
            **{k: (str(v) if isinstance(v, Path) else v) for k, v in extra.items()},
        }
    }
