"""Review latency, ~350-file project: `devsecbots review --offline` vs Bandit + Semgrep directly.

The project is CTFd from the real-world corpus (346 Python files; `bench/real_world.py` lays it out
into bench/.cache/real_world/ctfd), or any directory given with --project. Its Python files are
copied into one temporary tree so that every tool sees exactly the same files (an empty
.semgrepignore: Semgrep's default ignores would skip tests/).

Baseline, measured in the same run: `bandit -r` (the same tests: ours skips the import
advisories) followed by one `semgrep scan` with our rule files, each a fresh process.
Ours: `devsecbots review --offline --format json` in a fresh process, so its analysis cache
(in-process) is cold. Rounds are interleaved and medians reported, so load from other processes
hits all alike. Target: ours <= 1.3x the baseline.

    .venv/bin/python bench/review_latency.py [--project DIR] [--rounds 1]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devsecbots.nodes.analyzers.bandit_runner import SKIPPED_TESTS  # noqa: E402
from devsecbots.nodes.analyzers.semgrep_runner import (  # noqa: E402
    find_semgrep,
    offline_environment,
    rule_files,
)

PROJECT = ROOT / "bench" / ".cache" / "real_world" / "ctfd"
TARGET = 1.3
SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", ".tox"}


def copy_python(source: Path, dest: Path) -> int:
    """Copy the project's .py files (not VCS/venv/caches) under dest; how many."""
    count = 0
    for path in sorted(source.rglob("*.py")):
        rel = path.relative_to(source)
        if SKIP_DIRS & set(rel.parts):
            continue
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest / rel)
        count += 1
    (dest / ".semgrepignore").write_text("")
    return count


def timed(command: list[str], **kwargs) -> tuple[float, subprocess.CompletedProcess]:
    """Seconds one command took, and its result."""
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)
    return time.perf_counter() - started, done


def bandit_direct(tree: Path) -> tuple[float, int]:
    """`bandit -r` over the tree with the tests ours runs: (seconds, issues)."""
    bandit = str(Path(sys.executable).with_name("bandit"))
    skip = ",".join(sorted(SKIPPED_TESTS))
    seconds, done = timed([bandit, "-r", ".", "-f", "json", "-q", "-s", skip], cwd=tree)
    if done.returncode not in (0, 1):
        raise SystemExit(f"bandit failed (exit {done.returncode}): {done.stderr[-300:]}")
    return seconds, len(json.loads(done.stdout)["results"])


def semgrep_direct(tree: Path, home: Path) -> tuple[float, int]:
    """One `semgrep scan` with our rule files over the tree: (seconds, results)."""
    command = [
        find_semgrep(),
        "scan",
        "--json",
        "--metrics=off",
        "--disable-version-check",
        "--no-git-ignore",
        "--quiet",
        "--disable-nosem",
    ]
    for path in rule_files():
        command += ["--config", str(path)]
    seconds, done = timed([*command, "."], cwd=tree, env=offline_environment(home))
    if done.returncode not in (0, 1):
        raise SystemExit(f"semgrep failed (exit {done.returncode}): {done.stderr[-300:]}")
    return seconds, len(json.loads(done.stdout)["results"])


def ours(tree: Path) -> tuple[float, int]:
    """`devsecbots review --offline --format json` in a fresh process: (seconds, findings)."""
    cli = str(Path(sys.executable).with_name("devsecbots"))
    seconds, done = timed([cli, "review", ".", "--offline", "--format", "json"], cwd=tree)
    if done.returncode not in (0, 1):
        raise SystemExit(f"devsecbots review failed (exit {done.returncode}): {done.stderr[-300:]}")
    return seconds, len(json.loads(done.stdout)["findings"])


def main(argv: list[str] | None = None) -> int:
    """Interleave the measurements for a few rounds and print medians and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=PROJECT)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args(argv)
    if not args.project.is_dir():
        print(f"skipped: {args.project} is not there (run bench/real_world.py --only ctfd first)")
        return 0
    times: dict[str, list[float]] = {"bandit": [], "semgrep": [], "baseline": [], "ours": []}
    with tempfile.TemporaryDirectory(prefix="review-latency-") as tmp:
        tree, home = Path(tmp, "project"), Path(tmp, "home")
        home.mkdir()
        count = copy_python(args.project, tree)
        for _ in range(args.rounds):
            bandit_s, issues = bandit_direct(tree)
            semgrep_s, results = semgrep_direct(tree, home)
            ours_s, findings = ours(tree)
            times["bandit"].append(bandit_s)
            times["semgrep"].append(semgrep_s)
            times["baseline"].append(bandit_s + semgrep_s)
            times["ours"].append(ours_s)
    median = {name: statistics.median(values) for name, values in times.items()}
    ratio = median["ours"] / median["baseline"]
    name, rounds = args.project.name, args.rounds
    print(f"{name}: {count} Python files, {rounds} interleaved round(s), medians:")
    print(f"  bandit -r directly        : {median['bandit']:.1f} s ({issues} issues)")
    print(f"  semgrep scan directly     : {median['semgrep']:.1f} s ({results} results)")
    print(f"  Bandit + Semgrep          : {median['baseline']:.1f} s")
    print(f"  devsecbots review (cold)  : {median['ours']:.1f} s ({findings} findings)")
    print(f"  ratio                     : {ratio:.2f}x (target <= {TARGET}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
