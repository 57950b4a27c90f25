"""Shared bits for the analyser tests."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).with_name("fixtures")
EXAMPLE_APP = ROOT / "examples" / "flask_upload" / "app.py"
BLOCKING = ("medium", "high", "critical")


def fixture(name: str) -> str:
    """The text of a fixture file."""
    return (FIXTURES / name).read_text()


def rule_ids(findings) -> set[str]:
    """The rule ids among findings."""
    return {f["rule_id"] for f in findings}


def blocking(findings) -> list:
    """Findings at medium severity or above."""
    return [f for f in findings if f["severity"] in BLOCKING]
