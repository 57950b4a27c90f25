"""The probe stage on the demo's hardened example: the first environment build, and the stage with
the environment cached, against baselines measured in the same run.

The example is hardened offline first (`devsecbots harden ... --no-probe`), so the probes attack
what `make demo` approves. Ours: `run_probes` — a sandboxed copy, the app's own cached venv,
13 attacks through Flask's test client. Baselines on the same files: the same attacks in this
process with no sandbox (what containment costs) and the app's own tests in the same sandbox and
venv (what one fix check costs). Rounds are interleaved and the median reported.

    .venv/bin/python bench/probes.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devsecbots.graphs.context import Context  # noqa: E402
from devsecbots.nodes.appenv import app_environment  # noqa: E402
from devsecbots.nodes.probe.node import INSIDE, run_probes  # noqa: E402
from devsecbots.nodes.sandbox.runner import run_project_tests  # noqa: E402

EXAMPLE = ROOT / "examples" / "flask_upload"


def hardened_example(work: Path) -> dict[str, str]:
    """The example as `make demo` leaves it (static fixes only), as the graph holds files."""
    out = work / "hardened"
    subprocess.run(
        [sys.executable, "-m", "devsecbots", "harden", str(EXAMPLE), "--out", str(out)]
        + ["--offline", "--no-persist", "--no-probe", "--no-tests"],
        check=True,
        capture_output=True,
    )
    skip = {"SECURITY-REPORT.md", "devsecbots-report.json"}
    return {
        p.relative_to(out).as_posix(): p.read_text()
        for p in out.rglob("*")
        if p.is_file() and p.name not in skip and "__pycache__" not in p.parts
    }


def in_process(files: dict[str, str], python_path: list[str]) -> float:
    """The same attacks with no sandbox: a temp copy, run.main in this interpreter."""
    sys.path[:0] = [str(INSIDE), *python_path]
    import run  # noqa: PLC0415 - the in-sandbox entry point, loaded only here

    with tempfile.TemporaryDirectory() as top:
        project = Path(top) / "project"
        for path, content in files.items():
            (project / path).parent.mkdir(parents=True, exist_ok=True)
            (project / path).write_text(content)
        config = {"token": "bench", "project": str(project), "module": "app", "top": top}
        config.update(framework="flask", roots=[top], placeholders=["SECRET_KEY"])
        config["sources"] = [p for p in files if p.endswith(".py")]
        started = time.perf_counter()
        outcome = run.main(config)
        elapsed = time.perf_counter() - started
    sys.modules.pop("app", None)
    assert all(r["status"] == "passed" for r in outcome["results"]), outcome
    return elapsed


def main() -> None:
    """Print the build time, the medians and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        os.environ["DEVSECBOTS_CACHE_DIR"] = str(Path(work) / "cache")  # a cold cache
        files = hardened_example(Path(work))
        started = time.perf_counter()
        env = app_environment(files)
        build = time.perf_counter() - started
        site = [str(p) for p in Path(env.python).parents[1].glob("lib/python*/site-packages")]
        times: dict[str, list[float]] = {"stage": [], "in process": [], "tests": []}
        for _ in range(args.rounds):
            started = time.perf_counter()
            report, findings = run_probes(files, Context())
            times["stage"].append(time.perf_counter() - started)
            assert report["status"] == "probed" and not findings, report
            times["in process"].append(in_process(files, site))
            started = time.perf_counter()
            run = run_project_tests(files, python=env.python)
            times["tests"].append(time.perf_counter() - started)
            assert run is not None and run.passed == 2, run
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"probe stage on the hardened examples/flask_upload ({args.rounds} rounds, median)")
    print(f"  first environment build (cold cache): {build:6.2f} s   ({env.label})")
    print(f"  probe stage, environment cached:      {median['stage']:6.2f} s   (target ≤ 3 s)")
    print(
        f"  same probes in process, no sandbox:   {median['in process']:6.2f} s   "
        f"sandbox costs {median['stage'] / median['in process']:.1f}×"
    )
    print(
        f"  the app's tests in the same sandbox:  {median['tests']:6.2f} s   "
        f"probe stage = {median['stage'] / median['tests']:.2f}× one test run"
    )


if __name__ == "__main__":
    main()
