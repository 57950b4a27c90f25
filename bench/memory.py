"""Peak memory of an offline `devsecbots harden` run over a 20-file project.

Each figure comes from a fresh process: the peak resident set (VmHWM) of the devsecbots process
itself, and separately Semgrep's peak (largest of its runs, one per round). Baselines
measured in the same run: the import floor (a process that only imports the CLI) and the same
harden run over a 1-file project. The 20-file project is the example upload app under 20 module
names plus some plain helper code, so every file has findings for Bandit, Semgrep and autofix.
Analysers: the defaults (Bandit in-process, Semgrep subprocess); runs are checkpointed to SQLite.

    .venv/bin/python bench/memory.py [--files 20]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "flask_upload"
HELPERS = "\n".join(
    f'def helper_{i}(items):\n    """Sum the {i}-th field."""\n'
    f"    return sum(item[{i} % 3] for item in items)\n\n"
    for i in range(12)
)
# The child reports its own peak (VmHWM) and its largest child's (Semgrep) when it exits.
PROBE = """
import atexit, json, os, subprocess, sys
STATS = sys.argv[1]
# Semgrep is started through a tiny wrapper process that records the peak of its own children:
# measured from the big devsecbots process, a spawned child's peak would include the parent's
# pages at spawn time (Linux counts them up to exec).
WRAP = ("import resource, subprocess, sys; done = subprocess.run(sys.argv[2:]); "
        "open(sys.argv[1], 'a').write('%d ' % "
        "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(done.returncode)")
_run = subprocess.run
def run(command, *args, **kwargs):
    if isinstance(command, list) and command and "semgrep" in os.path.basename(str(command[0])):
        command = [sys.executable, "-c", WRAP, STATS + ".semgrep", *map(str, command)]
    return _run(command, *args, **kwargs)
subprocess.run = run
def report():
    hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
    try:
        semgrep = [int(x) for x in open(STATS + ".semgrep").read().split()]
    except OSError:
        semgrep = []
    with open(STATS, "w") as f:
        json.dump({"self_kib": hwm, "semgrep_kib": max(semgrep, default=0),
                   "semgrep_runs": len(semgrep)}, f)
atexit.register(report)
sys.argv = ["devsecbots", *sys.argv[2:]]
from devsecbots import cli
if len(sys.argv) > 1:
    cli.main()
"""


def make_project(root: Path, files: int) -> Path:
    """`files` Python modules, each the example app plus helpers, and its template."""
    app = (EXAMPLE / "app.py").read_text()
    (root / "templates").mkdir(parents=True)
    (root / "templates" / "upload.html").write_text(
        (EXAMPLE / "templates" / "upload.html").read_text()
    )
    for i in range(files):
        (root / f"service_{i:02d}.py").write_text(app + "\n\n" + HELPERS)
    return root


def peak(tmp: Path, *args: str) -> dict:
    """Peak KiB of a fresh process running `devsecbots ARGS` (none: import only), and seconds."""
    stats = tmp / f"stats{time.perf_counter_ns()}.json"
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(stats), *args], cwd=ROOT, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise RuntimeError(f"devsecbots {' '.join(args)} failed: {done.stderr[-800:]}")
    return {**json.loads(stats.read_text()), "seconds": elapsed}


def harden(tmp: Path, project: Path, name: str) -> tuple[str, ...]:
    return (
        "harden",
        str(project),
        "--out",
        str(tmp / f"out-{name}"),
        "--offline",
        "--no-tests",
        "--db",
        str(tmp / f"{name}.sqlite"),
    )


def main(argv: list[str] | None = None) -> int:
    """Print peak memory of the import floor, a 1-file and an N-file run, and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        floor = peak(tmp)
        one = peak(tmp, *harden(tmp, make_project(tmp / "one", 1), "one"))
        many = peak(tmp, *harden(tmp, make_project(tmp / "many", args.files), "many"))
    mib = 1024
    print("peak memory, offline harden (Bandit + Semgrep, SQLite checkpoints), fresh processes")
    print(f"  {'run':<28} {'devsecbots RSS':>15} {'Semgrep RSS x runs':>19} {'time':>7}")
    for label, r in (
        ("import only (floor)", floor),
        ("1-file project", one),
        (f"{args.files}-file project", many),
    ):
        kids = f"{r['semgrep_kib'] / mib:.0f} MiB x{r['semgrep_runs']}" if r["semgrep_kib"] else "—"
        print(f"  {label:<28} {r['self_kib'] / mib:>11.0f} MiB {kids:>19} {r['seconds']:>6.1f}s")
    extra_one = one["self_kib"] - floor["self_kib"]
    extra_many = many["self_kib"] - floor["self_kib"]
    print(
        f"  {args.files}-file run / 1-file run: {many['self_kib'] / one['self_kib']:.2f}x "
        f"(above the import floor: {extra_many / mib:.0f} MiB vs {extra_one / mib:.0f} MiB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
