"""OWASP Benchmark for Python: per-category TPR, FPR and Youden (TPR - FPR), ours vs Bandit alone.

"Ours" is what `devsecbots review --format json` reports: Bandit (our profile) + our Semgrep rules
through the engine (de-duplicated). It is scored twice: over every finding reported, and over the
blocking findings only (what the gate acts on: severity at the threshold, confidence at or above
--min-confidence, not exempt). "Bandit alone" is plain Bandit as `bandit -r` runs it (default
tests, every severity and confidence), measured in the same run. A test case counts as flagged
when a finding in its file carries the category's CWE (strict match). Nothing here knows the
benchmark's file names or markers; the rules are the shipped ones.

The data is not in git (GPL, ~2,500 files). Get it once:

  git clone --depth 1 https://github.com/OWASP-Benchmark/BenchmarkPython bench/.data/BenchmarkPython

  .venv/bin/python bench/owasp_benchmark.py [--data DIR] [--json results.json]
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devsecbots.nodes.analyzers.bandit_runner import run_bandit  # noqa: E402
from devsecbots.nodes.policy import is_blocking  # noqa: E402

DEFAULT_DATA = ROOT / "bench" / ".data" / "BenchmarkPython"
EXPECTED = "expectedresults-0.1.csv"
Expected = dict[str, tuple[str, bool, str]]  # test name -> (category, truly vulnerable, "CWE-n")
Flagged = dict[str, set[str]]  # test name -> CWEs reported in its file


def load_expected(data: Path) -> Expected:
    """The answer key: test name -> (category, vulnerable?, CWE)."""
    expected: Expected = {}
    with (data / EXPECTED).open(newline="") as handle:
        for row in csv.reader(handle):
            if row and not row[0].startswith("#"):
                expected[row[0].strip()] = (
                    row[1].strip(),
                    row[2].strip() == "true",
                    f"CWE-{int(row[3])}",
                )
    return expected


def load_testcode(data: Path) -> dict[str, str]:
    """Every test case's source, keyed by its path relative to the data directory."""
    return {
        p.relative_to(data).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted((data / "testcode").glob("BenchmarkTest*.py"))
    }


def ours_report(testcode: Path) -> dict:
    """Our review as JSON, from the real CLI: `devsecbots review --format json --offline`."""
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "review.json"
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "devsecbots.cli",
                "review",
                str(testcode),
                "--offline",
                "--format",
                "json",
                "--output",
                str(target),
            ],
            capture_output=True,
            text=True,
            env={**os.environ, "DEVSECBOTS_DB": str(Path(tmp) / "db")},
        )
        if done.returncode not in (0, 1):
            raise SystemExit(
                f"devsecbots review failed (exit {done.returncode}): {done.stderr.strip()}"
            )
        return json.loads(target.read_text(encoding="utf-8"))


def blocks(finding: dict, threshold: str) -> bool:
    """The finding's own `blocking` flag when the report has one, else the gate's rule."""
    if "blocking" in finding:
        return bool(finding["blocking"])
    return is_blocking({"waiver": "", "exempt": "", **finding}, threshold)  # type: ignore[arg-type]


def flagged_from_report(report: dict, *, blocking_only: bool) -> Flagged:
    """Test name -> CWEs of the findings (or only the blocking ones) located in its file."""
    threshold = report.get("blocking_severity", "medium")
    flagged: Flagged = {}
    for finding in report.get("findings", []):
        if finding.get("cwe") and finding.get("file"):
            if not blocking_only or blocks(finding, threshold):
                flagged.setdefault(Path(finding["file"]).stem, set()).add(finding["cwe"])
    return flagged


def bandit_alone(files: dict[str, str]) -> Flagged:
    """Plain Bandit: default tests, every severity and confidence."""
    flagged: Flagged = {}
    for finding in run_bandit(files, skip=frozenset()):  # every confidence is kept
        if finding["cwe"]:
            flagged.setdefault(Path(finding["file"]).stem, set()).add(finding["cwe"])
    return flagged


def score(expected: Expected, flagged: Flagged) -> dict[str, dict[str, float]]:
    """Per category: counts, TPR, FPR and Youden index."""
    counts: dict[str, list[int]] = {}
    for name, (category, vulnerable, cwe) in expected.items():
        hit = cwe in flagged.get(name, set())
        row = counts.setdefault(category, [0, 0, 0, 0])  # tp, fn, fp, tn
        row[(0 if vulnerable else 2) + (0 if hit else 1)] += 1
    table = {}
    for category, (tp, fn, fp, tn) in sorted(counts.items()):
        tpr = tp / (tp + fn) if tp + fn else 0.0
        fpr = fp / (fp + tn) if fp + tn else 0.0
        table[category] = {
            "tp": tp,
            "fn": fn,
            "fp": fp,
            "tn": tn,
            "tpr": tpr,
            "fpr": fpr,
            "youden": tpr - fpr,
        }
    return table


def average(table: dict[str, dict[str, float]]) -> float:
    """Mean Youden index over the categories."""
    return sum(row["youden"] for row in table.values()) / len(table)


def print_table(ours: dict, blocking: dict, bandit: dict, expected: Expected) -> None:
    """Ours (all findings, blocking only) and Bandit side by side, one category per line."""
    sizes: dict[str, list[int]] = {}
    for category, vulnerable, _cwe in expected.values():
        sizes.setdefault(category, [0, 0])[0 if vulnerable else 1] += 1
    print(
        f"{'category':16} {'CWE':>8} {'true/false':>10}   {'ours: all TPR  FPR  Youden':>26}"
        f"   {'blocking TPR  FPR  Youden':>26}   {'Bandit TPR  FPR  Youden':>24}"
    )
    cwes = {category: cwe for category, _v, cwe in expected.values()}
    for category in ours:
        o, k, b = ours[category], blocking[category], bandit[category]
        true, false = sizes[category]
        print(
            f"{category:16} {cwes[category]:>8} {true:>5}/{false:<4}"
            f"   {o['tpr']:12.2f} {o['fpr']:4.2f} {o['youden']:+7.2f}"
            f"   {k['tpr']:12.2f} {k['fpr']:4.2f} {k['youden']:+7.2f}"
            f"   {b['tpr']:10.2f} {b['fpr']:4.2f} {b['youden']:+7.2f}"
        )
    print(
        f"{'average':16} {'':>8} {'':>10}   {'':>17}{average(ours):+7.3f}"
        f"   {'':>17}{average(blocking):+7.3f}   {'':>15}{average(bandit):+7.3f}"
    )
    print(
        f"ours - Bandit: {average(ours) - average(bandit):+.3f} Youden on average (all findings), "
        f"{average(blocking) - average(bandit):+.3f} (blocking only)"
    )


def main(argv: list[str] | None = None) -> int:
    """Run both, print the table, optionally write the numbers as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="BenchmarkPython checkout")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    if not (args.data / EXPECTED).is_file() or not (args.data / "testcode").is_dir():
        print(
            f"OWASP Benchmark for Python not found in {args.data}: run "
            f"`git clone --depth 1 https://github.com/OWASP-Benchmark/BenchmarkPython {args.data}` "
            "or pass --data DIR",
            file=sys.stderr,
        )
        return 2
    expected = load_expected(args.data)
    files = load_testcode(args.data)
    unparsable = sum(1 for source in files.values() if not _parses(source))
    started = time.perf_counter()
    report = ours_report(args.data / "testcode")
    ours = score(expected, flagged_from_report(report, blocking_only=False))
    blocking = score(expected, flagged_from_report(report, blocking_only=True))
    ours_seconds = time.perf_counter() - started
    started = time.perf_counter()
    bandit = score(expected, bandit_alone(files))
    bandit_seconds = time.perf_counter() - started
    print(
        f"OWASP Benchmark for Python: {len(files)} test files, {len(ours)} categories; "
        f"ours {ours_seconds:.0f} s, Bandit alone {bandit_seconds:.0f} s"
    )
    if unparsable:
        print(
            f"note: {unparsable} files use syntax newer than Python {sys.version_info.major}."
            f"{sys.version_info.minor} (PEP 701 f-strings): Bandit cannot read them, Semgrep can"
        )
    print_table(ours, blocking, bandit, expected)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "ours": ours,
                    "ours_blocking": blocking,
                    "bandit": bandit,
                    "ours_average": average(ours),
                    "ours_blocking_average": average(blocking),
                    "bandit_average": average(bandit),
                },
                indent=2,
            )
        )
    return 0


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
    except SyntaxError:
        return False
    return True


if __name__ == "__main__":
    raise SystemExit(main())
