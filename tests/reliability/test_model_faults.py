"""Model faults: every one either recovers (bounded retries / one re-ask) or stops with exit 3,
one line naming the cause, and a checkpoint from which `resume` completes once the server behaves.

The faults hit DevBot's first call of `devsecbots build` against the local fake server.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from devsecbots.testing import FakeOpenAI, Fault, free_port
from tests.reliability.helpers import FAST, checkpoints, run_cli, tree
from tests.story import SECURE_APP, submission, verdict


@dataclass(frozen=True)
class Case:
    """A fault, how the CLI names it when it persists, and how recovery happens."""

    name: str
    fault: Any
    cause: str  # must appear in the one-line error
    reasked: bool = False  # recovery by re-asking with the error (not a plain retry)


CASES = [
    Case("429", Fault.status(429, retry_after=0.2), "kept rate-limiting after retries"),
    Case("500", Fault.status(500), "failed with HTTP 500"),
    Case("503", Fault.status(503), "failed with HTTP 503"),
    Case("disconnect", Fault.disconnect(), "cannot reach the model server"),
    Case("hang", Fault.hang(3), "did not answer in 0.5s"),
    Case("malformed", Fault.malformed(), "unreadable answer (malformed JSON)"),
    Case("empty_choices", Fault.empty_choices(), "unreadable answer (no choices)"),
    Case(
        "invalid_schema",
        Fault.invalid_schema({"summary": "no files"}),
        "invalid output twice",
        reasked=True,
    ),
    Case("refusal", Fault.refusal(), "the model refused", reasked=True),
]
GOOD = [submission(SECURE_APP), verdict("approved")]


def build(capsys, server_url: str, out: Path, *extra: str):
    return run_cli(
        capsys,
        "build",
        "a Flask upload app",
        "--out",
        str(out),
        "--model",
        "m",
        "--base-url",
        server_url,
        *FAST,
        *extra,
    )


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_passing_fault_is_recovered(case: Case, capsys, tmp_path: Path) -> None:
    with FakeOpenAI() as server:
        server.script("m", [case.fault, *GOOD])
        run = build(capsys, server.base_url, tmp_path / "out")
        requests = server.requests
    assert run.code == 0, run.stderr
    assert (tmp_path / "out" / "app.py").read_text() == SECURE_APP
    assert len(requests) == 3  # the faulty call, its retry or re-ask, SecBot's review
    first, second = requests[0].messages, requests[1].messages
    if case.reasked:  # the model is shown why its answer could not be used
        assert len(second) == len(first) + 1 and "could not be used" in second[-1]["content"]
    else:  # a plain retry of the same request
        assert second == first


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_lasting_fault_stops_with_exit_3_then_resume_completes(
    case: Case, capsys, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    with FakeOpenAI() as server:
        server.default("m", case.fault)
        started = time.monotonic()
        run = build(capsys, server.base_url, out)
        elapsed = time.monotonic() - started
        attempts = len(server.requests)
        assert run.code == 3, run.stdout + run.stderr
        assert len(run.error_lines) == 1 and run.error_lines[0].startswith("error:"), run.stderr
        assert case.cause in " ".join(run.stderr.split())
        assert "Traceback" not in run.stdout + run.stderr
        assert attempts == 2  # --max-retries 1: bounded, and the re-ask also happens only once
        assert elapsed < 10
        assert run.thread_id and checkpoints(tmp_path / "runs.sqlite", run.thread_id) >= 1
        assert not out.exists()
        # The server behaves again: resume finishes the run from its checkpoint.
        server.reset()
        server.script("m", GOOD)
        resumed = run_cli(capsys, "resume", run.thread_id)
        calls = len(server.requests)
    assert resumed.code == 0, resumed.stdout + resumed.stderr
    assert calls == 2  # DevBot's failed call again, then SecBot
    assert (out / "app.py").read_text() == SECURE_APP
    assert set(tree(out)) == {f["path"] for f in GOOD[0]["files"]} | {
        "templates",
        "SECURITY-REPORT.md",
        "devsecbots-report.json",
    }


def test_retry_after_is_honoured(capsys, tmp_path: Path) -> None:
    with FakeOpenAI() as server:
        server.script("m", [Fault.status(429, retry_after=0.6), *GOOD])
        run = build(capsys, server.base_url, tmp_path / "out")
        first, second = server.requests[:2]
    assert run.code == 0, run.stderr
    assert second.timestamp - first.timestamp >= 0.6


def test_server_errors_are_retried_with_backoff(capsys, tmp_path: Path) -> None:
    with FakeOpenAI() as server:
        server.script("m", [Fault.status(500), Fault.status(500), *GOOD])
        run = build(capsys, server.base_url, tmp_path / "out", "--max-retries", "2")
        stamps = [r.timestamp for r in server.requests[:3]]
    assert run.code == 0, run.stderr
    gaps = [b - a for a, b in zip(stamps, stamps[1:], strict=False)]
    # The SDK waits 0.5 s then 1 s (less up to 25 % jitter): the second wait is the longer.
    assert gaps[0] >= 0.37 and gaps[1] >= 0.74, gaps


def test_resume_after_connection_refused_once_the_server_listens(capsys, tmp_path: Path) -> None:
    port = free_port()
    failed = build(capsys, f"http://127.0.0.1:{port}/v1", tmp_path / "out")
    assert failed.code == 3 and len(failed.error_lines) == 1
    assert "cannot reach the model server" in failed.stderr
    assert checkpoints(tmp_path / "runs.sqlite", failed.thread_id) >= 1
    with FakeOpenAI(port=port) as server:
        server.script("m", GOOD)
        resumed = run_cli(capsys, "resume", failed.thread_id)
    assert resumed.code == 0, resumed.stderr
    assert (tmp_path / "out" / "app.py").read_text() == SECURE_APP


def test_resume_does_not_repeat_a_finished_model_call(capsys, tmp_path: Path) -> None:
    """SecBot's server fails after DevBot answered: resume asks SecBot only."""
    with FakeOpenAI() as server:
        server.script("dev", [submission(SECURE_APP)])
        server.default("sec", Fault.status(503))
        failed = run_cli(
            capsys,
            "build",
            "x",
            "--out",
            str(tmp_path / "out"),
            "--dev-model",
            "dev",
            "--sec-model",
            "sec",
            "--base-url",
            server.base_url,
            *FAST,
        )
        assert failed.code == 3 and "HTTP 503" in failed.stderr
        server.reset()
        server.script("sec", [verdict("approved")])
        resumed = run_cli(capsys, "resume", failed.thread_id)
        models = [r.model for r in server.requests]
    assert resumed.code == 0, resumed.stderr
    assert models == ["sec"]
