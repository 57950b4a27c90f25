"""Semgrep runs over even batches of about its per-process limit; a small rest joins them."""

from __future__ import annotations

import pytest
from devsecbots.nodes.analyzers.builtin import even_batches, process_batches


@pytest.mark.parametrize(
    ("count", "most", "sizes"),
    [
        (0, 2_500, []),
        (1, 2_500, [1]),
        (2_500, 2_500, [2_500]),
        (2_501, 2_500, [2_501]),  # not a second process for one file
        (3_200, 2_500, [1_600, 1_600]),  # 700 over: more than a quarter, a second batch
        (5_001, 2_500, [2_501, 2_500]),
        (7, 3, [3, 3, 1]),
        (9, 3, [3, 3, 3]),
    ],
)
def test_even_batches(count, most, sizes):
    paths = [f"m{i}.py" for i in range(count)]
    batches = even_batches(paths, most)
    assert [len(b) for b in batches] == sizes
    assert [p for b in batches for p in b] == paths


@pytest.mark.parametrize(
    ("count", "workers", "sizes"),
    [
        (0, 2, []),
        (30, 2, [30]),  # too few files to pay for compiling the rules twice
        (120, 2, [60, 60]),
        (350, 2, [175, 175]),
        (350, 1, [350]),
        (7_000, 2, [2_334, 2_334, 2_332]),  # no process over the memory bound
    ],
)
def test_process_batches(count, workers, sizes):
    paths = [f"f{i}.py" for i in range(count)]
    batches = process_batches(paths, workers)
    assert [len(b) for b in batches] == sizes
    assert [p for b in batches for p in b] == paths


def test_semgrep_runs_one_job_per_process():
    """Semgrep's own jobs lose taint findings at random: parallelism is by process only."""
    from devsecbots.nodes.analyzers.semgrep_runner import RULES_DIR, semgrep_command

    command = semgrep_command("semgrep", RULES_DIR)
    assert "--jobs=1" in command
    assert not any(a.startswith(("-j", "--jobs")) and a != "--jobs=1" for a in command)
