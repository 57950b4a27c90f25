"""Per-run settings (LangGraph `context_schema`): models, limits and policy."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Literal

from devsecbots.nodes.analyzers.registry import default_analyzers

# The same levels as graphs.state.Severity (a test keeps them equal), spelled here so that
# the CLI can read the settings without importing the state models (pydantic): start-up time.
Severity = Literal["low", "medium", "high", "critical"]
Confidence = Literal["low", "medium", "high"]
StructuredMethod = Literal["json_schema", "function_calling", "json_mode"]
DEFAULT_ANALYZERS = default_analyzers()  # from the analyzer registry (bandit, semgrep)


def setting(
    default: Any,
    flag: str | tuple[str, ...] = "",
    description: str = "",
    *,
    choices: tuple[str, ...] = (),
    stored: bool = True,
    **limits: float,
) -> Any:
    """A Context field with what the CLI derives from it: its `flag` (none = not a CLI option),
    help text, allowed `choices`, numeric `limits` (min/max), and whether a run stores it."""
    return field(
        default=default,
        metadata={
            "description": description,
            "flag": flag,
            "choices": choices,
            "stored": stored,
            "limits": limits,
        },
    )


@dataclass(kw_only=True)
class Context:
    """Settings for one run; nodes read them from `runtime.context`.

    This is the one definition of the run settings: the CLI options (flag, default, help), the
    metadata stored with a run and what `devsecbots resume` restores are derived from these
    fields (devsecbots/settings.py, devsecbots/options.py). A new setting is a new field here.
    """

    dev_model: str = setting("", "--dev-model", "DevBot's model (overrides --model).")
    sec_model: str = setting("", "--sec-model", "SecBot's model (overrides --model).")
    base_url: str = setting(
        "",
        "--base-url",
        "Any OpenAI-compatible server, e.g. http://localhost:11434/v1 (env OPENAI_BASE_URL).",
    )
    structured_method: StructuredMethod = setting(
        "json_schema",
        "--structured-method",
        "How models return structured answers.",
        choices=("json_schema", "function_calling", "json_mode"),
    )
    max_rounds: int = setting(
        4, "--max-rounds", "Stop after this many DevBot rounds.", min=1, max=50
    )
    blocking_severity: Severity = setting(
        "medium",
        "--blocking-severity",
        "Findings at or above this severity block approval.",
        choices=("low", "medium", "high", "critical"),
    )
    min_confidence: Confidence = setting(
        "medium",
        "--min-confidence",
        "Findings below this confidence are reported but do not block.",
        choices=("low", "medium", "high"),
    )
    block_tests: bool = setting(
        False,
        "--block-tests",
        "Let findings in tests, examples, migrations and development settings block too "
        "(default: reported only).",
    )
    analyzers: tuple[str, ...] = setting(
        DEFAULT_ANALYZERS, "--analyzers", "Comma-separated analysers.", choices=DEFAULT_ANALYZERS
    )
    offline: bool | None = setting(
        None,
        "--offline",
        "Use no model: analyser SecBot, autofix DevBot (default: offline when no model is set).",
    )
    stall_rounds: int = setting(2, description="Rounds without progress before a run stalls")
    max_tokens_budget: int = setting(
        0,
        "--max-tokens-budget",
        "Stop when the run has used this many tokens (0 = no limit).",
        min=0,
    )
    request_timeout: float = setting(
        120.0,
        "--request-timeout",
        "Seconds to wait for one model answer before retrying.",
        min=0.1,
    )
    max_retries: int = setting(
        3,
        "--max-retries",
        "Retries of a failed model call (429/5xx/timeouts, with backoff honouring Retry-After).",
        min=0,
        max=20,
    )
    max_wall_time: float = setting(
        0.0,
        "--max-wall-time",
        "Stop once the run has taken this many seconds, cutting short a model call in flight "
        "(0 = no limit).",
        min=0,
    )
    started_at: float = setting(
        0.0,
        description="Epoch seconds this run (or resume) started; set by the runner",
        stored=False,
    )
    temperature: float | None = setting(None, description="Sampling temperature; None = server's")
    human_review: bool = setting(
        False,
        "--human-review",
        "Pause before the run ends approved: a person approves, rejects with a comment for "
        "DevBot (the loop goes on), or stops the run.",
    )
    run_tests: bool = setting(
        True,
        "--tests/--no-tests",
        "Run the input's own tests, sandboxed, after every round.",
    )
    tests_python: str = setting(
        "",
        ("--python", "--app-python"),
        "A Python with the input's requirements and pytest, for its tests and the probes "
        "(default: a venv found in the input, else one built from its requirements and cached).",
    )
    probe: bool = setting(
        True,
        "--probe/--no-probe",
        "Once the static checks are clean, attack the running app in the sandbox through its "
        "framework's test client; every failed attack blocks.",
    )
    probe_timeout: float = setting(
        60.0, description="Seconds the probe stage may take before it reports 'not probed'"
    )
    audit_deps: bool = setting(
        False,
        "--audit-deps",
        "Audit the pinned requirements with pip-audit (needs the network); known-vulnerable "
        "versions block.",
    )

    def resolved_dev_model(self) -> str:
        """DevBot's model: the flag, then DEVSECBOTS_DEV_MODEL, then DEVSECBOTS_MODEL."""
        return self.dev_model or os.environ.get("DEVSECBOTS_DEV_MODEL", "") or _default_model()

    def resolved_sec_model(self) -> str:
        """SecBot's model: the flag, then DEVSECBOTS_SEC_MODEL, then DEVSECBOTS_MODEL."""
        return self.sec_model or os.environ.get("DEVSECBOTS_SEC_MODEL", "") or _default_model()

    def resolved_base_url(self) -> str:
        """The server: the flag, then OPENAI_BASE_URL; empty means api.openai.com."""
        return self.base_url or os.environ.get("OPENAI_BASE_URL", "")

    def is_offline(self) -> bool:
        """Whether this run uses no model: asked for, or no model configured anywhere."""
        if self.offline is not None:
            return self.offline
        return not (self.resolved_dev_model() or self.resolved_sec_model())


def _default_model() -> str:
    """DEVSECBOTS_MODEL, or OpenAI's default model when only an OpenAI key is present."""
    explicit = os.environ.get("DEVSECBOTS_MODEL", "")
    if explicit:
        return explicit
    if os.environ.get("OPENAI_API_KEY") and not os.environ.get("OPENAI_BASE_URL"):
        return "gpt-4.1-mini"
    return ""


def context_of(runtime: object) -> Context:
    """The run's Context, or defaults when the caller passed none (Studio, plain invoke)."""
    ctx = getattr(runtime, "context", None)
    if ctx is None:
        return Context()
    if isinstance(ctx, dict):  # the server passes context as a plain mapping
        known = {k: v for k, v in ctx.items() if k in Context.__dataclass_fields__}
        if "analyzers" in known and isinstance(known["analyzers"], list):
            known["analyzers"] = tuple(known["analyzers"])
        return Context(**known)
    return ctx
