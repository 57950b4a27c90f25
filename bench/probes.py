"""Time of the probe stage on the hardened upload app, against baselines from the same run.

Ours: `run_probes` — a sandboxed copy of the app, its own Python, 13 attacks through Flask's test
client. Baselines on the same files: the same attacks in this process with no sandbox (what the
containment costs), and the app's own tests run in the same sandbox (what one fix check costs).
Rounds are interleaved and the median reported.

    .venv/bin/python bench/probes.py [--rounds 5] [--app-python PATH]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devsecbots.graphs.context import Context  # noqa: E402
from devsecbots.nodes.probe.node import INSIDE, run_probes  # noqa: E402
from devsecbots.nodes.sandbox.runner import run_project_tests  # noqa: E402

APP = ROOT / "tests" / "probe" / "apps" / "hardened_upload"
TESTS = {
    "tests/test_app.py": (
        "import os\nos.environ.setdefault('SECRET_KEY', 'x')\nfrom app import app\n\n\n"
        "def test_form():\n    assert app.test_client().get('/', base_url='https://x/')"
        ".status_code == 200\n"
    )
}


def load(root: Path) -> dict[str, str]:
    """The app's files as the graph holds them."""
    return {
        p.relative_to(root).as_posix(): p.read_text()
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def in_process(files: dict[str, str]) -> float:
    """The same attacks with no sandbox: a temp copy, run_flask.main in this interpreter."""
    sys.path.insert(0, str(INSIDE))
    import run  # noqa: PLC0415 - the in-sandbox entry point, loaded only here

    with tempfile.TemporaryDirectory() as top:
        project = Path(top) / "project"
        for path, content in files.items():
            (project / path).parent.mkdir(parents=True, exist_ok=True)
            (project / path).write_text(content)
        sources = [p for p in files if p.endswith(".py")]
        config = {
            "token": "bench",
            "project": str(project),
            "module": "app",
            "roots": [top],
            "top": top,
        }
        config["framework"] = "flask"
        started = time.perf_counter()
        outcome = run.main({**config, "sources": sources, "placeholders": ["SECRET_KEY"]})
        elapsed = time.perf_counter() - started
    for module in [m for m in sys.modules if m == "app"]:
        del sys.modules[module]
    assert all(r["status"] == "passed" for r in outcome["results"]), outcome
    return elapsed


def sandboxed(files: dict[str, str], python: str) -> float:
    """The probe stage as the graph runs it."""
    started = time.perf_counter()
    report, findings = run_probes(files, Context(tests_python=python))
    elapsed = time.perf_counter() - started
    assert report["status"] == "probed" and not findings, report
    return elapsed


def tests_in_sandbox(files: dict[str, str]) -> float:
    """One fix check's worth: the app's own tests in the same sandbox."""
    started = time.perf_counter()
    run = run_project_tests({**files, **TESTS})
    assert run is not None and run.passed == 1, run
    return time.perf_counter() - started


def main() -> None:
    """Print medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--app-python", default=sys.executable)
    args = parser.parse_args()
    files = load(APP)
    times: dict[str, list[float]] = {"probe stage": [], "in process": [], "tests": []}
    for _ in range(args.rounds):
        times["probe stage"].append(sandboxed(files, args.app_python))
        times["in process"].append(in_process(files))
        times["tests"].append(tests_in_sandbox(files))
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"probe stage on {APP.relative_to(ROOT)} ({args.rounds} rounds, median)")
    print(f"  probe stage (sandbox, 13 probes):   {median['probe stage']:6.2f} s   (target ≤ 3 s)")
    print(
        f"  same probes in process, no sandbox: {median['in process']:6.2f} s   "
        f"sandbox costs {median['probe stage'] / median['in process']:.1f}×"
    )
    print(
        f"  the app's tests in the sandbox:     {median['tests']:6.2f} s   "
        f"probes = {median['probe stage'] / median['tests']:.2f}× one test run"
    )


if __name__ == "__main__":
    main()
