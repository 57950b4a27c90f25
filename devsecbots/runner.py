"""Stream a run of the graph with live progress, and turn failures into clear CLI errors."""

from __future__ import annotations

import dataclasses
import os
import signal
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, cast

import openai
from langchain_core.runnables import RunnableConfig
from langgraph.errors import GraphRecursionError
from langgraph.types import Command, StreamMode
from rich.console import Console

from devsecbots.errors import (
    EXIT_BAD_INPUT,
    EXIT_RUNTIME,
    CliError,
    exit_code_for,
    input_error,
    redact,
    runtime_error,
)
from devsecbots.graphs.context import Context
from devsecbots.graphs.devsec import ExtraNode, build_graph, recursion_limit
from devsecbots.graphs.state import DevSecState, InputState
from devsecbots.nodes.errors import DevSecError
from devsecbots.nodes.llm import load_client
from devsecbots.progress import ProgressPrinter
from devsecbots.store import encode_metadata
from devsecbots.text import escape

STREAM_MODES: list[StreamMode] = ["tasks", "updates", "values"]


def run_config(
    ctx: Context, thread_id: str, metadata: dict[str, Any], extra: int = 0
) -> RunnableConfig:
    """The LangGraph config for one run: thread, recursion limit, metadata kept with the run."""
    return {
        "configurable": {"thread_id": thread_id},
        "recursion_limit": recursion_limit(ctx.max_rounds, extra),
        "metadata": encode_metadata(metadata),
    }


def run_graph(
    inputs: InputState | Command | None,
    ctx: Context,
    *,
    thread_id: str,
    checkpointer: Any,
    console: Console,
    metadata: dict[str, Any] | None = None,
    extra_nodes: Sequence[ExtraNode] = (),
    resumable: bool = True,
    decide: Callable[[dict[str, Any]], dict[str, Any] | None] | None = None,
) -> DevSecState:
    """Run (inputs given) or continue (inputs None, or a Command) a thread to its end.

    When the graph pauses for human review, `decide(payload)` gives the person's answer and the
    run goes on; without an answer the run stays paused (exit 3, resumable).
    """
    if not ctx.is_offline():
        load_client()  # imported lazily by the nodes; not part of the run's wall time
    if not ctx.started_at:  # the wall-time limit counts from here (a resume starts afresh)
        ctx = dataclasses.replace(ctx, started_at=time.time())
    graph = build_graph(checkpointer, extra_nodes=extra_nodes)
    config = run_config(ctx, thread_id, metadata or {}, len(extra_nodes))
    printer = ProgressPrinter(console, offline=ctx.is_offline())
    final: DevSecState = {}
    previous = _exit_on_ctrl_c(printer, thread_id, resumable)
    try:
        while True:
            paused: list[Any] = []
            # durability="sync": a node's result is on disk before the next node starts, so a
            # crash never makes `resume` repeat a finished model call.
            # With several stream modes each item is (mode, chunk); LangGraph's overloads type
            # the items as one mode's chunks.
            mode: str
            chunk: Any
            for mode, chunk in graph.stream(
                inputs,
                config,
                context=ctx,
                stream_mode=STREAM_MODES,
                durability="sync",
            ):
                if mode == "tasks" and "result" not in chunk and "error" not in chunk:
                    printer.started(chunk["name"], chunk.get("input") or {})
                elif mode == "updates":
                    paused = list(chunk.get("__interrupt__") or paused)
                    for node, update in chunk.items():
                        if not node.startswith("__") and isinstance(update, dict):
                            printer.updated(node, update)
                elif mode == "values":
                    final = cast(
                        DevSecState, {k: v for k, v in chunk.items() if k != "__interrupt__"}
                    )
            if not paused:
                break
            printer.close()
            payload = paused[0].value if isinstance(paused[0].value, dict) else {}
            answer = decide(payload) if decide else None
            if answer is None:
                raise runtime_error(_paused_message(thread_id, payload, resumable))
            inputs = Command(resume=answer)
    except KeyboardInterrupt:
        raise runtime_error("interrupted" + _resume_hint(thread_id, resumable)) from None
    except Exception as err:  # noqa: BLE001 - every failure becomes one clear line
        raise classify_error(err, ctx, thread_id, resumable) from err
    finally:
        printer.close()
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    return final


def _exit_on_ctrl_c(printer: ProgressPrinter, thread_id: str, resumable: bool) -> Any:
    """Make Ctrl-C end the process at once (exit 3, resume hint); return the old handler.

    A KeyboardInterrupt would wait for the model call in flight: langchain runs it in a
    thread pool whose shutdown joins it, for up to --request-timeout. Every finished step is
    already checkpointed (durability="sync") and SQLite/Postgres drop a half-done write.
    """
    if threading.current_thread() is not threading.main_thread():
        return None

    def stop(signum: int, frame: Any) -> None:
        printer.close()
        Console(stderr=True, highlight=False).print(
            f"[bold red]error:[/] interrupted{escape(_resume_hint(thread_id, resumable))}",
            soft_wrap=True,
        )
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(EXIT_RUNTIME)

    return signal.signal(signal.SIGINT, stop)


def classify_error(err: Exception, ctx: Context, thread_id: str, resumable: bool) -> CliError:
    """Map a failure inside the graph to a one-line message and exit code 2 or 3."""
    hint = _resume_hint(thread_id, resumable)
    server = ctx.resolved_base_url() or "api.openai.com"
    if isinstance(err, CliError):
        return err
    if isinstance(err, DevSecError):
        message = redact(str(err))
        if exit_code_for(err) == EXIT_BAD_INPUT:
            return input_error(message)
        return runtime_error(message + hint)
    if isinstance(err, openai.APITimeoutError):
        return runtime_error(
            f"model server {server} did not answer in {ctx.request_timeout:g}s{hint}"
        )
    if isinstance(err, openai.APIConnectionError):
        return runtime_error(f"cannot reach the model server at {server}{hint}")
    if isinstance(err, openai.AuthenticationError | openai.PermissionDeniedError):
        return input_error(
            f"the model server {server} rejected the API key (HTTP {err.status_code})"
        )
    if isinstance(err, openai.NotFoundError):
        return input_error(
            f"the model server {server} does not know that model or path: "
            f"{_short(err)}; check --model and --base-url"
        )
    if isinstance(err, openai.RateLimitError):
        return runtime_error(f"model server {server} kept rate-limiting after retries{hint}")
    if isinstance(err, openai.BadRequestError):
        return input_error(
            f"the model server rejected the request: {_short(err)}; "
            "try --structured-method function_calling"
        )
    if isinstance(err, openai.APIStatusError):
        return runtime_error(f"model server {server} failed with HTTP {err.status_code}{hint}")
    if isinstance(err, sqlite3.Error) or type(err).__module__.startswith("psycopg"):
        return runtime_error(f"the run database failed: {_short(err)}{hint}")
    if isinstance(err, GraphRecursionError):
        return runtime_error(f"the run exceeded its step limit{hint}")
    return runtime_error(f"{type(err).__name__}: {_short(err)}{hint}")


def _paused_message(thread_id: str, payload: dict[str, Any], resumable: bool) -> str:
    where = f"round {payload.get('round', '?')}"
    if not resumable:
        return f"paused for human review in {where}, but --no-persist kept nothing to resume"
    return (
        f"paused for human review in {where}; decide with `devsecbots resume {thread_id} "
        "--decision approve|reject|stop [--comment TEXT]`"
    )


def _resume_hint(thread_id: str, resumable: bool) -> str:
    return f"; resume with `devsecbots resume {thread_id}`" if resumable else ""


def _short(err: BaseException) -> str:
    text = redact(" ".join(str(err).split()))
    return text[:300] + ("…" if len(text) > 300 else "")
