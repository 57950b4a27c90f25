"""Scripted replies for the fake OpenAI server, and the faults it can be told to commit.

A reply is one of:

- ``dict``: the JSON object the model "produces" (a tool call when the request offers tools,
  otherwise ``json.dumps`` of it as the message content),
- ``str``: plain assistant text (use it for fenced or otherwise broken JSON as well),
- a callable ``(request_body: dict) -> Reply`` deciding per request,
- a :class:`Fault`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

FAULT_KINDS = (
    "status",
    "hang",
    "malformed",
    "refusal",
    "empty_choices",
    "disconnect",
    "oversized",
)

_DEFAULT_STATUS_MESSAGES = {
    400: "Invalid request (fake server fault).",
    401: "Incorrect API key provided (fake server fault).",
    403: "Permission denied (fake server fault).",
    404: "The model does not exist (fake server fault).",
    408: "Request timed out (fake server fault).",
    429: "Rate limit reached for requests (fake server fault).",
    500: "The server had an error while processing your request (fake server fault).",
    502: "Bad gateway (fake server fault).",
    503: "The engine is currently overloaded, please try again later (fake server fault).",
}


@dataclass(frozen=True)
class Fault:
    """One way for the server to misbehave; build it with the class methods, not directly."""

    kind: str
    code: int = 0
    retry_after: float | None = None
    seconds: float = 0.0
    message: str = ""
    size: int = 0
    chunked: bool = True

    @classmethod
    def status(cls, code: int, retry_after: float | None = None, message: str = "") -> Fault:
        """An HTTP error with OpenAI's error body; ``retry_after`` adds a ``Retry-After`` header."""
        if not 400 <= code <= 599:
            raise ValueError(f"status fault needs an HTTP error code 400-599 (got {code})")
        text = message or _DEFAULT_STATUS_MESSAGES.get(code, f"HTTP {code} (fake server fault).")
        return cls("status", code=code, retry_after=retry_after, message=text)

    @classmethod
    def hang(cls, seconds: float = 30.0) -> Fault:
        """Hold the connection without answering for ``seconds`` (or until the server stops)."""
        return cls("hang", seconds=float(seconds))

    @classmethod
    def malformed(cls) -> Fault:
        """A 200 whose body is not valid JSON (a broken SSE event when streaming)."""
        return cls("malformed")

    @staticmethod
    def invalid_schema(obj: dict[str, Any]) -> dict[str, Any]:
        """Valid JSON that fails the caller's schema: just a dict reply, named for readability."""
        return dict(obj)

    @classmethod
    def refusal(cls, message: str = "I can't help with that.") -> Fault:
        """OpenAI's refusal: ``message.refusal`` set, ``content`` null."""
        return cls("refusal", message=message)

    @classmethod
    def empty_choices(cls) -> Fault:
        """A 200 completion with ``choices: []``."""
        return cls("empty_choices")

    @classmethod
    def oversized(cls, size: int, *, chunked: bool = True) -> Fault:
        """A 200 completion whose content is ``size`` bytes of ``#``, generated as it is sent.

        ``chunked`` sends it without a Content-Length (the client learns the size only by
        reading); otherwise the header announces it. The server never holds the body in memory.
        """
        if size < 0:
            raise ValueError(f"oversized fault needs a size >= 0 (got {size})")
        return cls("oversized", size=int(size), chunked=chunked)

    @classmethod
    def disconnect(cls) -> Fault:
        """Close the socket without sending any response."""
        return cls("disconnect")


Reply = dict | str | Fault | Callable[[dict], Any]


def reply_from_json(item: Any) -> Reply:
    """Turn one reply of a JSON script into a Reply (``{"fault": KIND, ...}`` becomes a Fault)."""
    if isinstance(item, dict) and isinstance(item.get("fault"), str):
        kind = item["fault"]
        if kind == "status":
            return Fault.status(
                int(item.get("code", 500)), item.get("retry_after"), item.get("message", "")
            )
        if kind == "hang":
            return Fault.hang(float(item.get("seconds", 30.0)))
        if kind == "refusal":
            return Fault.refusal(item.get("message", "I can't help with that."))
        if kind == "oversized":
            return Fault.oversized(
                int(item.get("size", 0)), chunked=bool(item.get("chunked", True))
            )
        if kind in ("malformed", "empty_choices", "disconnect"):
            return Fault(kind)
        raise ValueError(f"unknown fault {kind!r}; expected one of {', '.join(FAULT_KINDS)}")
    if isinstance(item, (dict, str)):
        return item
    raise ValueError(f"a scripted reply must be an object or a string (got {type(item).__name__})")


def script_from_json(data: Any) -> tuple[dict[str, list[Reply]], dict[str, Reply]]:
    """Split a JSON script into (queues, defaults): a list is a queue, anything else a default."""
    if not isinstance(data, dict):
        raise ValueError("the script must be a JSON object mapping model name to replies")
    queues: dict[str, list[Reply]] = {}
    defaults: dict[str, Reply] = {}
    for model, value in data.items():
        if isinstance(value, list):
            queues[model] = [reply_from_json(item) for item in value]
        else:
            defaults[model] = reply_from_json(value)
    return queues, defaults
