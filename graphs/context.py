"""Per-run settings (LangGraph `context_schema`): models, limits and policy."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Literal

from devsecbots.graphs.state import Severity

StructuredMethod = Literal["json_schema", "function_calling", "json_mode"]
DEFAULT_ANALYZERS = ("bandit", "semgrep")


@dataclass(kw_only=True)
class Context:
    """Settings for one run; nodes read them from `runtime.context`."""

    dev_model: str = field(default="", metadata={"description": "DevBot's model name"})
    sec_model: str = field(default="", metadata={"description": "SecBot's model name"})
    base_url: str = field(
        default="", metadata={"description": "Any OpenAI-compatible server; empty = OpenAI"}
    )
    structured_method: StructuredMethod = "json_schema"
    max_rounds: int = 4
    blocking_severity: Severity = "medium"
    analyzers: tuple[str, ...] = DEFAULT_ANALYZERS
    offline: bool | None = field(
        default=None,
        metadata={"description": "True: no model at all; None: offline when no model is set"},
    )
    stall_rounds: int = 2
    max_tokens_budget: int = 0  # 0 = unlimited
    request_timeout: float = 120.0
    max_retries: int = 3
    max_wall_time: float = 0.0  # seconds; 0 = unlimited; checked at the end of every round
    started_at: float = field(
        default=0.0,
        metadata={"description": "Epoch seconds this run (or resume) started; set by the runner"},
    )
    temperature: float | None = None
    human_review: bool = False
    run_tests: bool = True
    probe: bool = field(
        default=True,
        metadata={"description": "Attack the app in the sandbox once the static checks are clean"},
    )
    app_python: str = field(
        default="", metadata={"description": "Python with the app's requirements, for the probes"}
    )
    probe_timeout: float = 60.0

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
