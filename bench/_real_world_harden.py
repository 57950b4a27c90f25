"""The harden half of bench/real_world.py: run offline harden on a project, list what it changed.

Every changed hunk of every Python file is named by the codemod of the findings next to it (or
"(imports)" for import lines a change needed); hunks of other text files harden wrote or changed
(requirements, templates) are listed as "(other file)". All are joined with
bench/real_world/harden_labels.csv.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import tempfile
from pathlib import Path

import _real_world_labels as rw

REPORT_NAMES = {"SECURITY-REPORT.md", "devsecbots-report.json"}  # harden's own reports in --out
SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", ".tox"}
Listed = list[tuple[rw.Hunk, str]]  # (hunk, codemod name(s) or "?")


def python_files(top: Path) -> list[Path]:
    """The .py files under `top`, skipping VCS, venv and cache directories."""
    found = []
    for current, dirs, names in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        found += [Path(current) / n for n in sorted(names) if n.endswith(".py")]
    return found


_RUNNING: set[int] = set()  # process groups of the tools running now


def run_tool(command: list[str], cwd: Path, timeout: float) -> subprocess.CompletedProcess:
    """Run a tool in its own process group; on timeout kill the whole group (Semgrep too)."""
    proc = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    _RUNNING.add(proc.pid)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    finally:
        _RUNNING.discard(proc.pid)
    return subprocess.CompletedProcess(command, proc.returncode, out, err)


def stop_tools_on_signals() -> None:
    """When this benchmark is stopped (Ctrl-C, or SIGTERM from run_all), stop its tools too."""

    def stop(signum: int, _frame: object) -> None:
        for group in list(_RUNNING):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)  # the tools run in their own groups: Ctrl-C misses them


def hardened_hunks(
    tree: Path,
    project: rw.Project,
    findings: list[dict],
    timeout: float,
    cache: Path,
    cli: list[str],
    reuse: bool = False,
) -> tuple[Listed, str]:
    """Run (or, with `reuse`, reload) offline harden on the project: (hunks, note)."""
    saved = cache / f"{project.name}.harden.json"
    if reuse and saved.exists():
        data = json.loads(saved.read_text(encoding="utf-8"))
        hunks = [
            (rw.Hunk(h["file"], h["start"], h["end"], tuple(h["removed"]), tuple(h["added"])), c)
            for h, c in data["hunks"]
        ]
        return hunks, data["note"] + " (saved)"
    hunks, note = _run(tree, project, findings, timeout, cli)
    record = [[{**vars(h), "removed": h.removed, "added": h.added}, c] for h, c in hunks]
    saved.write_text(json.dumps({"note": note, "hunks": record}), encoding="utf-8")
    return hunks, note


def _run(tree: Path, project: rw.Project, findings: list[dict], timeout: float, cli: list[str]):
    from devsecbots.nodes.autofix.registry import codemod_for

    with tempfile.TemporaryDirectory(prefix="rw-harden-") as tmp:
        out = Path(tmp) / "out"
        command = [*cli, "harden", project.subdir, "--offline", "--no-persist", "--out", str(out)]
        try:
            done = run_tool(command, tree, timeout)
        except subprocess.TimeoutExpired:
            return [], f"harden stopped after {timeout:.0f}s (no hunks counted)"
        note = f"harden exit {done.returncode}"
        if done.returncode not in (0, 1):
            return [], note + ": " + (done.stderr.strip().splitlines() or ["no output"])[-1]
        base = tree / project.subdir
        hunks: Listed = []
        for path in python_files(base):
            rel = path.relative_to(base).as_posix()
            after = out / rel
            before_text = path.read_text(encoding="utf-8", errors="replace")
            after_text = (
                after.read_text(encoding="utf-8", errors="replace") if after.exists() else ""
            )
            for hunk in rw.diff_hunks(rw.repo_path(project, rel), before_text, after_text):
                near = [
                    f
                    for f in findings
                    if f["file"] == rel and hunk.start - 1 <= (f.get("line") or 0) <= hunk.end + 1
                ]
                mods = sorted({m.name for m in map(codemod_for, near) if m is not None})
                if not mods and imports_only(hunk):
                    mods = ["(imports)"]
                hunks.append((hunk, ",".join(mods) or "?"))
        for rel, before_text, after_text in other_changes(base, out):
            for hunk in rw.diff_hunks(rw.repo_path(project, rel), before_text, after_text):
                hunks.append((hunk, "(other file)"))
        return hunks, note


def other_changes(base: Path, out: Path) -> list[tuple[str, str, str]]:
    """(path, before, after) of every text file other than Python that harden wrote or changed
    (requirements, templates, settings): they change how the project runs too."""
    changed = []
    for current, dirs, names in os.walk(out):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for name in sorted(names):
            after = Path(current) / name
            rel = after.relative_to(out).as_posix()
            if name.endswith(".py") or rel in REPORT_NAMES:
                continue
            before = base / rel
            try:
                after_text = after.read_text(encoding="utf-8")
                before_text = before.read_text(encoding="utf-8") if before.exists() else ""
            except UnicodeDecodeError:
                continue  # not text
            if after_text != before_text:
                changed.append((rel, before_text, after_text))
    return changed


def imports_only(hunk: rw.Hunk) -> bool:
    """Whether a hunk only adds or removes import lines."""
    changed = [line.strip() for line in (*hunk.removed, *hunk.added) if line.strip()]
    return bool(changed) and all(line.startswith(("import ", "from ")) for line in changed)


def print_hunks(project: rw.Project, hunks: Listed, note: str, labels: dict) -> list[dict]:
    """Print one project's hunks with their labels; return them as JSON-ready records."""
    counts = rw.hunk_tally(project.name, [h for h, _ in hunks], labels)
    print(
        f"\nharden {project.name}: {len(hunks)} changed hunk(s) ({note}); "
        f"correct {counts['correct']}, needless {counts['needless']}, wrong {counts['wrong']}, "
        f"unlabelled {counts['unlabelled']}"
    )
    records = []
    for hunk, codemod in hunks:
        label, reason = labels.get((project.name, hunk.file, hunk.start), ("unlabelled", ""))
        print(f"  {hunk.file}:{hunk.start}-{hunk.end} [{codemod}] {label} {reason}")
        records.append(
            {
                "project": project.name,
                "file": hunk.file,
                "start": hunk.start,
                "end": hunk.end,
                "codemod": codemod,
                "label": label,
                "reason": reason,
                "removed": list(hunk.removed),
                "added": list(hunk.added),
            }
        )
    return records
