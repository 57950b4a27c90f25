"""Semgrep runs over even batches of about its per-process limit; a small rest joins them."""

from __future__ import annotations

import pytest
from devsecbots.nodes.analyzers.builtin import even_batches


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
