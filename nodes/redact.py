"""The one place secrets are scrubbed from text, data and errors before anyone can see them.

Keys come from the environment (`SECRET_ENV_VARS`); servers echo them in error messages, and
LangGraph stores a failed node's error in the checkpoint, so every output path goes through here.
"""

from __future__ import annotations

import os
from typing import Any

SECRET_ENV_VARS = ("OPENAI_API_KEY", "DEVSECBOTS_API_KEY")
MASK = "***"
_MIN_SECRET_CHARS = 6  # shorter values would mask ordinary words


def known_secrets() -> list[str]:
    """The secret values this process knows, longest first (no key masks half of another)."""
    values = {os.environ.get(name, "") for name in SECRET_ENV_VARS}
    return sorted((v for v in values if len(v) >= _MIN_SECRET_CHARS), key=len, reverse=True)


def redact(text: str) -> str:
    """`text` with every known secret replaced by ***."""
    for secret in known_secrets():
        text = text.replace(secret, MASK)
    return text


def redact_data(value: Any) -> Any:
    """A copy of JSON-like data (str, dict, list, tuple) with every known secret masked."""
    secrets = known_secrets()
    return _clean(value, secrets) if secrets else value


def redact_error(err: BaseException) -> None:
    """Mask known secrets in an exception in place: its args and its message/body attributes."""
    secrets = known_secrets()
    if not secrets:
        return
    err.args = tuple(_clean(a, secrets) for a in err.args)
    for name in ("message", "body"):
        if isinstance(getattr(err, name, None), str | dict | list | tuple):
            setattr(err, name, _clean(getattr(err, name), secrets))


def _clean(value: Any, secrets: list[str]) -> Any:
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, MASK)
        return value
    if isinstance(value, dict):
        return {k: _clean(v, secrets) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_clean(v, secrets) for v in value)
    return value
