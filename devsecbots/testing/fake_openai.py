"""A local fake OpenAI-compatible server for tests, notebooks and benchmarks (stdlib only).

It speaks the real Chat Completions wire format, so the real ``langchain_openai.ChatOpenAI``
client (and its retries, timeouts and structured-output parsing) runs against it::

    from langchain_openai import ChatOpenAI
    from devsecbots.testing import FakeOpenAI, Fault
    from devsecbots.graphs.state import ReviewVerdict

    with FakeOpenAI() as server:
        server.script("sec", [Fault.status(429, retry_after=0.1), {"status": "approved"}])
        model = ChatOpenAI(model="sec", api_key="sk-test", base_url=server.base_url)
        verdict = model.with_structured_output(ReviewVerdict).invoke("review this")
        assert verdict.status == "approved" and server.billed["requests"] == 1

From a shell: ``python -m devsecbots.testing.fake_openai --port 8011 --script script.json``
(the script maps model name to a list of replies, or to one reply answering every request).
"""

from __future__ import annotations

import argparse
import itertools
import json
import signal
import socket
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any

from devsecbots.testing._handler import _Handler
from devsecbots.testing.faults import Fault, Reply, script_from_json

ANY_MODEL = "*"  # script or default for every model without its own
_MAX_CALLABLE_DEPTH = 8


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now (for "connection refused")."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class RecordedRequest:
    """One chat completion request as the server received it."""

    model: str
    messages: list[dict[str, Any]]
    body: dict[str, Any]
    headers: dict[str, str]  # names lower-cased; Authorization kept as sent
    timestamp: float = field(default_factory=time.time)

    @property
    def api_key(self) -> str:
        """The bearer token of the Authorization header ('' when absent)."""
        return self.headers.get("authorization", "").removeprefix("Bearer ").strip()


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a hung handler never keeps the process alive
    allow_reuse_address = True
    request_queue_size = 128  # the default 5 drops bursts of concurrent connections
    fake: FakeOpenAI


class FakeOpenAI:
    """Scriptable OpenAI-compatible server on 127.0.0.1 (a free port), in a daemon thread."""

    def __init__(self, latency: float = 0.0, port: int = 0) -> None:
        """Configure; ``latency`` seconds pass before each chat answer (faults included)."""
        self.latency = latency
        self._port = port
        self._lock = threading.Lock()
        self._queues: dict[str, deque[Reply]] = {}
        self._defaults: dict[str, Reply] = {}
        self._requests: list[RecordedRequest] = []
        self._billed = {"input_tokens": 0, "output_tokens": 0, "requests": 0}
        self._ids = itertools.count(1)
        self._in_flight = 0
        self._max_in_flight = 0
        self._connections: set[socket.socket] = set()
        self._stopping = threading.Event()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> FakeOpenAI:
        """Bind and serve in a daemon thread; returns self."""
        if self._httpd is not None:
            return self
        self._stopping.clear()
        httpd = _Server(("127.0.0.1", self._port), _Handler)
        httpd.fake = self
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fake-openai-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop promptly and release the port, also while requests hang or stream."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stopping.set()  # wakes hanging and sleeping handlers
        httpd.shutdown()
        httpd.server_close()
        with self._lock:
            open_connections = list(self._connections)
        for connection in open_connections:  # idle keep-alive and hung connections
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The bound port (the one asked for before start())."""
        return self._httpd.server_address[1] if self._httpd else self._port

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/v1``, what ChatOpenAI(base_url=...) wants."""
        return f"http://127.0.0.1:{self.port}/v1"

    # ------------------------------------------------------------------ scripting

    def script(self, model: str, replies: list[Reply]) -> FakeOpenAI:
        """Queue replies for ``model`` ('*' = any model), consumed one per request in order."""
        with self._lock:
            self._queues.setdefault(model, deque()).extend(replies)
        return self

    def default(self, model: str, reply: Reply) -> FakeOpenAI:
        """Answer ``model`` ('*' = any model) with ``reply`` whenever its queue is empty."""
        with self._lock:
            self._defaults[model] = reply
        return self

    def remaining(self) -> dict[str, int]:
        """How many queued replies are still unconsumed, per model (only non-empty queues)."""
        with self._lock:
            return {model: len(queue) for model, queue in self._queues.items() if queue}

    def reset(self) -> None:
        """Forget queues, defaults, recorded requests and billing."""
        with self._lock:
            self._queues.clear()
            self._defaults.clear()
            self._requests.clear()
            self._billed = {"input_tokens": 0, "output_tokens": 0, "requests": 0}

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every chat completion request received so far, oldest first (a copy)."""
        with self._lock:
            return list(self._requests)

    @property
    def billed(self) -> dict[str, int]:
        """Tokens billed so far: ``{"input_tokens", "output_tokens", "requests"}`` (a copy)."""
        with self._lock:
            return dict(self._billed)

    def models(self) -> list[str]:
        """Model names with a script or default (what GET /v1/models lists)."""
        with self._lock:
            names = set(self._queues) | set(self._defaults)
        return sorted(names - {ANY_MODEL})

    # ------------------------------------------------------------------ used by the handler

    def _next_reply(self, model: str) -> Reply | None:
        with self._lock:
            for key in (model, ANY_MODEL):
                if self._queues.get(key):
                    return self._queues[key].popleft()
                if key in self._defaults:
                    return self._defaults[key]
        return None

    def _resolve(self, reply: Reply, body: dict[str, Any]) -> Reply:
        for _ in range(_MAX_CALLABLE_DEPTH):
            if not callable(reply) or isinstance(reply, Fault):
                return reply
            reply = reply(body)
        raise RuntimeError(f"scripted callables nested deeper than {_MAX_CALLABLE_DEPTH}")

    def _record(self, body: dict[str, Any], headers: dict[str, str]) -> None:
        lowered = {name.lower(): value for name, value in headers.items()}
        entry = RecordedRequest(
            str(body.get("model", "")), list(body.get("messages") or []), body, lowered
        )
        with self._lock:
            self._requests.append(entry)

    def _bill(self, prompt: int, completion: int) -> None:
        with self._lock:
            self._billed["input_tokens"] += prompt
            self._billed["output_tokens"] += completion
            self._billed["requests"] += 1

    def _next_id(self) -> int:
        return next(self._ids)

    @property
    def max_in_flight(self) -> int:
        """The most chat requests this server was answering at one time."""
        with self._lock:
            return self._max_in_flight

    def _enter(self) -> None:
        with self._lock:
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)

    def _leave(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def _track(self, connection: socket.socket, open_: bool) -> None:
        with self._lock:
            (self._connections.add if open_ else self._connections.discard)(connection)


def main(argv: list[str] | None = None) -> int:
    """Command line: serve until SIGTERM/SIGINT, printing the base URL when ready."""
    parser = argparse.ArgumentParser(
        prog="python -m devsecbots.testing.fake_openai", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = any free)")
    parser.add_argument("--script", help="JSON file: model -> list of replies, or -> one reply")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each answer")
    args = parser.parse_args(argv)
    server = FakeOpenAI(latency=args.latency, port=args.port)
    if args.script:
        try:
            with open(args.script, encoding="utf-8") as handle:
                queues, defaults = script_from_json(json.load(handle))
        except (OSError, ValueError) as error:
            print(f"fake_openai: cannot use script {args.script}: {error}", file=sys.stderr)
            return 2
        for model, replies in queues.items():
            server.script(model, replies)
        for model, reply in defaults.items():
            server.default(model, reply)
    done = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: done.set())
    try:
        server.start()
    except OSError as error:
        print(f"fake_openai: cannot listen on 127.0.0.1:{args.port}: {error}", file=sys.stderr)
        return 2
    print(server.base_url, flush=True)
    while not done.wait(0.2):
        pass
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
