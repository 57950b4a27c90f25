"""The fake OpenAI server, exercised through the real ChatOpenAI client and the openai SDK."""

from __future__ import annotations

import json
import math
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx
import openai
import pytest
from devsecbots.graphs.state import DevSubmission, ReviewVerdict
from langchain_core.exceptions import ModelRefusalError
from langchain_openai import ChatOpenAI

from devsecbots.testing import FakeOpenAI, Fault, free_port
from devsecbots.testing.faults import script_from_json

pytestmark = pytest.mark.timeout(30)  # a broken server must fail the test, not hang it

METHODS = ("json_schema", "function_calling", "json_mode")
SUBMISSION = {
    "summary": "Upload app with a safe file name check",
    "files": [{"path": "app.py", "content": "from flask import Flask\napp = Flask(__name__)\n"}],
}
VERDICT = {
    "status": "changes_requested",
    "summary": "One path traversal remains",
    "findings": [
        {
            "severity": "high",
            "cwe": "CWE-22",
            "file": "app.py",
            "line": 7,
            "title": "Path traversal",
            "recommendation": "Use secure_filename",
        }
    ],
    "advice": ["Keep Flask updated"],
}


def chat(server: FakeOpenAI, model: str = "sec", **options) -> ChatOpenAI:
    """The real client pointed at the fake server."""
    options.setdefault("max_retries", 0)
    return ChatOpenAI(model=model, api_key="sk-test", base_url=server.base_url, **options)


# --------------------------------------------------------------------------- structured output


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    ("schema", "reply"), [(DevSubmission, SUBMISSION), (ReviewVerdict, VERDICT)]
)
def test_each_structured_method_parses(fake_openai, method, schema, reply):
    fake_openai.script("sec", [reply])
    out = (
        chat(fake_openai)
        .with_structured_output(schema, method=method, include_raw=True)
        .invoke("Review app.py")
    )
    assert out["parsing_error"] is None
    assert out["parsed"] == schema.model_validate(reply)
    body = fake_openai.requests[-1].body
    if method == "function_calling":
        assert body["tools"][0]["function"]["name"] == schema.__name__
        assert out["raw"].tool_calls[0]["name"] == schema.__name__
        assert out["raw"].response_metadata["finish_reason"] == "tool_calls"
    else:
        expected = "json_schema" if method == "json_schema" else "json_object"
        assert body["response_format"]["type"] == expected
        assert json.loads(out["raw"].content) == reply


def test_usage_metadata_equals_what_the_server_billed(fake_openai):
    prompt = "abcd" * 10  # 40 characters
    fake_openai.script("dev", ["12345678", SUBMISSION])
    model = chat(fake_openai, "dev")
    first = model.invoke(prompt)
    assert fake_openai.billed == {"input_tokens": 10, "output_tokens": 2, "requests": 1}
    assert first.usage_metadata["input_tokens"] == 10
    second = model.with_structured_output(DevSubmission, include_raw=True).invoke(prompt)["raw"]
    billed = fake_openai.billed
    assert billed["requests"] == 2
    assert billed["input_tokens"] == 10 + second.usage_metadata["input_tokens"]
    assert billed["output_tokens"] == 2 + second.usage_metadata["output_tokens"]
    assert second.usage_metadata["output_tokens"] == math.ceil(len(second.content) / 4)


def test_streaming_reports_usage_only_when_asked(fake_openai):
    fake_openai.default("sec", "streamed answer " * 10)
    chunks = list(chat(fake_openai, stream_usage=True).stream("hello there"))
    total = sum(chunks[1:], chunks[0])
    assert total.content == "streamed answer " * 10
    assert len(chunks) > 3  # really streamed in pieces
    assert fake_openai.requests[-1].body["stream_options"] == {"include_usage": True}
    billed = fake_openai.billed
    assert total.usage_metadata["input_tokens"] == billed["input_tokens"]
    assert total.usage_metadata["output_tokens"] == billed["output_tokens"]

    quiet = list(chat(fake_openai, stream_usage=False).stream("hello there"))
    assert "stream_options" not in fake_openai.requests[-1].body
    assert all(chunk.usage_metadata is None for chunk in quiet)


def test_stream_wire_format_ends_with_usage_chunk_and_done(fake_openai):
    fake_openai.default("sec", "hi")
    request = {
        "model": "sec",
        "stream": True,
        "stream_options": {"include_usage": True},
        "messages": [{"role": "user", "content": "hello"}],
    }
    response = httpx.post(f"{fake_openai.base_url}/chat/completions", json=request)
    events = [line[6:] for line in response.text.splitlines() if line.startswith("data: ")]
    assert response.headers["content-type"].startswith("text/event-stream")
    assert events[-1] == "[DONE]"
    last = json.loads(events[-2])
    assert last["choices"] == [] and last["usage"]["completion_tokens"] == 1
    assert all(json.loads(event)["usage"] is None for event in events[:-2])


@pytest.mark.filterwarnings("ignore::UserWarning")  # langchain dumps the SDK's `parsed` field
@pytest.mark.parametrize("method", METHODS)
def test_streamed_structured_output_parses(fake_openai, method):
    fake_openai.script("sec", [VERDICT])
    model = chat(fake_openai, stream_usage=True)
    model = model.with_structured_output(ReviewVerdict, method=method)
    assert list(model.stream("review"))[-1] == ReviewVerdict.model_validate(VERDICT)


# --------------------------------------------------------------------------- faults


def test_429_is_retried_after_the_retry_after_delay(fake_openai):
    fake_openai.script("sec", [Fault.status(429, retry_after=1.0), VERDICT])
    started = time.perf_counter()
    verdict = chat(fake_openai, max_retries=1).with_structured_output(ReviewVerdict).invoke("x")
    waited = time.perf_counter() - started
    assert verdict.status == "changes_requested"
    assert 1.0 <= waited < 3.0  # the SDK's own backoff would be at most 0.5 s
    assert len(fake_openai.requests) == 2
    assert fake_openai.billed["requests"] == 1


def test_429_without_retries_is_a_rate_limit_error(fake_openai):
    fake_openai.script("sec", [Fault.status(429, retry_after=1.0)])
    with pytest.raises(openai.RateLimitError) as caught:
        chat(fake_openai).invoke("x")
    assert caught.value.response.headers["retry-after"] == "1"
    assert caught.value.body["code"] == "rate_limit_exceeded"


@pytest.mark.parametrize("code", [500, 503])
def test_server_errors_fail_after_the_retries(fake_openai, code):
    fake_openai.script("sec", [Fault.status(code, retry_after=0.05)] * 3)
    with pytest.raises(openai.InternalServerError) as caught:
        chat(fake_openai, max_retries=2).invoke("x")
    assert caught.value.status_code == code
    assert len(fake_openai.requests) == 3
    assert fake_openai.billed == {"input_tokens": 0, "output_tokens": 0, "requests": 0}


def test_hang_makes_the_client_time_out(fake_openai):
    fake_openai.script("sec", [Fault.hang(10)])
    started = time.perf_counter()
    with pytest.raises(openai.APITimeoutError):
        chat(fake_openai, timeout=0.5).invoke("x")
    assert time.perf_counter() - started < 2.0


@pytest.mark.parametrize("stream", [False, True])
def test_malformed_body_is_an_error(fake_openai, stream):
    fake_openai.script("sec", [Fault.malformed()])
    model = chat(fake_openai)
    with pytest.raises(ValueError):  # json.JSONDecodeError from the SDK
        list(model.stream("x")) if stream else model.invoke("x")


@pytest.mark.parametrize("method", METHODS)
def test_refusal_raises_model_refusal_error(fake_openai, method):
    fake_openai.script("sec", [Fault.refusal("I can't help with that")])
    with pytest.raises(ModelRefusalError, match="can't help"):
        chat(fake_openai).with_structured_output(ReviewVerdict, method=method).invoke("x")
    assert fake_openai.billed["requests"] == 0


@pytest.mark.parametrize("method", METHODS)
def test_invalid_schema_is_a_validation_error(fake_openai, method):
    fake_openai.script("sec", [Fault.invalid_schema({"status": "maybe"})])
    with pytest.raises(ValueError, match="status"):  # pydantic or OutputParserException
        chat(fake_openai).with_structured_output(ReviewVerdict, method=method).invoke("x")


def test_empty_choices(fake_openai):
    fake_openai.script("sec", [Fault.empty_choices(), Fault.empty_choices()])
    request = {"model": "sec", "messages": [{"role": "user", "content": "x"}]}
    raw = httpx.post(f"{fake_openai.base_url}/chat/completions", json=request).json()
    assert raw["choices"] == []
    with pytest.raises(IndexError):  # langchain-openai indexes generations[0]
        chat(fake_openai).invoke("x")


def test_disconnect_is_a_connection_error_that_the_sdk_retries(fake_openai):
    fake_openai.script("sec", [Fault.disconnect()])
    with pytest.raises(openai.APIConnectionError):
        chat(fake_openai).invoke("x")
    fake_openai.script("sec", [Fault.disconnect(), "recovered"])
    assert chat(fake_openai, max_retries=1).invoke("x").content == "recovered"
    assert len(fake_openai.requests) == 3


def test_nothing_listening_is_a_connection_error():
    model = ChatOpenAI(
        model="m", api_key="sk-test", max_retries=0, base_url=f"http://127.0.0.1:{free_port()}/v1"
    )
    with pytest.raises(openai.APIConnectionError):
        model.invoke("x")


def test_unscripted_model_fails_loudly_and_at_once(fake_openai):
    with pytest.raises(openai.InternalServerError, match="nothing scripted for model 'ghost'"):
        chat(fake_openai, "ghost", max_retries=2).invoke("x")
    assert len(fake_openai.requests) == 1  # x-should-retry: false


# --------------------------------------------------------------------------- scripting and records


def test_queue_then_default_then_callables(fake_openai):
    echo = lambda body: body["messages"][-1]["content"]  # noqa: E731
    fake_openai.script("dev", ["first"]).default("dev", echo)
    fake_openai.default("*", lambda body: Fault.status(418, message="teapot"))
    model = chat(fake_openai, "dev")
    assert [model.invoke(text).content for text in ("a", "b", "c")] == ["first", "b", "c"]
    with pytest.raises(openai.APIStatusError, match="teapot"):
        chat(fake_openai, "other").invoke("x")
    assert fake_openai.remaining() == {}


def test_records_requests_with_the_key_sent(fake_openai):
    fake_openai.default("dev", "ok")
    before = time.time()
    ChatOpenAI(model="dev", api_key="sk-dev-key", base_url=fake_openai.base_url).invoke("hello")
    [record] = fake_openai.requests
    assert record.model == "dev" and record.api_key == "sk-dev-key"
    assert record.headers["authorization"] == "Bearer sk-dev-key"
    assert record.messages == [{"role": "user", "content": "hello"}]
    assert record.body["messages"] == record.messages and record.timestamp >= before
    fake_openai.reset()
    assert fake_openai.requests == [] and fake_openai.billed["requests"] == 0
    assert fake_openai.models() == []


def test_models_endpoint_and_unknown_paths(fake_openai):
    fake_openai.script("dev", ["x"]).default("sec", "y")
    listed = httpx.get(f"{fake_openai.base_url}/models").json()
    assert [item["id"] for item in listed["data"]] == ["dev", "sec"]
    missing = httpx.post(f"http://127.0.0.1:{fake_openai.port}/chat/completions", json={})
    assert missing.status_code == 404
    assert set(missing.json()["error"]) == {"message", "type", "param", "code"}


def test_script_from_json_turns_fault_objects_into_faults():
    queues, defaults = script_from_json(
        {"dev": [{"fault": "status", "code": 429, "retry_after": 1}, {"files": []}], "sec": "ok"}
    )
    assert queues["dev"] == [Fault.status(429, retry_after=1), {"files": []}]
    assert defaults == {"sec": "ok"}
    with pytest.raises(ValueError, match="unknown fault"):
        script_from_json({"dev": [{"fault": "explode"}]})


# --------------------------------------------------------------------------- server behaviour


def test_requests_are_served_concurrently():
    with FakeOpenAI(latency=0.2) as server:
        server.default("dev", "done")
        model = chat(server, "dev")
        answers = model.batch(["go"] * 20, config={"max_concurrency": 20})
        overlapping = server.max_in_flight
    assert [a.content for a in answers] == ["done"] * 20
    assert overlapping > 1, "the 20 requests were answered one at a time"


def test_stop_is_prompt_and_frees_the_port_while_a_request_hangs():
    server = FakeOpenAI().start()
    port = server.port
    server.script("dev", [Fault.hang(30)])
    errors: list[Exception] = []

    def call() -> None:
        try:
            chat(server, "dev").invoke("x")
        except Exception as error:  # noqa: BLE001 - collected for the assertion below
            errors.append(error)

    caller = threading.Thread(target=call)
    caller.start()
    while not server.requests:
        time.sleep(0.01)
    started = time.perf_counter()
    server.stop()
    assert time.perf_counter() - started < 1.0
    caller.join(timeout=2)
    assert isinstance(errors[0], openai.APIConnectionError)
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))


@pytest.mark.slow
def test_command_line_server(tmp_path):
    script = tmp_path / "script.json"
    script.write_text(
        json.dumps({"sec": [{"fault": "status", "code": 429, "retry_after": 0.1}, VERDICT]})
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "devsecbots.testing.fake_openai", "--script", str(script)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base_url = process.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1")
        model = ChatOpenAI(model="sec", api_key="sk-test", base_url=base_url, max_retries=1)
        assert model.with_structured_output(ReviewVerdict).invoke("x").status == "changes_requested"
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=5) == 0
    assert process.stderr.read() == ""
