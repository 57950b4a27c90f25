"""Run every benchmark (`make bench`), each in its own process, within a 10-minute budget.

Each benchmark prints its own baseline and ratio from the same run. Those that need data or a
tool that is not here are skipped with the reason; a failing one is reported and the rest go on.

    .venv/bin/python bench/run_all.py [--budget 600] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"


@dataclass(frozen=True)
class Bench:
    """One benchmark script, its arguments, and what it needs to be worth running."""

    name: str
    args: tuple[str, ...] = ()
    needs: Path | None = None  # skipped (with a note) when this path is missing
    how_to_get: str = ""


BENCHES = [
    Bench("startup"),
    Bench("overhead"),
    Bench("tokens_per_round"),
    Bench("concurrency"),
    Bench("memory"),
    Bench("review_latency"),
    Bench("large_project"),
    Bench("probes"),
    Bench("harden_corpus", needs=BENCH / "corpus", how_to_get="bench/corpus/ is missing"),
    Bench(
        "owasp_benchmark",
        needs=BENCH / ".data" / "BenchmarkPython",
        how_to_get="git clone --depth 1 https://github.com/OWASP-Benchmark/BenchmarkPython "
        "bench/.data/BenchmarkPython",
    ),
    # Last: 4.5-6 min for nine projects. Skips by itself (exit 0, "skipped: ...") when neither the
    # git mirrors nor bench/.cache/real_world are here.
    Bench("real_world"),
]


def skip_reason(bench: Bench) -> str:
    """Why this benchmark cannot run here ('' when it can)."""
    if not (BENCH / f"{bench.name}.py").exists():
        return f"bench/{bench.name}.py is not there (yet)"
    if bench.needs is not None and not bench.needs.exists():
        return f"needs {bench.needs.relative_to(ROOT)}: {bench.how_to_get}"
    return ""


def run(bench: Bench, timeout: float) -> tuple[str, float]:
    """Run one benchmark with its output streamed through; return (outcome, seconds)."""
    started = time.perf_counter()
    # Its own process group, so that stopping it also stops the tools it started (Semgrep...).
    proc = subprocess.Popen(
        [sys.executable, str(BENCH / f"{bench.name}.py"), *bench.args],
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        code = proc.wait(timeout=timeout)
        outcome = "ok" if code == 0 else f"failed (exit {code})"
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGTERM)  # lets it stop what it started in other groups
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        outcome = f"stopped after {timeout:.0f}s (over the budget)"
    return outcome, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    """Run the selected benchmarks in order; print a summary; exit 1 if any failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=600.0, help="seconds for all of them")
    parser.add_argument("--only", nargs="*", help="benchmark names to run")
    args = parser.parse_args(argv)
    chosen = [b for b in BENCHES if not args.only or b.name in args.only]
    deadline = time.monotonic() + args.budget
    summary: list[tuple[str, str, float]] = []
    for bench in chosen:
        reason = skip_reason(bench)
        left = deadline - time.monotonic()
        if not reason and left < 5:
            reason = "no time left in the budget"
        print(f"\n=== {bench.name} ===", flush=True)
        if reason:
            print(f"skipped: {reason}", flush=True)
            summary.append((bench.name, f"skipped: {reason}", 0.0))
            continue
        outcome, seconds = run(bench, left)
        summary.append((bench.name, outcome, seconds))
    total = sum(s for _, _, s in summary)
    print(f"\n=== summary ({total:.0f}s of a {args.budget:.0f}s budget) ===")
    for name, outcome, seconds in summary:
        print(
            f"  {name:<18} {outcome:<12} {seconds:6.1f}s"
            if outcome == "ok"
            else f"  {name:<18} {outcome}"
        )
    return 1 if any(o.startswith(("failed", "stopped")) for _, o, _ in summary) else 0


if __name__ == "__main__":
    sys.exit(main())
