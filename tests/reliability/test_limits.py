"""Per-run limits: rounds, total tokens, wall time. Hitting one ends the run (exit 1) with its
status and reason in the JSON and Markdown reports, and no more model calls than the limit allows.
The wall time also cuts a model call in flight short (and the retries it would need)."""

from __future__ import annotations

import itertools
import json
import re
import time
from pathlib import Path

import pytest

from devsecbots.testing import FakeOpenAI, Fault
from tests.reliability.helpers import FAST, run_cli
from tests.story import INSECURE_APP, ROUND1_FINDINGS, submission, verdict


def ever_changing_app():
    """DevBot 'revises' every round (so the run never stalls) but never fixes anything."""
    versions = itertools.count(1)
    return lambda _body: submission(INSECURE_APP + f"# revision {next(versions)}\n")


def run_with_limit(
    capsys, tmp_path: Path, server: FakeOpenAI, *limit: str
) -> tuple[int, dict, str]:
    server.default("dev", ever_changing_app())
    server.default("sec", verdict("changes_requested", ROUND1_FINDINGS))
    run = run_cli(
        capsys,
        "build",
        "an upload app",
        "--out",
        str(tmp_path / "out"),
        "--dev-model",
        "dev",
        "--sec-model",
        "sec",
        "--base-url",
        server.base_url,
        "--report",
        str(tmp_path / "r.json"),
        *FAST,
        *limit,
    )
    markdown = (tmp_path / "out" / "SECURITY-REPORT.md").read_text()
    return run.code, json.loads((tmp_path / "r.json").read_text()), markdown


def test_round_limit(capsys, tmp_path: Path) -> None:
    with FakeOpenAI() as server:
        code, report, markdown = run_with_limit(capsys, tmp_path, server, "--max-rounds", "3")
        calls = len(server.requests)
    assert code == 1
    assert report["run_status"] == "max_rounds" and report["rounds"] == 3
    assert "max rounds 3" in report["reason"] and report["reason"] in markdown
    assert calls == 6  # DevBot + SecBot per round, nothing after the limit


def test_token_budget(capsys, tmp_path: Path) -> None:
    with FakeOpenAI() as server:
        code, report, markdown = run_with_limit(
            capsys, tmp_path, server, "--max-rounds", "10", "--max-tokens-budget", "3000"
        )
        billed = server.billed
    used = report["usage"]["input_tokens"] + report["usage"]["output_tokens"]
    assert code == 1
    assert report["run_status"] == "budget_exhausted"
    assert "token budget of 3,000" in report["reason"] and report["reason"] in markdown
    assert used == billed["input_tokens"] + billed["output_tokens"] >= 3000
    # The check runs at the end of a round: it may overshoot by at most the last round.
    last = report["history"][-1]["tokens"]
    assert used - last < 3000 and report["rounds"] < 10


def test_wall_time_limit(capsys, tmp_path: Path) -> None:
    with FakeOpenAI(latency=0.25) as server:
        code, report, markdown = run_with_limit(
            capsys, tmp_path, server, "--max-rounds", "10", "--max-wall-time", "1"
        )
    assert code == 1
    assert report["run_status"] == "time_limit"
    assert "wall time limit of 1s" in report["reason"] and report["reason"] in markdown
    # It stops at the end of the first round that ends past the limit, never before: each round
    # takes >= 0.5 s (two answers of 0.25 s), so at most 3 rounds; a loaded machine's slower
    # rounds (analysers run each round) may reach the limit in the first.
    elapsed = float(re.search(r"reached after ([0-9.]+)s", report["reason"]).group(1))
    assert elapsed >= 1 and 1 <= report["rounds"] <= 3


@pytest.mark.parametrize(
    "option",
    [
        "--max-rounds",
        "--max-tokens-budget",
        "--max-wall-time",
        "--request-timeout",
        "--max-retries",
    ],
)
def test_negative_limits_are_refused(option: str, capsys, tmp_path: Path) -> None:
    run = run_cli(capsys, "build", "x", "--out", str(tmp_path / "o"), "--model", "m", option, "-1")
    assert run.code == 2 and not (tmp_path / "o").exists()


# ------------------------------------------------------------------ wall time, mid model call


def build_with_wall_time(capsys, tmp_path: Path, server: FakeOpenAI, seconds: str):
    """A build whose model calls may hang for a minute; only --max-wall-time can end it early."""
    started = time.monotonic()
    run = run_cli(
        capsys,
        "build",
        "an upload app",
        "--out",
        str(tmp_path / "out"),
        "--dev-model",
        "dev",
        "--sec-model",
        "sec",
        "--base-url",
        server.base_url,
        "--report",
        str(tmp_path / "r.json"),
        "--request-timeout",
        "60",
        "--max-retries",
        "3",
        "--analyzers",
        "bandit",
        "--max-wall-time",
        seconds,
    )
    elapsed = time.monotonic() - started
    return run, json.loads((tmp_path / "r.json").read_text()), elapsed


def test_wall_time_cuts_a_hanging_model_call_short(capsys, tmp_path: Path) -> None:
    with FakeOpenAI() as server:
        server.default("dev", Fault.hang(60))
        run, report, elapsed = build_with_wall_time(capsys, tmp_path, server, "1.5")
    assert run.code == 1, run.stderr
    assert report["run_status"] == "time_limit"
    assert report["reason"].startswith("wall time limit of 1.5s reached after")
    assert "during DevBot's model call" in report["reason"]
    assert elapsed < 15  # not the 60 s the call would hang, nor its retries


def test_wall_time_stops_retries_that_would_outlast_it(capsys, tmp_path: Path) -> None:
    with FakeOpenAI() as server:
        server.default("dev", Fault.status(429, retry_after=30))
        run, report, elapsed = build_with_wall_time(capsys, tmp_path, server, "2")
        asked = len(server.requests)
    assert run.code == 1 and report["run_status"] == "time_limit", run.stderr
    assert asked == 1 and elapsed < 15  # no waiting 30 s for a retry the run cannot afford


def test_a_review_cut_short_keeps_the_last_accepted_files(capsys, tmp_path: Path) -> None:
    revised = INSECURE_APP + "# revision 2\n"
    with FakeOpenAI() as server:
        server.script("dev", [submission(INSECURE_APP), submission(revised)])
        server.script("sec", [verdict("changes_requested", ROUND1_FINDINGS), Fault.hang(60)])
        run, report, elapsed = build_with_wall_time(capsys, tmp_path, server, "6")
    assert run.code == 1, run.stderr
    assert report["run_status"] == "time_limit" and "SecBot's model call" in report["reason"]
    last = report["history"][-1]
    assert (report["rounds"], last["verdict"]) == (2, "time_limit"), report["history"]
    # Round 2's files were never reviewed: the run ends with round 1's.
    assert (tmp_path / "out" / "app.py").read_text() == INSECURE_APP
    assert elapsed < 20
