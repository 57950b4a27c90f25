"""Run a trusted script of ours against a sandboxed copy of a project, and read back its JSON.

The probes use it: the script imports the project's app and attacks it in-process, so it runs with
the same containment as the project's tests (nodes/sandbox/runner.py), in the app's own Python.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devsecbots.nodes.sandbox import layout, runner

MAX_RESULT_BYTES = 1_000_000


@dataclass(frozen=True)
class ProgramRun:
    """What the script left: its JSON result (None if it wrote none), exit code, timing, layers."""

    result: Any
    exit_code: int
    timed_out: bool
    duration: float
    isolation: tuple[str, ...]
    output: str


def run_script(
    files: dict[str, str],
    script_dir: Path,
    entry: str,
    config: dict[str, Any],
    *,
    python: str,
    timeout: float,
) -> ProgramRun:
    """Copy `files` into a sandbox, run `python script_dir/entry CONFIG` there, return its result.

    The script's folder is copied read-only beside the launcher; `config` gains `project`, `top`
    (the sandbox's folder), `roots` (its writable folders: whatever the program writes is there)
    and `results` (where the script must write its JSON).
    Raises runner.SandboxUnavailable when the interpreter cannot be used or no containment can
    be had.
    """
    place = runner.placement(python)
    box = layout.create(files, place.owner)
    try:
        scripts = box.launcher / "program"  # read-only in the sandbox, beside the launcher
        shutil.copytree(script_dir, scripts, ignore=shutil.ignore_patterns("__pycache__"))
        for path in [scripts, *scripts.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        results = box.out / "result.json"
        full = {
            **config,
            "project": str(box.project),
            "top": str(box.top),
            "roots": box.writable(),  # what the script may look through (reads are confined)
            "results": str(results),
        }
        argv = [place.interpreter.executable, "-B", str(scripts / entry), json.dumps(full)]
        ran = runner.launch(box, argv, timeout, place)
        return ProgramRun(
            result=_read_json(results),
            exit_code=ran.exit_code,
            timed_out=ran.timed_out,
            duration=round(ran.duration, 3),
            isolation=tuple(ran.layers),
            output=ran.output,
        )
    finally:
        layout.remove(box)


def _read_json(path: Path) -> Any:
    """The script's JSON, read without following links and within a size bound; None if absent."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return None
        data = handle.read(MAX_RESULT_BYTES + 1)
    if len(data) > MAX_RESULT_BYTES:
        return None
    try:
        return json.loads(data)
    except ValueError:
        return None
