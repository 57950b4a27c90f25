"""The one secret-scrubbing helper: text, nested data, and errors (also the SDK's)."""

from __future__ import annotations

import httpx
import openai
import pytest
from devsecbots.nodes.redact import known_secrets, redact, redact_data, redact_error

from devsecbots.errors import redact as cli_redact

KEY = "sk-test-0123456789abcdef"
OTHER = "dsb-other-secret-42"


@pytest.fixture(autouse=True)
def keys(monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("DEVSECBOTS_API_KEY", OTHER)


def test_text_and_the_cli_use_the_same_helper() -> None:
    assert cli_redact is redact
    assert redact(f"bad key {KEY}, also {OTHER}") == "bad key ***, also ***"


def test_short_values_are_not_secrets(monkeypatch) -> None:
    monkeypatch.setenv("DEVSECBOTS_API_KEY", "ab")  # would mask ordinary words
    assert known_secrets() == [KEY] and redact("tab stab") == "tab stab"


def test_a_longer_key_is_masked_whole_even_when_it_contains_a_shorter_one(monkeypatch) -> None:
    monkeypatch.setenv("DEVSECBOTS_API_KEY", KEY[:10])
    assert redact(f"<{KEY}>") == "<***>"


def test_nested_data_is_copied_clean() -> None:
    data = {"error": {"message": f"key {KEY}", "params": [KEY, 3, (OTHER,)]}, "n": 1}
    clean = redact_data(data)
    assert clean == {"error": {"message": "key ***", "params": ["***", 3, ("***",)]}, "n": 1}
    assert data["error"]["message"] == f"key {KEY}"  # the original is left alone


def test_an_sdk_error_is_scrubbed_in_place() -> None:
    request = httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")
    response = httpx.Response(401, request=request)
    body = {"error": {"message": f"Incorrect API key provided: {KEY}"}}
    err = openai.AuthenticationError(f"Error code: 401 - {body}", response=response, body=body)
    redact_error(err)
    shown = f"{err} {err.args} {err.message} {err.body}"
    assert KEY not in shown and "***" in shown


def test_a_plain_exception_is_scrubbed_too() -> None:
    err = RuntimeError(f"could not use {OTHER}")
    redact_error(err)
    assert str(err) == "could not use ***"
