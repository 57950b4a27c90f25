"""Shared helpers for the FastAPI/Django tests: read a project, harden it offline, run its tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from devsecbots.nodes.analyzers import analyze
from devsecbots.nodes.autofix import apply_fixes

ROOT = Path(__file__).resolve().parents[2]
BLOCKING = ("medium", "high", "critical")


def read_project(folder: Path) -> dict[str, str]:
    """Every text file of a project, by relative POSIX path."""
    return {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts and p.suffix in (".py", ".txt", ".html")
    }


def blocking(files: dict[str, str]) -> list[dict]:
    """Findings that block: medium severity and confidence or above, in the Python files."""
    report = analyze({p: c for p, c in files.items() if p.endswith(".py")}, cache=None)
    return [f for f in report.findings if f["severity"] in BLOCKING and f["confidence"] != "low"]


def harden_offline(files: dict[str, str], rounds: int = 4) -> dict[str, str]:
    """The offline loop: analyze, apply the codemods, repeat while something changes."""
    for _ in range(rounds):
        outcome = apply_fixes(files, blocking(files))
        if not outcome.changed:
            break
        files = outcome.files
    return files


def write(files: dict[str, str], folder: Path) -> Path:
    """Write a project under folder."""
    for path, content in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    return folder


def run_own_tests(folder: Path) -> subprocess.CompletedProcess:
    """The project's own tests: Django's test runner when there is a manage.py, else pytest."""
    env = dict(os.environ, DJANGO_SECRET_KEY="tests-only-secret", PYTHONDONTWRITEBYTECODE="1")
    if (folder / "manage.py").exists():
        command = [sys.executable, "manage.py", "test", "--noinput", "-v", "1"]
    else:
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"]
    return subprocess.run(
        command, cwd=folder, env=env, capture_output=True, text=True, timeout=300, check=False
    )
