"""Run the CLI in this process (fast) and look into the run database, for the reliability tests."""

from __future__ import annotations

import re
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from devsecbots import cli as cli_module

THREAD = re.compile(r"devsecbots resume ([0-9a-f-]{36})")
# Short waits: tests must stay fast, and these bounds are what the CLI options are for.
FAST = ("--request-timeout", "0.5", "--max-retries", "1", "--analyzers", "bandit")


@dataclass
class CliRun:
    """Exit code and output of one in-process CLI run."""

    code: int
    stdout: str
    stderr: str

    @property
    def error_lines(self) -> list[str]:
        """Non-empty stderr lines."""
        return [line for line in self.stderr.splitlines() if line.strip()]

    @property
    def thread_id(self) -> str:
        """The thread named in the resume hint ('' when there is none)."""
        match = THREAD.search(" ".join(self.stderr.split()))
        return match.group(1) if match else ""


def run_cli(capsys: pytest.CaptureFixture, *args: str) -> CliRun:
    """`devsecbots ARGS` through the real entry point (errors become one line + exit code)."""
    capsys.readouterr()
    saved = sys.argv
    sys.argv = ["devsecbots", *args]
    try:
        cli_module.main()
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    finally:
        sys.argv = saved
    out, err = capsys.readouterr()
    return CliRun(code, out, err)


def checkpoints(db: Path, thread_id: str) -> int:
    """How many checkpoints the SQLite run database holds for a thread."""
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT COUNT(*) FROM checkpoints WHERE thread_id = ?", (thread_id,)
        ).fetchone()
    return int(row[0])


def tree(root: Path) -> list[str]:
    """Every path under root (files, dirs, symlinks), relative, sorted."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
