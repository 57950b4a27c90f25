"""Build the chat models from the run's context and ask them for validated structured output."""

from __future__ import annotations

import json
import os
import re
import time
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from devsecbots.graphs.context import Context
from devsecbots.graphs.state import Usage
from devsecbots.nodes.errors import (
    ModelAnswerTooLarge,
    ModelConfigError,
    ModelOutputError,
    WallTimeExceeded,
)
from devsecbots.nodes.redact import redact_error
from langchain_core.exceptions import ModelRefusalError
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel, SecretStr, ValidationError

from devsecbots import prompts

# The OpenAI SDK and langchain-openai (and http_limits, built on them) load at the first model
# call: importing the nodes (and so compiling the graph) stays fast, and offline runs never pay.
if TYPE_CHECKING:
    from langchain_openai import ChatOpenAI

Role = Literal["dev", "sec"]
Schema = TypeVar("Schema", bound=BaseModel)
_LOCAL_PLACEHOLDER_KEY = "not-needed"  # local servers (Ollama, vLLM) accept any key
# A 200 the client cannot read: broken JSON body, `choices: []` (langchain's IndexError), or a
# body the SDK rejects (openai.APIResponseValidationError). The SDK does not retry these, so
# ask_structured does (same backoff).
_PYDANTIC_URL = re.compile(r"\s*For further information visit \S+")


def load_client() -> None:
    """Import the model client now rather than at the first call: a run measuring its wall time
    starts the clock after this, so seconds of importing on a busy machine are not the run's."""
    import devsecbots.nodes.http_limits  # noqa: F401
    import langchain_openai  # noqa: F401


def chat_model(ctx: Context, role: Role) -> ChatOpenAI:
    """The ChatOpenAI client for DevBot ('dev') or SecBot ('sec'); the key comes from the env."""
    from devsecbots.nodes.http_limits import limited_client
    from langchain_openai import ChatOpenAI

    model = ctx.resolved_dev_model() if role == "dev" else ctx.resolved_sec_model()
    if not model:
        raise ModelConfigError(
            "no model configured: pass --model (or --dev-model/--sec-model), set DEVSECBOTS_MODEL "
            "or OPENAI_API_KEY, or run offline with `devsecbots harden`"
        )
    base_url = ctx.resolved_base_url() or None
    api_key = os.environ.get("OPENAI_API_KEY") or (_LOCAL_PLACEHOLDER_KEY if base_url else "")
    if not api_key:
        raise ModelConfigError(
            "OPENAI_API_KEY is not set: export it, or point --base-url at a local "
            "OpenAI-compatible server"
        )
    return ChatOpenAI(
        model=model,
        base_url=base_url,
        api_key=SecretStr(api_key),
        timeout=ctx.request_timeout,
        max_retries=ctx.max_retries,
        temperature=ctx.temperature,
        stream_usage=True,
        http_client=limited_client(),  # size and wall-time limits, applied while answers arrive
    )


def ask_structured(
    ctx: Context,
    role: Role,
    schema: type[Schema],
    system: str,
    task: str,
    *,
    round_no: int,
    node: str,
) -> tuple[Schema, list[Usage]]:
    """Ask for `schema`; on invalid output re-ask once with the validation error, then give up."""
    from devsecbots.nodes.http_limits import CallLimits, call_limits

    model = chat_model(ctx, role)
    # A JSON-schema dict (not the class) keeps validation ours: the raw reply and its token
    # usage survive an invalid answer, and the validation error can be fed back to the model.
    runnable = model.with_structured_output(
        schema.model_json_schema(), method=ctx.structured_method, include_raw=True
    )
    messages: list[BaseMessage] = [SystemMessage(system), HumanMessage(task)]
    usage: list[Usage] = []
    error = ""
    with call_limits(CallLimits(deadline=deadline_of(ctx))):
        for attempt in range(2):
            result = _invoke_readable(runnable, messages, ctx, role, model.model_name)
            usage.append(_usage_of(result.get("raw"), round_no, node, model.model_name))
            parsed, error = _validate(schema, result)
            if parsed is not None:
                return parsed, usage
            if attempt == 0:
                messages = [*messages, HumanMessage(prompts.render("reask", error=error))]
    who = "DevBot" if role == "dev" else "SecBot"
    raise ModelOutputError(
        f"{who}'s model ({model.model_name}) gave invalid output twice: {error}; "
        "try another model or --structured-method function_calling"
    )


def deadline_of(ctx: Context) -> float | None:
    """Epoch seconds at which the run's --max-wall-time runs out; None when unlimited."""
    if ctx.max_wall_time and ctx.started_at:
        return ctx.started_at + ctx.max_wall_time
    return None


def time_limit_update(out_of_time: WallTimeExceeded, who: str) -> dict:
    """The state update that ends the run when its wall time ran out during `who`'s model call.

    Same status and reason as the approval check's round-end test of the limit.
    """
    return {
        "status": "time_limit",
        "reason": f"{out_of_time} (during {who}'s model call)",
        "notes": [f"the wall time ran out during {who}'s model call"],
    }


def _validate(schema: type[Schema], result: dict) -> tuple[Schema | None, str]:
    """The validated object, or None and a one-line reason the answer was unusable."""
    raw, parsed, err = result.get("raw"), result.get("parsed"), result.get("parsing_error")
    if err is None and isinstance(parsed, dict):
        try:
            return schema.model_validate(parsed), ""
        except ValidationError as invalid:
            err = invalid
    if err is None:
        refusal = getattr(raw, "additional_kwargs", {}).get("refusal") if raw else None
        return None, (f"the model refused: {refusal}" if refusal else "the answer held no object")
    if isinstance(err, ModelRefusalError):
        return None, f"the model refused: {err}"
    text = _PYDANTIC_URL.sub("", " ".join(str(err).split())).strip()
    return None, text[:400] + ("…" if len(text) > 400 else "")


def _invoke_readable(
    runnable: Any, messages: list[BaseMessage], ctx: Context, role: Role, model: str
) -> dict:
    """Invoke; retry an unreadable answer up to ctx.max_retries times with backoff, then fail.

    Limits become domain errors here: an answer cut off for size is ModelAnswerTooLarge, and a
    call cut short by the wall time (or a retry that would cross it) is WallTimeExceeded.
    """
    import openai
    from devsecbots.nodes.http_limits import AnswerTooLarge, DeadlinePassed

    unreadable = (json.JSONDecodeError, IndexError, openai.APIResponseValidationError)
    who = "DevBot" if role == "dev" else "SecBot"
    for attempt in range(ctx.max_retries + 1):
        try:
            return runnable.invoke(messages)
        except unreadable as err:
            problem = "no choices" if isinstance(err, IndexError) else "malformed JSON"
            pause = min(0.5 * 2**attempt, 8.0)
            if attempt == ctx.max_retries:
                raise ModelOutputError(
                    f"{who}'s model server returned an unreadable answer ({problem}) for {model} "
                    f"{attempt + 1} time(s); check --base-url or try again later"
                ) from err
            _check_time_left(ctx, pause, err)
            time.sleep(pause)
        except AnswerTooLarge as err:
            raise ModelAnswerTooLarge(f"{who}'s model ({model}): {err}; nothing was kept") from None
        except DeadlinePassed as err:
            raise _out_of_time(ctx) from err
        except openai.APIError as err:
            redact_error(err)
            _check_time_left(ctx, 0.0, err)  # a timeout at the capped deadline is the wall time
            raise
    raise AssertionError("unreachable")


def _check_time_left(ctx: Context, needed: float, cause: BaseException) -> None:
    """Raise WallTimeExceeded when less than `needed` seconds of the run's wall time are left."""
    deadline = deadline_of(ctx)
    if deadline is not None and time.time() + needed >= deadline:
        raise _out_of_time(ctx) from cause


def _out_of_time(ctx: Context) -> WallTimeExceeded:
    return WallTimeExceeded(ctx.max_wall_time, time.time() - ctx.started_at)


def _usage_of(raw: object, round_no: int, node: str, model: str) -> Usage:
    meta = getattr(raw, "usage_metadata", None) or {}
    return Usage(
        round=round_no,
        node=node,
        model=model,
        input_tokens=int(meta.get("input_tokens", 0)),
        output_tokens=int(meta.get("output_tokens", 0)),
    )
