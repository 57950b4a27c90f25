"""Limits enforced on the model server's HTTP answers while they arrive: size and the deadline.

A shared `httpx.Client` (one connection pool, env proxies honoured) carries two event hooks. The
request hook caps the request's timeouts at what is left of the run's wall time and refuses to
send once it is gone (so the SDK's retries stop); the response hook refuses a declared
Content-Length over the size limit and wraps the body stream so that bytes are counted as they
arrive — an oversized answer is cut off at the limit instead of being downloaded and parsed.

The limits of the call in progress travel in a context variable set by `call_limits(...)`, so
the one client serves every model call, from any thread, each with its own deadline.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import openai

MAX_ANSWER_BYTES = 16 * 1024 * 1024  # a DevSubmission of ~10 files at the 1 M-character limit
_RETRYABLE = frozenset({408, 409, 429}) | frozenset(range(500, 600))


class AnswerTooLarge(openai.OpenAIError):
    """The answer passed the size limit (an OpenAIError: the SDK neither retries nor wraps it)."""


class DeadlinePassed(openai.OpenAIError):
    """The run's wall time ran out before or during the request."""


@dataclass(frozen=True)
class CallLimits:
    """What one model call may take: answer bytes, and an epoch-seconds deadline (None = none)."""

    max_bytes: int = MAX_ANSWER_BYTES
    deadline: float | None = None

    def remaining(self) -> float | None:
        """Seconds left before the deadline (may be <= 0), or None without one."""
        return None if self.deadline is None else self.deadline - time.time()


_NO_DEADLINE = CallLimits()
_LIMITS: contextvars.ContextVar[CallLimits | None] = contextvars.ContextVar(
    "devsecbots_call_limits", default=None
)
_client: httpx.Client | None = None
_client_lock = threading.Lock()


@contextmanager
def call_limits(limits: CallLimits) -> Iterator[None]:
    """Apply `limits` to every request the model client sends inside the block."""
    token = _LIMITS.set(limits)
    try:
        yield
    finally:
        _LIMITS.reset(token)


def limited_client() -> httpx.Client:
    """The process-wide HTTP client for model calls, with the limit hooks installed."""
    global _client
    with _client_lock:
        if _client is None or _client.is_closed:
            _client = httpx.Client(
                event_hooks={"request": [_on_request], "response": [_on_response]},
                limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
            )
        return _client


def _on_request(request: httpx.Request) -> None:
    limits = _LIMITS.get() or _NO_DEADLINE
    # Count the bytes the model produced, not a compressed form of them (a gzip bomb).
    request.headers["Accept-Encoding"] = "identity"
    left = limits.remaining()
    if left is None:
        return
    if left <= 0:
        raise DeadlinePassed("the run's wall time ran out before the model call")
    timeouts = dict(request.extensions.get("timeout") or {})
    request.extensions["timeout"] = {
        k: left if v is None else min(v, left)
        for k, v in {**dict.fromkeys(("connect", "read", "write", "pool")), **timeouts}.items()
    }


def _on_response(response: httpx.Response) -> None:
    limits = _LIMITS.get() or _NO_DEADLINE
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        response.close()
        raise AnswerTooLarge(_too_large(limits.max_bytes, f"{int(declared):,} bytes announced"))
    left = limits.remaining()
    wait = _retry_after(response)
    if left is not None and response.status_code in _RETRYABLE and wait is not None and wait > left:
        response.close()  # the server asks for a pause longer than the run has left
        raise DeadlinePassed(
            f"the server asked to retry in {wait:g}s; the wall time runs out first"
        )
    if not isinstance(response.stream, httpx.SyncByteStream):  # limited_client is synchronous
        raise TypeError(f"an asynchronous response stream: {type(response.stream).__name__}")
    response.stream = _LimitedStream(response.stream, limits)


class _LimitedStream(httpx.SyncByteStream):
    """The response body, counted as it arrives; cut off past the size limit or the deadline."""

    def __init__(self, inner: httpx.SyncByteStream, limits: CallLimits) -> None:
        self._inner = inner
        self._limits = limits

    def __iter__(self) -> Iterator[bytes]:
        received = 0
        try:
            for chunk in self._inner:
                received += len(chunk)
                if received > self._limits.max_bytes:
                    raise AnswerTooLarge(
                        _too_large(self._limits.max_bytes, f"cut off at {received:,} bytes")
                    )
                left = self._limits.remaining()
                if left is not None and left <= 0:
                    raise DeadlinePassed("the run's wall time ran out while the answer arrived")
                yield chunk
        except httpx.TimeoutException as err:
            left = self._limits.remaining()
            if left is not None and left <= 0:
                raise DeadlinePassed(
                    "the run's wall time ran out while the answer arrived"
                ) from err
            raise

    def close(self) -> None:
        self._inner.close()


def _too_large(limit: int, detail: str) -> str:
    return f"the model's answer is larger than {limit // (1024 * 1024)} MiB ({detail})"


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None
