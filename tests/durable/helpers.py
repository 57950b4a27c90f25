"""Helpers for the durable-run tests: run the CLI as a subprocess and read its thread id."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from devsecbots import cli as cli_module
from tests.conftest import cli, cli_env

API_KEY = "sk-durable-test-key-123"
THREAD = re.compile(r"thread ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")
STORY_FLAGS = ("--dev-model", "dev-model", "--sec-model", "sec-model", "--analyzers", "bandit")


@dataclass
class Done:
    """A finished CLI process."""

    code: int
    stdout: str
    stderr: str

    @property
    def text(self) -> str:
        """stdout and stderr together, for assertion messages."""
        return self.stdout + self.stderr

    @property
    def thread_id(self) -> str:
        """The thread id the run printed at start."""
        match = THREAD.search(self.stdout)
        assert match, self.text
        return match.group(1)


def run(*args: str, timeout: float = 180, stdin: str | None = "", **env: str) -> Done:
    """Run `devsecbots ARGS` with no terminal, the test API key and extra environment."""
    proc = subprocess.run(
        cli(*args),
        env=cli_env(OPENAI_API_KEY=API_KEY, COLUMNS="200", **env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return Done(proc.returncode, proc.stdout, proc.stderr)


def run_here(capsys: pytest.CaptureFixture, *args: str) -> Done:
    """`devsecbots ARGS` in this process (fast), through the real entry point."""
    capsys.readouterr()
    saved, sys.argv = sys.argv, ["devsecbots", *args]
    try:
        cli_module.main()
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    finally:
        sys.argv = saved
    out, err = capsys.readouterr()
    return Done(code, out, err)


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root (relative POSIX path -> bytes), reports excluded."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name not in ("SECURITY-REPORT.md", "devsecbots-report.json")
    }


def comparable_report(path: Path) -> dict:
    """The JSON report without what differs between two runs: thread id, model server port,
    timings (the tests' and the probes')."""
    data = json.loads(path.read_text())
    data.pop("thread_id")
    data.get("models", {}).pop("base_url", None)
    probes = data.get("probes") or {}
    probes.pop("seconds", None)
    for result in probes.get("results") or []:
        result.pop("seconds", None)
    data["tests"] = re.sub(r" in [\d.]+s", "", data.get("tests", ""))
    for record in data.get("history") or []:
        record["note"] = re.sub(r" in [\d.]+s", "", record.get("note", ""))
    return data
