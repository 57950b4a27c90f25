"""Graph overhead per round: our DevBot ⇄ SecBot graph vs a bare LangGraph loop of the same shape.

What is measured. Ours is the real graph (build_graph) with its real node code — prompt
rendering and fencing, merging, the approval gate, fix checks, history, reducers, the router —
but with the two *external* costs stubbed at their call sites: the model (nodes.develop /
nodes.llm `ask_structured` return a prepared answer) and the analyzers (`analyze` returns the
findings Bandit gave for those files, computed once beforehand). The bare loop is a StateGraph of
the same state type with the same 3 nodes + conditional edge whose nodes only return the very
updates our nodes produced (recorded from a warm-up run), so both graphs move the same state,
write the same channels and checkpoint the same bytes. Both run with no saver, InMemorySaver and
SqliteSaver (fresh file, durability="sync" like the CLI); the ratio is ours / bare per round.
The SQLite line is cross-checked with bench/_saver_overhead.py (real nodes and model server,
time inside the nodes subtracted), when present.

    .venv/bin/python bench/overhead.py [--rounds 10] [--repeats 5]
"""

from __future__ import annotations

import argparse
import itertools
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Literal

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import devsecbots.nodes.develop as develop_node  # noqa: E402
import devsecbots.nodes.llm as llm_module  # noqa: E402
import devsecbots.nodes.review_pass as review_node  # noqa: E402
from devsecbots.graphs.context import Context  # noqa: E402
from devsecbots.graphs.devsec import build_graph, recursion_limit  # noqa: E402
from devsecbots.graphs.state import DevSecState, DevSubmission, ReviewVerdict, Usage  # noqa: E402
from devsecbots.nodes.analyzers import analyze  # noqa: E402
from langgraph.checkpoint.memory import InMemorySaver  # noqa: E402
from langgraph.checkpoint.sqlite import SqliteSaver  # noqa: E402
from langgraph.graph import END, START, StateGraph  # noqa: E402

TARGET = 1.5
APP = (ROOT / "examples" / "flask_upload" / "app.py").read_text()
TEMPLATE = (ROOT / "examples" / "flask_upload" / "templates" / "upload.html").read_text()
FINDING = {
    "severity": "high",
    "cwe": "CWE-22",
    "file": "app.py",
    "line": 1,
    "title": "Upload saved under the client's file name",
    "recommendation": "Use secure_filename and an extension allow-list",
}


class Stubs:
    """Prepared model answers and analyser results, so no node waits on anything external."""

    def __init__(self, rounds: int) -> None:
        self.apps = {n: f"# revision {n}\n{APP}" for n in range(1, rounds + 2)}
        self.reports = {
            n: analyze({"app.py": app, "templates/upload.html": TEMPLATE}, ("bandit",))
            for n, app in self.apps.items()
        }
        self.verdict = ReviewVerdict.model_validate(
            {"status": "changes_requested", "summary": "not yet", "findings": [FINDING]}
        )

    def ask(self, ctx, role, schema, system, task, *, round_no, node):  # noqa: ANN001
        """Stand-in for nodes.llm.ask_structured: the prepared answer, 1,000 + 200 tokens."""
        usage = [Usage(round=round_no, node=node, model=role, input_tokens=1000, output_tokens=200)]
        if schema is DevSubmission:
            return DevSubmission.model_validate(
                {
                    "summary": f"revision {round_no}",
                    "files": [
                        {"path": "app.py", "content": self.apps[round_no]},
                        {"path": "templates/upload.html", "content": TEMPLATE},
                    ],
                }
            ), usage
        return self.verdict, usage

    def analyze(self, files, analyzers=("bandit",), **_options):  # noqa: ANN001
        """Stand-in for nodes.analyzers.analyze: the findings computed beforehand."""
        revision = int(files["app.py"].split("\n", 1)[0].rsplit(" ", 1)[1])
        return self.reports[revision]

    def install(self) -> None:
        """Replace the external calls where the nodes look them up."""
        develop_node.ask_structured = self.ask
        llm_module.ask_structured = self.ask  # the review pass imports it when it asks
        review_node.analyze = self.analyze


def bare_graph(updates: dict[tuple[str, int], dict], checkpointer: Any) -> Any:
    """Same shape and state type; each node returns the update ours produced in that round."""

    def replay(name: str):
        def node(state: DevSecState) -> dict:
            current = state.get("round", 0) + (1 if name == "develop" else 0)
            return updates[(name, current)]

        return node

    def route(state: DevSecState) -> Literal["develop", "__end__"]:
        return "develop" if state.get("status") == "running" else END

    builder = StateGraph(DevSecState)
    for name in ("develop", "review", "approval_check"):
        builder.add_node(name, replay(name))
    builder.add_edge(START, "develop")
    builder.add_edge("develop", "review")
    builder.add_edge("review", "approval_check")
    builder.add_conditional_edges("approval_check", route)
    return builder.compile(checkpointer=checkpointer)


def record_updates(ctx: Context, rounds: int) -> dict[tuple[str, int], dict]:
    """Run ours once and keep every node's update, keyed by (node, round)."""
    updates, graph = {}, build_graph()
    round_no = 0
    for chunk in graph.stream(
        {"request": "an upload app"}, {"recursion_limit": 999}, context=ctx, stream_mode="updates"
    ):
        for name, update in chunk.items():
            round_no = update.get("round", round_no)
            updates[(name, round_no)] = update
    assert round_no == rounds, f"expected {rounds} rounds, ran {round_no}"
    return updates


def timed_run(graph: Any, inputs: dict, rounds: int, **kw: Any) -> float:
    """Seconds per round for one complete run on a fresh thread."""
    config = {
        "configurable": {"thread_id": f"t{time.perf_counter_ns()}"},
        "recursion_limit": recursion_limit(rounds),
    }
    if graph.checkpointer is not None:  # (durability without a saver crashes LangGraph 1.2)
        kw["durability"] = "sync"
    start = time.perf_counter()
    final = graph.invoke(inputs, config, **kw)
    elapsed = time.perf_counter() - start
    assert final["round"] == rounds and final["status"] == "max_rounds", final.get("reason")
    return elapsed / rounds


def savers(tmp: Path):
    """(label, factory) for each checkpointer; each factory gives a fresh saver."""
    counter = itertools.count()

    def sqlite() -> SqliteSaver:
        conn = sqlite3.connect(tmp / f"run{next(counter)}.sqlite", check_same_thread=False)
        return SqliteSaver(conn)

    return [("no saver", lambda: None), ("InMemorySaver", InMemorySaver), ("SqliteSaver", sqlite)]


def measure(rounds: int, repeats: int) -> list[dict]:
    """Best-of-N ms/round of ours and bare for each saver (runs interleaved), plus medians.

    The minimum is the figure: other processes on a shared machine only ever add time, and
    the median of a millisecond-scale loop moves by 2x with them; both are printed.
    """
    stubs = Stubs(rounds)
    stubs.install()
    ctx = Context(
        dev_model="dev",
        sec_model="sec",
        analyzers=("bandit",),
        max_rounds=rounds,
        stall_rounds=rounds + 1,
        run_tests=False,
    )
    updates = record_updates(ctx, rounds)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, make_saver in savers(Path(tmp)):
            ours_times, bare_times = [], []
            for _ in range(repeats + 1):  # the first pair warms up and is dropped
                ours = build_graph(make_saver())
                bare = bare_graph(updates, make_saver())
                ours_times.append(
                    timed_run(ours, {"request": "an upload app"}, rounds, context=ctx)
                )
                bare_times.append(timed_run(bare, {"request": "an upload app"}, rounds))
            ours_ms, bare_ms = min(ours_times[1:]) * 1000, min(bare_times[1:]) * 1000
            rows.append(
                {
                    "saver": label,
                    "ours_ms": ours_ms,
                    "bare_ms": bare_ms,
                    "ratio": ours_ms / bare_ms,
                    "ours_median_ms": statistics.median(ours_times[1:]) * 1000,
                    "bare_median_ms": statistics.median(bare_times[1:]) * 1000,
                }
            )
    return rows


def saver_cross_check(rounds: int) -> str:
    """The other helper's SQLite measurement (real nodes, node time subtracted), if present."""
    try:
        from bench._saver_overhead import measure_sqlite_overhead
    except ImportError:
        return "bench/_saver_overhead.py not present: no cross-check"
    r = measure_sqlite_overhead(rounds)
    return (
        f"cross-check (bench/_saver_overhead.py, real nodes + fake server, node time "
        f"subtracted): {r['ours_overhead_ms']:.1f} ms/round outside the nodes vs bare "
        f"{r['bare_ms']:.1f} ms/round (tiny state) = {r['ratio']:.2f}x"
    )


def main(argv: list[str] | None = None) -> int:
    """Print ms/round for ours and the bare loop per saver, the ratio and the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--no-cross-check", action="store_true")
    parser.add_argument("--no-tokens", action="store_true", help="skip the 5-round token line")
    args = parser.parse_args(argv)
    rows = measure(args.rounds, args.repeats)
    print(
        f"graph overhead per round, {args.rounds} rounds, best of {args.repeats} runs "
        f"(median in brackets; model and analysers stubbed, see the module docstring)"
    )
    print(f"  {'saver':<14} {'ours ms/round':>20} {'bare ms/round':>20} {'ratio':>7}")
    for r in rows:
        ours = f"{r['ours_ms']:.2f} ({r['ours_median_ms']:.2f})"
        bare = f"{r['bare_ms']:.2f} ({r['bare_median_ms']:.2f})"
        print(f"  {r['saver']:<14} {ours:>20} {bare:>20} {r['ratio']:>6.2f}x")
    worst = max(r["ratio"] for r in rows)
    print(f"  target <= {TARGET}x: {'met' if worst <= TARGET else 'NOT met'} (worst {worst:.2f}x)")
    if not args.no_cross_check:
        print("  " + saver_cross_check(args.rounds))
    if not args.no_tokens:
        print_prompt_tokens(rounds=5)
    return 0


def print_prompt_tokens(rounds: int) -> None:
    """Prompt tokens per round of a real run (fake server), in its own process: the stubs above
    replace the model calls in this one."""
    script = Path(__file__).with_name("tokens_per_round.py")
    subprocess.run([sys.executable, str(script), "--rounds", str(rounds)], check=False)


if __name__ == "__main__":
    sys.exit(main())
