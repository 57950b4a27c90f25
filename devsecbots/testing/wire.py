"""OpenAI Chat Completions wire format: answers, streamed chunks, usage and error bodies.

Pure functions, no I/O, so the server module stays about HTTP only.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from typing import Any

STREAM_PIECE_CHARS = 32  # streamed text and tool arguments arrive in pieces of this size
SYSTEM_FINGERPRINT = "fp_fake_openai"


@dataclass
class Answer:
    """What the assistant says in one completion, before it is put on the wire."""

    content: str | None = None
    tool_calls: list[dict[str, str]] = field(default_factory=list)  # {id, name, arguments}
    refusal: str | None = None
    finish_reason: str = "stop"


def count_tokens(text: str) -> int:
    """The fake tokenizer: one token per started group of four characters."""
    return math.ceil(len(text) / 4)


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content parts: only text parts count
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def prompt_text(body: dict[str, Any]) -> str:
    """All message text of a request: contents plus the arguments of earlier tool calls."""
    pieces: list[str] = []
    for message in body.get("messages") or []:
        if not isinstance(message, dict):
            continue
        pieces.append(_content_text(message.get("content")))
        for call in message.get("tool_calls") or []:
            pieces.append(str((call.get("function") or {}).get("arguments", "")))
    return "".join(pieces)


def prompt_tokens(body: dict[str, Any]) -> int:
    """Billed input tokens of a request: ``count_tokens`` of ``prompt_text``."""
    return count_tokens(prompt_text(body))


def completion_tokens(answer: Answer) -> int:
    """Billed output tokens: ``count_tokens`` of the content, tool arguments and refusal."""
    text = (answer.content or "") + "".join(c["arguments"] for c in answer.tool_calls)
    return count_tokens(text + (answer.refusal or ""))


def requested_tool_name(body: dict[str, Any]) -> str | None:
    """The function the request forces with ``tool_choice``, else its first function tool."""
    choice = body.get("tool_choice")
    if isinstance(choice, dict):
        name = (choice.get("function") or {}).get("name")
        if name:
            return str(name)
    for tool in body.get("tools") or []:
        if isinstance(tool, dict) and tool.get("type") == "function":
            name = (tool.get("function") or {}).get("name")
            if name:
                return str(name)
    return None


def answer_for(reply: dict[str, Any] | str, body: dict[str, Any], call_id: str) -> Answer:
    """Decide the wire shape like a real server: tool call when tools are offered, else text."""
    if isinstance(reply, str):
        return Answer(content=reply)
    tool = requested_tool_name(body) if body.get("tools") else None
    arguments = json.dumps(reply)
    if tool is not None and body.get("tool_choice") != "none":
        call = {"id": call_id, "name": tool, "arguments": arguments}
        return Answer(tool_calls=[call], finish_reason="tool_calls")
    return Answer(content=arguments)  # json_schema, json_object, or no structure asked


def usage_body(prompt: int, completion: int) -> dict[str, Any]:
    """OpenAI's ``usage`` object."""
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": 0,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }


def _wire_tool_calls(answer: Answer) -> list[dict[str, Any]]:
    return [
        {
            "id": c["id"],
            "type": "function",
            "function": {"name": c["name"], "arguments": c["arguments"]},
        }
        for c in answer.tool_calls
    ]


def completion_body(
    answer: Answer | None, model: str, completion_id: str, usage: dict[str, Any] | None
) -> dict[str, Any]:
    """A ``chat.completion`` object; ``answer=None`` gives ``choices: []``."""
    choices = []
    if answer is not None:
        message: dict[str, Any] = {
            "role": "assistant",
            "content": answer.content,
            "refusal": answer.refusal,
            "annotations": [],
        }
        if answer.tool_calls:
            message["tool_calls"] = _wire_tool_calls(answer)
        choices.append(
            {
                "index": 0,
                "message": message,
                "logprobs": None,
                "finish_reason": answer.finish_reason,
            }
        )
    body: dict[str, Any] = {
        "id": completion_id,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": choices,
        "service_tier": "default",
        "system_fingerprint": SYSTEM_FINGERPRINT,
    }
    if usage is not None:
        body["usage"] = usage
    return body


def _pieces(text: str) -> list[str]:
    return [text[i : i + STREAM_PIECE_CHARS] for i in range(0, len(text), STREAM_PIECE_CHARS)]


def stream_chunks(
    answer: Answer | None,
    model: str,
    completion_id: str,
    usage: dict[str, Any] | None,
    include_usage: bool,
) -> list[dict[str, Any]]:
    """The ``chat.completion.chunk`` objects of a streamed answer, without ``[DONE]``."""
    created = int(time.time())

    def chunk(delta: dict[str, Any] | None, finish: str | None = None) -> dict[str, Any]:
        item: dict[str, Any] = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "service_tier": "default",
            "system_fingerprint": SYSTEM_FINGERPRINT,
            "choices": []
            if delta is None
            else [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
        }
        if include_usage:
            item["usage"] = None  # OpenAI sends null on every chunk but the last
        return item

    chunks: list[dict[str, Any]] = []
    if answer is not None:
        first_content = None if answer.tool_calls or answer.refusal is not None else ""
        chunks.append(chunk({"role": "assistant", "content": first_content, "refusal": None}))
        for piece in _pieces(answer.content or ""):
            chunks.append(chunk({"content": piece}))
        for piece in _pieces(answer.refusal or ""):
            chunks.append(chunk({"refusal": piece}))
        for index, call in enumerate(answer.tool_calls):
            head = {
                "index": index,
                "id": call["id"],
                "type": "function",
                "function": {"name": call["name"], "arguments": ""},
            }
            chunks.append(chunk({"tool_calls": [head]}))
            for piece in _pieces(call["arguments"]):
                more = {"index": index, "function": {"arguments": piece}}
                chunks.append(chunk({"tool_calls": [more]}))
        chunks.append(chunk({}, answer.finish_reason))
    else:
        chunks.append(chunk(None))
    if include_usage and usage is not None:
        final = chunk(None)
        final["usage"] = usage
        chunks.append(final)
    return chunks


def error_body(message: str, error_type: str, code: str | None = None) -> dict[str, Any]:
    """OpenAI's error object: ``{"error": {message, type, param, code}}``."""
    return {"error": {"message": message, "type": error_type, "param": None, "code": code}}


def error_type_for(status: int) -> tuple[str, str | None]:
    """OpenAI's ``(type, code)`` for an HTTP status."""
    if status == 429:
        return "requests", "rate_limit_exceeded"
    if status == 401:
        return "invalid_request_error", "invalid_api_key"
    if status == 404:
        return "invalid_request_error", "not_found"
    if status >= 500:
        return "server_error", None
    return "invalid_request_error", None
