"""The benchmark helper the bench suite calls: it runs and its figures hang together."""

from __future__ import annotations

import importlib.util

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.timeout(180)


def test_measure_sqlite_overhead_runs_both_graphs() -> None:
    path = ROOT / "bench" / "_saver_overhead.py"
    spec = importlib.util.spec_from_file_location("saver_overhead", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result = module.measure_sqlite_overhead(2)
    assert result["rounds"] == 2
    assert result["ours_node_ms"] > 0 and result["bare_ms"] > 0 and result["ours_overhead_ms"] > 0
    assert result["ratio"] == pytest.approx(result["ours_overhead_ms"] / result["bare_ms"])
    # Our checkpoints carry files, findings and history; the bare loop's carry two numbers.
    assert result["ours_db_bytes_per_round"] > 5 * result["bare_db_bytes_per_round"] > 0
    with pytest.raises(ValueError):
        module.measure_sqlite_overhead(0)
