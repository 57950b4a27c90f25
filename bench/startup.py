"""Start-up time of the light commands: each in a fresh process, against `import typer, rich`.

What is measured. Wall time of `python -m devsecbots.cli ARGS` in a fresh interpreter (stdout to
/dev/null), for `--help`, `runs` (an empty store, and a store holding one finished run), `history
THREAD` and `graph --format mermaid`. Baseline, measured in the same run and interleaved with
the commands: `python -c "import typer, rich"` — the floor of any typer CLI. The median of
--repeats runs of each is reported, and the ratio median(command) / median(baseline). Target:
every command here within 4× the baseline. None of them loads LangGraph: `runs` and `history`
read SQLite runs straight from the store (devsecbots/storeread.py), and the Mermaid text comes
from the graph's plain description (graphs/topology.py); tests hold both to what the compiled
graph says and draws.

    .venv/bin/python bench/startup.py [--repeats 15]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 4.0
BASELINE = [sys.executable, "-c", "import typer, rich"]


def timed(argv: list[str], env: dict[str, str]) -> float:
    """Seconds one fresh process takes, start to exit (it must succeed)."""
    started = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
    return time.perf_counter() - started


def seed_store(db: Path, env: dict[str, str]) -> str:
    """One finished offline run in `db`; its thread id."""
    work = Path(tempfile.mkdtemp(prefix="startup-seed-"))
    try:
        (work / "src").mkdir()
        shutil.copy(ROOT / "examples" / "flask_upload" / "app.py", work / "src" / "app.py")
        argv = [sys.executable, "-m", "devsecbots.cli", "harden", str(work / "src")]
        argv += ["--out", str(work / "out"), "--offline", "--no-tests", "--analyzers", "bandit"]
        done = subprocess.run(
            [*argv, "--db", str(db)], env=env, capture_output=True, text=True, check=False
        )
        match = re.search(r"thread (\S+) ·", done.stdout)
        if done.returncode not in (0, 1) or match is None:
            raise SystemExit(f"could not seed a run: {done.stderr.strip()[-300:]}")
        return match.group(1)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """Measure, print a table; exit 1 when a targeted command is over the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="startup-"))
    env = {**os.environ, "DEVSECBOTS_DB": str(tmp / "none.sqlite"), "COLUMNS": "100"}
    env.pop("OPENAI_API_KEY", None)
    db = tmp / "runs.sqlite"
    thread = seed_store(db, env)
    cli = [sys.executable, "-m", "devsecbots.cli"]
    commands = {
        "--help": (cli + ["--help"], True),
        "runs (no store yet)": (cli + ["runs"], True),
        "runs (1 stored run)": (cli + ["runs", "--db", str(db)], True),
        "history THREAD": (cli + ["history", thread, "--db", str(db)], True),
        "graph --format mermaid": (cli + ["graph", "--format", "mermaid"], True),
    }
    times: dict[str, list[float]] = {"baseline": [], **{name: [] for name in commands}}
    for argv, _ in commands.values():  # warm the file cache once
        timed(argv, env)
    for _ in range(args.repeats):  # interleaved: load from other processes hits all alike
        times["baseline"].append(timed(BASELINE, env))
        for name, (argv, _) in commands.items():
            times[name].append(timed(argv, env))
    shutil.rmtree(tmp, ignore_errors=True)
    base = statistics.median(times["baseline"])
    print(f"start-up, median of {args.repeats} fresh processes (baseline: import typer, rich)")
    print(f"{'command':<26} {'median ms':>10} {'ratio':>7}  target")
    print(f"{'baseline':<26} {base * 1000:>10.0f} {1.0:>6.2f}x")
    over = []
    for name, (_, targeted) in commands.items():
        median = statistics.median(times[name])
        ratio = median / base
        mark = (f"<= {TARGET:g}x " + ("ok" if ratio <= TARGET else "OVER")) if targeted else "—"
        if targeted and ratio > TARGET:
            over.append(name)
        print(f"{name:<26} {median * 1000:>10.0f} {ratio:>6.2f}x  {mark}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
