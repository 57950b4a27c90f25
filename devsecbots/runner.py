"""Stream a run of the graph with live progress, and turn failures into clear CLI errors."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from typing import Any

import openai
from langgraph.errors import GraphRecursionError
from rich.console import Console

from devsecbots.errors import CliError, input_error, redact, runtime_error
from devsecbots.progress import ProgressPrinter
from graphs.context import Context
from graphs.devsec import ExtraNode, build_graph, recursion_limit
from graphs.state import DevSecState
from nodes.errors import DevSecError


def run_config(ctx: Context, thread_id: str, metadata: dict[str, Any], extra: int = 0) -> dict:
    """The LangGraph config for one run: thread, recursion limit, metadata kept with the run."""
    return {
        "configurable": {"thread_id": thread_id},
        "recursion_limit": recursion_limit(ctx.max_rounds, extra),
        "metadata": metadata,
    }


def run_graph(
    inputs: dict[str, Any] | None,
    ctx: Context,
    *,
    thread_id: str,
    checkpointer: Any,
    console: Console,
    metadata: dict[str, Any] | None = None,
    extra_nodes: Sequence[ExtraNode] = (),
    resumable: bool = True,
) -> DevSecState:
    """Run (inputs given) or continue (inputs None) a thread to its end; return the final state."""
    if not ctx.started_at:  # the wall-time limit counts from here (a resume starts afresh)
        ctx = dataclasses.replace(ctx, started_at=time.time())
    graph = build_graph(checkpointer, extra_nodes=extra_nodes)
    config = run_config(ctx, thread_id, metadata or {}, len(extra_nodes))
    printer = ProgressPrinter(console, offline=ctx.is_offline())
    final: DevSecState = {}
    try:
        for mode, chunk in graph.stream(
            inputs, config, context=ctx, stream_mode=["tasks", "updates", "values"]
        ):
            if mode == "tasks" and "result" not in chunk and "error" not in chunk:
                printer.started(chunk["name"], chunk.get("input") or {})
            elif mode == "updates":
                for node, update in chunk.items():
                    if not node.startswith("__") and isinstance(update, dict):
                        printer.updated(node, update)
            elif mode == "values":
                final = chunk
    except KeyboardInterrupt:
        raise runtime_error("interrupted" + _resume_hint(thread_id, resumable)) from None
    except Exception as err:  # noqa: BLE001 - every failure becomes one clear line
        raise classify_error(err, ctx, thread_id, resumable) from err
    finally:
        printer.close()
    return final


def classify_error(err: Exception, ctx: Context, thread_id: str, resumable: bool) -> CliError:
    """Map a failure inside the graph to a one-line message and exit code 2 or 3."""
    hint = _resume_hint(thread_id, resumable)
    server = ctx.resolved_base_url() or "api.openai.com"
    if isinstance(err, CliError):
        return err
    if isinstance(err, DevSecError) or hasattr(err, "exit_code"):
        code = getattr(err, "exit_code", 3)
        message = redact(str(err))
        return CliError(message + (hint if code == 3 else ""), code)
    if isinstance(err, openai.APITimeoutError):
        return runtime_error(f"model server {server} did not answer in {ctx.request_timeout:g}s{hint}")
    if isinstance(err, openai.APIConnectionError):
        return runtime_error(f"cannot reach the model server at {server}{hint}")
    if isinstance(err, openai.AuthenticationError | openai.PermissionDeniedError):
        return input_error(f"the model server {server} rejected the API key (HTTP {err.status_code})")
    if isinstance(err, openai.NotFoundError):
        return input_error(f"the model server {server} does not know that model or path: "
                           f"{_short(err)}; check --model and --base-url")
    if isinstance(err, openai.RateLimitError):
        return runtime_error(f"model server {server} kept rate-limiting after retries{hint}")
    if isinstance(err, openai.BadRequestError):
        return input_error(f"the model server rejected the request: {_short(err)}; "
                           "try --structured-method function_calling")
    if isinstance(err, openai.APIStatusError):
        return runtime_error(f"model server {server} failed with HTTP {err.status_code}{hint}")
    if isinstance(err, GraphRecursionError):
        return runtime_error(f"the run exceeded its step limit{hint}")
    return runtime_error(f"{type(err).__name__}: {_short(err)}{hint}")


def _resume_hint(thread_id: str, resumable: bool) -> str:
    return f"; resume with `devsecbots resume {thread_id}`" if resumable else ""


def _short(err: BaseException) -> str:
    text = redact(" ".join(str(err).split()))
    return text[:300] + ("…" if len(text) > 300 else "")
