"""The analysers of one review run side by side, and their findings come back in a fixed order."""

from __future__ import annotations

import threading

import pytest
from devsecbots.graphs.state import Finding, make_finding
from devsecbots.nodes.analyzers import AnalysisCache, analyze, registry

FILES = {"a.py": "x = 1\n", "b.py": "y = 2\n"}


class Meeting:
    """A toy analyzer that only finishes while the other one is running too."""

    default = False
    reads_newer_syntax = True
    merge_rank = 50
    cwe_overrides: dict[str, str] = {}

    def __init__(self, name: str, barrier: threading.Barrier) -> None:
        self.name, self.barrier = name, barrier

    def unavailable(self) -> str:
        return ""

    def version(self) -> str:
        return "1"

    def run(self, files: dict[str, str], step) -> list[Finding]:
        self.barrier.wait()  # BrokenBarrierError after the timeout when run one after the other
        step(len(files))
        return [
            make_finding(severity="low", file=p, line=1, title=self.name, source=self.name)
            for p in files
        ]


@pytest.fixture
def scratch(monkeypatch) -> None:
    """Registrations made by a test are undone after it."""
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))


def test_two_analysers_run_at_the_same_time(scratch) -> None:
    barrier = threading.Barrier(2, timeout=10)
    registry.register(Meeting("first", barrier))
    registry.register(Meeting("second", barrier))
    seen: list[tuple[int, int]] = []
    report = analyze(
        FILES,
        ["second", "first"],
        cache=AnalysisCache(),
        progress=lambda done, total: seen.append((done, total)),
    )
    assert [(f["file"], f["source"]) for f in report.findings] == [
        ("a.py", "first"),
        ("a.py", "second"),
        ("b.py", "first"),
        ("b.py", "second"),
    ]
    assert sorted(seen) == [(2, 4), (4, 4)]
