"""Concurrency: 20 harden runs against a model server with 0.2 s latency, 1 vs 10 at a time.

Each run hardens its own copy of the insecure upload app with a model: SecBot reviews (0.2 s),
Bandit's findings send DevBot back (0.2 s), SecBot approves the fix (0.2 s) — 0.6 s of waiting
per run, 12 s for 20 in a row. The fake server runs in its own process (its CPU does not compete
with ours) and answers from a JSON script.

Two ways to run many jobs are timed, each against its own concurrency-1 baseline in this run:
  - `devsecbots harden P1..P20 --concurrency N` (in this process, through the CLI entry point):
    one independent job per path in worker threads (devsecbots/batch.py);
  - the graph's own `abatch(..., max_concurrency=N)`: LangGraph runs our sync nodes in its
    thread pool under asyncio — this answers whether async nodes are needed (they are not).
Target: >= 7x faster with 10 at a time. `--end-to-end` also times fresh `devsecbots` processes.

    .venv/bin/python bench/concurrency.py [--runs 20] [--concurrency 10] [--end-to-end]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devsecbots.graphs.context import Context  # noqa: E402
from devsecbots.graphs.devsec import build_graph, recursion_limit  # noqa: E402

from devsecbots import cli  # noqa: E402
from tests.story import INSECURE_APP, SECURE_APP, TEMPLATE, submission, verdict  # noqa: E402

LATENCY = 0.2
CALLS_PER_RUN = 3
TARGET = 7.0


@contextlib.contextmanager
def fake_server(tmp: Path):
    """The fake OpenAI server in a subprocess: DevBot returns the secure app, SecBot approves."""
    script = tmp / "script.json"
    script.write_text(json.dumps({"dev": submission(SECURE_APP), "sec": verdict("approved")}))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "devsecbots.testing.fake_openai",
            "--script",
            str(script),
            "--latency",
            str(LATENCY),
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        yield proc.stdout.readline().strip()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def make_inputs(tmp: Path, runs: int) -> list[Path]:
    """One directory per run, each holding the insecure upload app."""
    paths = []
    for i in range(runs):
        path = tmp / "inputs" / f"app{i:02d}"
        (path / "templates").mkdir(parents=True)
        (path / "app.py").write_text(INSECURE_APP)
        (path / "templates" / "upload.html").write_text(TEMPLATE)
        paths.append(path)
    return paths


def harden_args(paths: list[Path], out: Path, url: str, concurrency: int) -> list[str]:
    return [
        "harden",
        *map(str, paths),
        "--out",
        str(out),
        "--dev-model",
        "dev",
        "--sec-model",
        "sec",
        "--base-url",
        url,
        "--analyzers",
        "bandit",
        "--no-tests",
        "--no-persist",
        "--concurrency",
        str(concurrency),
    ]


def time_cli(args: list[str]) -> float:
    """Seconds for one in-process CLI invocation (output swallowed); it must approve all."""
    saved, sys.argv = sys.argv, ["devsecbots", *args]
    started = time.perf_counter()
    try:
        with contextlib.redirect_stdout(io.StringIO()) as printed:
            cli.main()
    except SystemExit as done:
        assert done.code == 0, printed.getvalue()[-2000:]
    finally:
        sys.argv = saved
    return time.perf_counter() - started


def time_subprocess(args: list[str]) -> float:
    """Seconds for a fresh `devsecbots` process (interpreter start-up and imports included)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "devsecbots.cli", *args], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return time.perf_counter() - started


def time_abatch(paths: list[Path], url: str, concurrency: int) -> float:
    """Seconds for graph.abatch over all inputs with max_concurrency (sync nodes, no saver)."""
    ctx = Context(
        dev_model="dev", sec_model="sec", base_url=url, analyzers=("bandit",), run_tests=False
    )
    graph = build_graph()
    inputs = [
        {
            "request": "Harden this code.",
            "files": {
                "app.py": (p / "app.py").read_text(),
                "templates/upload.html": (p / "templates" / "upload.html").read_text(),
            },
        }
        for p in paths
    ]
    config = {"recursion_limit": recursion_limit(ctx.max_rounds), "max_concurrency": concurrency}
    started = time.perf_counter()
    finals = asyncio.run(graph.abatch(inputs, config, context=ctx))
    elapsed = time.perf_counter() - started
    assert all(f["status"] == "approved" for f in finals), [f["status"] for f in finals]
    return elapsed


def report(label: str, serial: float, parallel: float, runs: int, n: int) -> float:
    speedup = serial / parallel
    print(
        f"  {label:<34} 1 at a time {serial:6.2f} s   {n} at a time {parallel:5.2f} s   "
        f"speed-up {speedup:4.1f}x ({runs / parallel:.1f} runs/s)"
    )
    return speedup


def main(argv: list[str] | None = None) -> int:
    """Time each way at concurrency 1 and N; print the speed-ups and the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--end-to-end", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("OPENAI_API_KEY", "sk-bench-not-a-real-key")
    n, runs = args.concurrency, args.runs
    floor = CALLS_PER_RUN * LATENCY
    print(
        f"concurrency: {runs} harden runs, model latency {LATENCY}s x {CALLS_PER_RUN} calls "
        f"per run (waiting alone: {runs * floor:.0f} s in a row, "
        f"{-(-runs // n) * floor:.1f} s {n} at a time)"
    )
    with tempfile.TemporaryDirectory() as tmp_dir, fake_server(Path(tmp_dir)) as url:
        tmp = Path(tmp_dir)
        paths = make_inputs(tmp, runs)
        time_cli(harden_args(paths[:2], tmp / "warm", url, 2))  # imports, first connections
        speedups = [
            report(
                "harden --concurrency (threads)",
                time_cli(harden_args(paths, tmp / "c1", url, 1)),
                time_cli(harden_args(paths, tmp / f"c{n}", url, n)),
                runs,
                n,
            )
        ]
        speedups.append(
            report(
                "graph.abatch (LangGraph, sync nodes)",
                time_abatch(paths, url, 1),
                time_abatch(paths, url, n),
                runs,
                n,
            )
        )
        if args.end_to_end:
            report(
                "fresh process: devsecbots harden",
                time_subprocess(harden_args(paths, tmp / "e1", url, 1)),
                time_subprocess(harden_args(paths, tmp / f"e{n}", url, n)),
                runs,
                n,
            )
    best = speedups[0]
    print(
        f"  target >= {TARGET:g}x for harden --concurrency {n}: "
        f"{'met' if best >= TARGET else 'NOT met'} ({best:.1f}x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
