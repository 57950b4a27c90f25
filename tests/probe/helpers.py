"""Load the twin apps and run the probe stage on them with this interpreter (it has Flask)."""

from __future__ import annotations

import sys
from pathlib import Path

from devsecbots.graphs.context import Context
from devsecbots.nodes.probe.node import run_probes

APPS = Path(__file__).with_name("apps")


def app_files(name: str) -> dict[str, str]:
    """The files of one of the twin apps in tests/probe/apps."""
    root = APPS / name
    return {
        p.relative_to(root).as_posix(): p.read_text()
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def probe(files: dict[str, str], *, own_env: bool = False, **settings):
    """run_probes with this interpreter as the app's Python (or, with `own_env`, a venv built
    from the app's requirements); (report, findings, results by id)."""
    ctx = Context(tests_python="" if own_env else sys.executable, **settings)
    report, findings = run_probes(files, ctx)
    return report, findings, {r["id"]: r for r in report["results"]}
