"""HTTP side of the fake OpenAI server: routes, JSON and SSE responses, and the faults."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from devsecbots.testing import wire
from devsecbots.testing.faults import Fault

if TYPE_CHECKING:
    from devsecbots.testing.fake_openai import FakeOpenAI

CHAT_PATH = "/v1/chat/completions"
MODELS_PATH = "/v1/models"
_BROKEN_JSON = b'{"id": "chatcmpl-broken", "object": "chat.completion", "choices": [{"index": 0,'
_NO_RETRY = {"x-should-retry": "false"}
_OVERSIZED_PIECE = 1024 * 1024  # the openai SDK then fails at once instead of retrying


class _Handler(BaseHTTPRequestHandler):
    """One connection; HTTP/1.1 keep-alive like the real API, so clients reuse connections."""

    protocol_version = "HTTP/1.1"
    server_version = "FakeOpenAI/0.1"

    @property
    def fake(self) -> FakeOpenAI:
        return self.server.fake  # type: ignore[attr-defined]

    def setup(self) -> None:
        super().setup()
        self.fake._track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.fake._track(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Stay quiet: tests read ``server.requests`` instead of a log."""

    # ------------------------------------------------------------------ routes

    def do_GET(self) -> None:
        """``GET /v1/models``; anything else is 404."""
        if urlsplit(self.path).path.rstrip("/") == MODELS_PATH:
            data = [
                {"id": name, "object": "model", "created": 0, "owned_by": "fake-openai"}
                for name in self.fake.models()
            ]
            self._send_json(200, {"object": "list", "data": data})
        else:
            self._not_found()

    def do_POST(self) -> None:
        """``POST /v1/chat/completions``; anything else is 404."""
        raw = self._read_body()
        if raw is None:
            return
        if urlsplit(self.path).path.rstrip("/") != CHAT_PATH:
            self._not_found()
            return
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        if not isinstance(body, dict):
            self._error(400, "We could not parse the JSON body of your request.", _NO_RETRY)
            return
        if not isinstance(body.get("model"), str) or not body["model"]:
            self._error(400, "you must provide a model parameter", _NO_RETRY)
            return
        self._chat(body)

    # ------------------------------------------------------------------ chat completions

    def _chat(self, body: dict[str, Any]) -> None:
        self.fake._enter()
        try:
            self._chat_answer(body)
        finally:
            self.fake._leave()

    def _chat_answer(self, body: dict[str, Any]) -> None:
        fake, model = self.fake, body["model"]
        fake._record(body, dict(self.headers.items()))
        if fake.latency > 0 and fake._stopping.wait(fake.latency):
            self.close_connection = True  # stopping: leave without an answer
            return
        reply = fake._next_reply(model)
        if reply is None:
            self._error(
                500,
                f"FakeOpenAI: nothing scripted for model {model!r}; call "
                f"server.script({model!r}, [...]) or server.default({model!r}, ...)",
                _NO_RETRY,
            )
            return
        try:
            reply = fake._resolve(reply, body)
        except Exception as error:  # a test's callable failed: say so loudly, once
            self._error(
                500,
                f"FakeOpenAI: the scripted callable for model {model!r} raised "
                f"{type(error).__name__}: {error}",
                _NO_RETRY,
            )
            return
        if isinstance(reply, Fault):
            self._fault(reply, body)
            return
        if not isinstance(reply, (dict, str)):
            self._error(
                500,
                f"FakeOpenAI: unsupported reply {type(reply).__name__} for model "
                f"{model!r}; use a dict, a str, a callable or a Fault",
                _NO_RETRY,
            )
            return
        number = fake._next_id()
        answer = wire.answer_for(reply, body, f"call_fake{number}")
        prompt, completion = wire.prompt_tokens(body), wire.completion_tokens(answer)
        fake._bill(prompt, completion)
        self._answer(answer, body, f"chatcmpl-fake{number}", wire.usage_body(prompt, completion))

    def _answer(
        self,
        answer: wire.Answer | None,
        body: dict[str, Any],
        completion_id: str,
        usage: dict[str, Any] | None,
    ) -> None:
        model = body["model"]
        if not body.get("stream"):
            self._send_json(200, wire.completion_body(answer, model, completion_id, usage))
            return
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        chunks = wire.stream_chunks(answer, model, completion_id, usage, include_usage)
        events = [f"data: {json.dumps(chunk)}\n\n".encode() for chunk in chunks]
        self._send_stream(events + [b"data: [DONE]\n\n"])

    def _fault(self, fault: Fault, body: dict[str, Any]) -> None:
        fake = self.fake
        if fault.kind == "status":
            headers = {}
            if fault.retry_after is not None:
                headers["Retry-After"] = f"{fault.retry_after:g}"
            self._error(fault.code, fault.message, headers)
        elif fault.kind == "hang":
            fake._stopping.wait(fault.seconds)
            self.close_connection = True  # never answer
        elif fault.kind == "disconnect":
            self.close_connection = True  # the server closes the socket, nothing sent
        elif fault.kind == "malformed":
            if body.get("stream"):
                self._send_stream([b"data: " + _BROKEN_JSON + b"\n\n", b"data: [DONE]\n\n"])
            else:
                self._send_bytes(200, _BROKEN_JSON, "application/json")
        elif fault.kind == "refusal":
            refusal = wire.Answer(refusal=fault.message)
            self._answer(refusal, body, f"chatcmpl-fake{fake._next_id()}", None)
        elif fault.kind == "empty_choices":
            self._answer(None, body, f"chatcmpl-fake{fake._next_id()}", None)
        elif fault.kind == "oversized":
            self._send_oversized(fault.size, body["model"], chunked=fault.chunked)
        else:
            self._error(500, f"FakeOpenAI: unknown fault {fault.kind!r}", _NO_RETRY)

    # ------------------------------------------------------------------ plumbing

    def _read_body(self) -> bytes | None:
        length = self.headers.get("Content-Length")
        if length is None:
            if self.headers.get("Transfer-Encoding"):
                self._error(411, "FakeOpenAI needs a Content-Length request body", _NO_RETRY)
                return None
            return b""
        try:
            return self.rfile.read(int(length))
        except (ValueError, OSError):
            self.close_connection = True
            return None

    def _not_found(self) -> None:
        self._error(
            404,
            f"Invalid URL ({self.command} {urlsplit(self.path).path}); the fake "
            f"serves {CHAT_PATH} and {MODELS_PATH} (base_url must end in /v1)",
            _NO_RETRY,
        )

    def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        error_type, code = wire.error_type_for(status)
        self._send_json(status, wire.error_body(message, error_type, code), headers)

    def _send_json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        self._send_bytes(status, json.dumps(obj).encode(), "application/json", headers)

    def _send_bytes(
        self, status: int, data: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-request-id", f"req_fake{self.fake._next_id()}")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the client went away (e.g. its timeout fired)
            self.close_connection = True

    def _send_oversized(self, size: int, model: str, *, chunked: bool) -> None:
        """A completion with `size` bytes of content, generated piece by piece as it is sent."""
        head = (
            '{"id": "chatcmpl-oversized", "object": "chat.completion", "created": 0, '
            f'"model": {json.dumps(model)}, "choices": [{{"index": 0, "finish_reason": "stop", '
            '"message": {"role": "assistant", "content": "'
        ).encode()
        tail = b'"}}], "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}'
        piece = b"#" * _OVERSIZED_PIECE
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            if chunked:
                self.send_header("Transfer-Encoding", "chunked")
            else:
                self.send_header("Content-Length", str(len(head) + size + len(tail)))
            self.end_headers()
            pieces = [head, *[piece] * (size // len(piece)), piece[: size % len(piece)], tail]
            for data in pieces:
                if data:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data)
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
        except OSError:  # the client stopped reading (as it should, past its size limit)
            self.close_connection = True

    def _send_stream(self, events: list[bytes]) -> None:
        """Server-sent events with chunked transfer encoding, one event per chunk."""
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for event in events:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(event), event))
            self.wfile.write(b"0\r\n\r\n")
        except OSError:
            self.close_connection = True
