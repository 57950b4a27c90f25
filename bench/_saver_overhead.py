"""Per-round cost of durable runs: our graph with the SQLite saver vs a bare LangGraph loop.

Both graphs have the same shape (develop → review → approval_check → develop ...), the same
SqliteSaver on a fresh file, `durability="sync"` like the CLI, and run the same number of rounds
in the same process. Ours runs its real nodes against a local fake model server; the time spent
inside the nodes (model calls, analysers) is measured with callbacks and subtracted, so what is
left is what the graph machinery and the checkpointer add per round on top of the work. The
bare loop's nodes only wait as long as ours work (so checkpoint writes can overlap the same
way), and its time outside them is LangGraph's minimum for this loop with this saver.

    .venv/bin/python bench/_saver_overhead.py [ROUNDS]
"""

from __future__ import annotations

import itertools
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Literal, TypedDict

from langchain_core.callbacks import BaseCallbackHandler
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import END, START, StateGraph

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from devsecbots.graphs.context import Context  # noqa: E402
from devsecbots.graphs.devsec import build_graph, recursion_limit  # noqa: E402

from devsecbots.testing import FakeOpenAI  # noqa: E402

NODES = ("develop", "review", "approval_check")
REPEATS = 3
EXAMPLE = ROOT / "examples" / "flask_upload"


class _NodeTimer(BaseCallbackHandler):
    """Wall time spent inside the graph's node functions (nested calls included once)."""

    def __init__(self) -> None:
        self.started: dict[Any, float] = {}
        self.total = 0.0

    def on_chain_start(self, serialized: Any, inputs: Any, *, run_id: Any, **kw: Any) -> None:
        if kw.get("name") in NODES:
            self.started[run_id] = time.perf_counter()

    def on_chain_end(self, outputs: Any, *, run_id: Any, **kw: Any) -> None:
        if run_id in self.started:
            self.total += time.perf_counter() - self.started.pop(run_id)

    on_chain_error = on_chain_end  # type: ignore[assignment]


class _TimedSaver(SqliteSaver):
    """SqliteSaver that adds up the wall time of its writes (put, put_writes)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        super().__init__(conn)
        self.write_s = 0.0

    def put(self, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return super().put(*args, **kwargs)
        finally:
            self.write_s += time.perf_counter() - start

    def put_writes(self, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return super().put_writes(*args, **kwargs)
        finally:
            self.write_s += time.perf_counter() - start


class _BareState(TypedDict, total=False):
    round: int
    status: str


def _bare_graph(saver: SqliteSaver, rounds: int, work_s: float) -> Any:
    """The same loop with a two-key state; each node only waits `work_s` (our nodes' mean)."""

    def develop(state: _BareState) -> dict:
        time.sleep(work_s)
        return {"round": state.get("round", 0) + 1}

    def review(state: _BareState) -> dict:
        time.sleep(work_s)
        return {}

    def approval_check(state: _BareState) -> dict:
        time.sleep(work_s)
        return {"status": "done" if state["round"] >= rounds else "running"}

    def route(state: _BareState) -> Literal["develop", "__end__"]:
        return "develop" if state["status"] == "running" else END

    builder = StateGraph(_BareState)
    builder.add_node("develop", develop)
    builder.add_node("review", review)
    builder.add_node("approval_check", approval_check)
    builder.add_edge(START, "develop")
    builder.add_edge("develop", "review")
    builder.add_edge("review", "approval_check")
    builder.add_conditional_edges("approval_check", route)
    return builder.compile(checkpointer=saver)


def _script(server: FakeOpenAI) -> None:
    """A DevBot that changes app.py every round and a SecBot that never approves."""
    app = (EXAMPLE / "app.py").read_text()
    template = (EXAMPLE / "templates" / "upload.html").read_text()
    counter = itertools.count(1)

    def dev(_body: dict) -> dict:
        n = next(counter)
        return {
            "summary": f"revision {n}",
            "files": [
                {"path": "app.py", "content": f"# revision {n}\n{app}"},
                {"path": "templates/upload.html", "content": template},
            ],
        }

    server.default("dev", dev)
    server.default(
        "sec",
        {
            "status": "changes_requested",
            "summary": "not yet",
            "findings": [
                {
                    "severity": "high",
                    "cwe": "CWE-22",
                    "file": "app.py",
                    "line": 1,
                    "title": "Upload path from the client",
                    "recommendation": "use secure_filename",
                }
            ],
        },
    )


def _timed(graph: Any, inputs: dict, config: dict, **kw: Any) -> tuple[float, float]:
    timer = _NodeTimer()
    start = time.perf_counter()
    graph.invoke(inputs, {**config, "callbacks": [timer]}, durability="sync", **kw)
    return time.perf_counter() - start, timer.total


def _stored_bytes(conn: sqlite3.Connection) -> int:
    """Bytes of checkpoint payload the saver stored (checkpoints, metadata, pending writes)."""
    checkpoints = conn.execute(
        "SELECT COALESCE(SUM(LENGTH(checkpoint) + LENGTH(metadata)), 0) FROM checkpoints"
    ).fetchone()[0]
    writes = conn.execute("SELECT COALESCE(SUM(LENGTH(value)), 0) FROM writes").fetchone()[0]
    return int(checkpoints + writes)


def measure_sqlite_overhead(rounds: int) -> dict:
    """Per-round overhead (ms) of our graph + SqliteSaver and of a bare loop with the same saver.

    Returns rounds, ours_overhead_ms (our graph's wall time outside its nodes, per round),
    ours_node_ms (inside the nodes, per round: the work, not overhead), bare_ms (the bare
    loop's time outside its nodes, which wait as long as ours work), ratio (ours / bare), the
    time each saver spent writing (ours/bare_saver_write_ms; it runs partly in a background
    thread, overlapping the nodes) and the checkpoint bytes each stores per round. Medians of
    REPEATS runs, fresh databases. Dominated by SQLite's fsync, so it varies with the disk.
    """
    if rounds < 1:
        raise ValueError("rounds must be at least 1")
    ours, nodes, bare, ours_bytes, bare_bytes, ours_io, bare_io = [], [], [], [], [], [], []
    ctx_args = dict(
        dev_model="dev",
        sec_model="sec",
        analyzers=("bandit",),
        max_rounds=rounds,
        stall_rounds=rounds + 1,
        run_tests=False,
        max_retries=0,
    )
    with FakeOpenAI() as server, tempfile.TemporaryDirectory() as tmp:
        _script(server)
        ctx = Context(base_url=server.base_url, **ctx_args)
        for repeat in range(REPEATS):
            db = Path(tmp) / f"ours{repeat}.sqlite"
            with sqlite3.connect(db, check_same_thread=False) as conn:
                saver = _TimedSaver(conn)
                graph = build_graph(saver)
                config = {
                    "configurable": {"thread_id": "ours"},
                    "recursion_limit": recursion_limit(rounds),
                }
                total, inside = _timed(graph, {"request": "an upload app"}, config, context=ctx)
                final = graph.get_state(config).values
                ours_bytes.append(_stored_bytes(conn) / rounds)
                ours_io.append(saver.write_s / rounds)
            assert final["round"] == rounds and final["status"] == "max_rounds", final["reason"]
            ours.append((total - inside) / rounds)
            nodes.append(inside / rounds)

            db = Path(tmp) / f"bare{repeat}.sqlite"
            with sqlite3.connect(db, check_same_thread=False) as conn:
                saver = _TimedSaver(conn)
                graph = _bare_graph(saver, rounds, inside / rounds / len(NODES))
                config = {
                    "configurable": {"thread_id": "bare"},
                    "recursion_limit": recursion_limit(rounds),
                }
                total, inside = _timed(graph, {"round": 0}, config)
                bare_bytes.append(_stored_bytes(conn) / rounds)
                bare_io.append(saver.write_s / rounds)
            bare.append((total - inside) / rounds)
    result = {
        "rounds": rounds,
        "ours_overhead_ms": statistics.median(ours) * 1000,
        "ours_node_ms": statistics.median(nodes) * 1000,
        "bare_ms": statistics.median(bare) * 1000,  # outside its nodes, like ours
        "ours_saver_write_ms": statistics.median(ours_io) * 1000,
        "bare_saver_write_ms": statistics.median(bare_io) * 1000,
        "ours_db_bytes_per_round": statistics.median(ours_bytes),
        "bare_db_bytes_per_round": statistics.median(bare_bytes),
    }
    result["ratio"] = result["ours_overhead_ms"] / result["bare_ms"]
    return result


def main(argv: list[str]) -> int:
    """Print one line per figure and the ratio against the bare loop."""
    rounds = int(argv[0]) if argv else 10
    r = measure_sqlite_overhead(rounds)
    print(f"sqlite saver, {r['rounds']} rounds, median of {REPEATS} runs")
    print(
        f"  our graph:  {r['ours_overhead_ms']:.1f} ms/round outside the nodes "
        f"(+{r['ours_node_ms']:.0f} ms/round inside: models, analysers); saver writes "
        f"{r['ours_saver_write_ms']:.1f} ms/round, "
        f"{r['ours_db_bytes_per_round'] / 1024:.1f} KiB of checkpoints/round"
    )
    print(
        f"  bare loop:  {r['bare_ms']:.1f} ms/round outside its nodes; saver writes "
        f"{r['bare_saver_write_ms']:.1f} ms/round, "
        f"{r['bare_db_bytes_per_round'] / 1024:.1f} KiB/round"
    )
    print(f"  ratio (ours / bare, overhead per round): {r['ratio']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
