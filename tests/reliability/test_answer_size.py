"""A model answer over the size limit is refused while it arrives, not after it is downloaded.

The fake server generates a 100 MB completion piece by piece (it never holds it in memory), with
or without announcing its length. The client stops reading at the limit: one line, exit 3,
nothing written, and the CLI's peak memory stays near that of a run that downloads nothing.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest
from devsecbots.nodes.http_limits import MAX_ANSWER_BYTES

from devsecbots.testing import FakeOpenAI, Fault
from tests.conftest import cli, cli_env
from tests.reliability.helpers import FAST, run_cli, tree

HUNDRED_MB = 100 * 1024 * 1024
MIB = 1024 * 1024


def build(capsys, server: FakeOpenAI, out: Path):
    return run_cli(
        capsys,
        "build",
        "an app",
        "--out",
        str(out),
        "--model",
        "m",
        "--base-url",
        server.base_url,
        *FAST,
        "--request-timeout",
        "30",
    )


@pytest.mark.parametrize("chunked", [True, False], ids=["unannounced", "content-length"])
def test_a_100_mb_answer_is_cut_off_at_the_limit(chunked: bool, capsys, tmp_path: Path) -> None:
    with FakeOpenAI() as server:
        server.default("m", Fault.oversized(HUNDRED_MB, chunked=chunked))
        started = time.monotonic()
        run = build(capsys, server, tmp_path / "out")
        elapsed = time.monotonic() - started
        asked = len(server.requests)
    assert run.code == 3 and len(run.error_lines) == 1, run.stderr
    limit = f"larger than {MAX_ANSWER_BYTES // MIB} MiB"
    assert limit in run.stderr
    assert ("cut off at" if chunked else "announced") in run.stderr
    assert asked == 1  # not retried: the same request would bring the same flood
    assert not (tmp_path / "out").exists() and elapsed < 20
    assert [p for p in tree(tmp_path) if not p.startswith("runs.sqlite")] == []


def test_a_large_answer_under_the_limit_is_read(capsys, tmp_path: Path) -> None:
    """Megabytes under the limit are read in full (and then fail the schema: not JSON)."""
    with FakeOpenAI() as server:
        server.default("m", Fault.oversized(2 * MIB))
        run = build(capsys, server, tmp_path / "out")
    assert run.code == 3 and "invalid output twice" in run.stderr, run.stderr
    assert "larger than" not in run.stderr


def _peak_rss_mib(server: FakeOpenAI, tmp_path: Path, name: str) -> tuple[int, float, str]:
    """Run `build` in a child process; (exit code, its peak RSS in MiB, stderr)."""
    out, err = tmp_path / f"{name}.out", tmp_path / f"{name}.err"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        child = subprocess.Popen(
            cli("build", "x", "--out", str(tmp_path / name), "--model", "m", "--base-url",
                server.base_url, "--no-persist", *FAST),
            env=cli_env(OPENAI_API_KEY="sk-test-size"),
            stdout=stdout,
            stderr=stderr,
        )  # fmt: skip
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    return child.returncode, usage.ru_maxrss / 1024, err.read_text()


@pytest.mark.slow
def test_peak_memory_stays_near_a_run_that_downloads_nothing(tmp_path: Path) -> None:
    with FakeOpenAI() as server:
        server.default("m", Fault.status(400, message="no such thing"))
        code, floor, _ = _peak_rss_mib(server, tmp_path, "floor")
        assert code == 2
        server.reset()
        server.default("m", Fault.oversized(HUNDRED_MB))
        code, peak, stderr = _peak_rss_mib(server, tmp_path, "flood")
    assert code == 3 and "larger than" in stderr, stderr
    # Downloading and parsing 100 MB took ~0.9 GB; cut off at the limit it is a few times that.
    assert peak - floor < 4 * MAX_ANSWER_BYTES / MIB, f"peak {peak:.0f} MiB, floor {floor:.0f} MiB"
