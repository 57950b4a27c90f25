"""Shared fixtures: a clean environment (no real keys, runs stored in tmp) and the fake server."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from devsecbots.testing import FakeOpenAI

ROOT = Path(__file__).resolve().parent.parent
_MODEL_ENV = (
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "DEVSECBOTS_MODEL",
    "DEVSECBOTS_DEV_MODEL",
    "DEVSECBOTS_SEC_MODEL",
    "DEVSECBOTS_API_KEY",
)


@pytest.fixture(scope="session", autouse=True)
def env_cache(tmp_path_factory: pytest.TempPathFactory):
    """One cache of built venvs for the whole session (never the user's): an input's environment
    is built once per session and reused by every test, CLI subprocesses included."""
    with pytest.MonkeyPatch.context() as patch:
        cache = tmp_path_factory.mktemp("devsecbots-cache")
        patch.setenv("DEVSECBOTS_CACHE_DIR", str(cache))
        yield cache


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees a real API key or writes the user's run database."""
    for name in _MODEL_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DEVSECBOTS_DB", str(tmp_path / "runs.sqlite"))


@pytest.fixture
def fake_openai():
    """A started fake OpenAI-compatible server on 127.0.0.1."""
    with FakeOpenAI() as server:
        yield server


def cli_env(**extra: str) -> dict[str, str]:
    """Environment for a CLI subprocess: this one minus model settings and the terminal's size
    (an in-process test may have left COLUMNS set: output width must not depend on it), plus
    `extra`."""
    env = {k: v for k, v in os.environ.items() if k not in (*_MODEL_ENV, "COLUMNS", "LINES")}
    env.update(extra)
    return env


def cli(*args: str) -> list[str]:
    """The argv that runs the devsecbots CLI with this interpreter."""
    return [sys.executable, "-m", "devsecbots.cli", *args]
