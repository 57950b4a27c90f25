"""Inputs built to break the output: control characters in file names, a 300-level tree, a file
swapped for a symlink during the run, and a run database others could read."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from rich.console import Console

from devsecbots.finish import verbatim_sources
from devsecbots.inputs import load_inputs
from devsecbots.output import copy_atomic
from devsecbots.snapshot import changed_since
from devsecbots.store import open_checkpointer
from tests.reliability.helpers import run_cli

WEAK = "import hashlib\n\n\ndef hash_pwd(pwd):\n    return hashlib.md5(pwd).hexdigest()\n"
EVIL = "evil\n\x1b[31mRED\x1b[0m|pipe\u202e.py"  # newline, ESC sequence, a cell bar, bidi


def _no_raw_controls(text: str) -> None:
    raw = [ch for ch in text if ch in "\x1b\u202e"]
    assert not raw, f"raw control characters in output: {raw!r}"


def _cells(row: str) -> int:
    """Column bars in a Markdown table row (escaped bars are cell text)."""
    return row.replace("\\|", "").count("|")


def test_control_characters_in_file_names_are_escaped_everywhere(capsys, tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / EVIL).write_text(WEAK)
    review = run_cli(capsys, "review", str(source), "--analyzers", "bandit", "--format", "text")
    assert review.code == 1, review.stderr
    _no_raw_controls(review.stdout + review.stderr)
    assert "\\x1b[31mRED" in review.stdout

    out = tmp_path / "out"
    harden = run_cli(
        capsys,
        "harden",
        str(source),
        "--out",
        str(out),
        "--offline",
        "--analyzers",
        "bandit",
        "--no-persist",
        "--no-tests",
    )
    assert harden.code in (0, 1), harden.stderr
    _no_raw_controls(harden.stdout + harden.stderr)
    assert "\\x1b" in harden.stdout  # the progress lines name the file, escaped

    markdown = (out / "SECURITY-REPORT.md").read_text()
    _no_raw_controls(markdown)
    rows = [line for line in markdown.splitlines() if line.startswith("|")]
    headers = {_cells(line) for line in rows if line.startswith(("| Round", "| Severity"))}
    assert all(_cells(line) in headers for line in rows), rows  # one name, one cell
    assert any("evil\\n\\x1b[31mRED" in line and "\\|pipe" in line for line in rows), rows
    report = json.loads((out / "devsecbots-report.json").read_text())
    assert EVIL in [f["path"] for f in report["files"]]  # JSON keeps the name, escaped by JSON


def test_a_300_level_tree_is_skipped_with_a_note_in_harden(capsys, tmp_path: Path) -> None:
    source = tmp_path / "src"
    deep = source.joinpath(*["d"] * 300)
    deep.mkdir(parents=True)
    (deep / "buried.py").write_text(WEAK)
    (source / "app.py").write_text(WEAK)
    out = tmp_path / "out"
    run = run_cli(
        capsys,
        "harden",
        str(source),
        "--out",
        str(out),
        "--offline",
        "--analyzers",
        "bandit",
        "--no-persist",
        "--no-tests",
        "--verbose",
    )
    assert run.code in (0, 1), run.stdout + run.stderr
    report = json.loads((out / "devsecbots-report.json").read_text())
    skipped = {s["path"]: s["reason"] for s in report["skipped"]}
    buried = "/".join(["d"] * 300) + "/buried.py"
    assert "longer than 255 characters" in skipped[buried]
    assert "app.py" in {f["path"] for f in report["files"]}
    assert "skipped d/d/d" in " ".join(run.stdout.split())


def test_a_file_swapped_for_a_symlink_during_the_run_does_not_reach_out(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("swapped-in secret")
    source = tmp_path / "src"
    source.mkdir()
    logo = source / "logo.png"
    original = b"\x89PNG\r\n\x1a\n\x00\x00original"
    logo.write_bytes(original)
    (source / "app.py").write_text("x = 1\n")
    loaded = load_inputs([source])
    snap = loaded.verbatim["logo.png"]

    logo.unlink()  # mid-run: the input's file becomes a symlink to something else
    logo.symlink_to(secret)
    target = tmp_path / "out" / "logo.png"
    copy_atomic(snap, target)
    assert target.read_bytes() == original

    skipped: list = []  # and a resume, which must read it again, refuses it and says why
    console = Console(file=open(os.devnull, "w"), highlight=False)  # noqa: SIM115
    again = verbatim_sources({"verbatim": {"logo.png": snap.record()}}, skipped, console)
    assert again == {} and "no longer a regular file" in skipped[0][1]
    logo.unlink()
    logo.write_bytes(original + b"changed")
    again = verbatim_sources({"verbatim": {"logo.png": snap.record()}}, skipped, console)
    assert again == {} and "changed since the run started" in skipped[1][1]


def test_run_database_and_its_directory_are_private(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        db = tmp_path / "new" / "dir" / "runs.sqlite"
        with open_checkpointer(str(db)):
            pass
    finally:
        os.umask(old)
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(db.parent.parent.stat().st_mode) == 0o700


def test_resume_tells_which_inputs_changed_since_the_snapshot(tmp_path: Path) -> None:
    for name in ("same.py", "edited.py", "swapped.py", "gone.py"):
        (tmp_path / name).write_text(f"# {name}\n")
    loaded = load_inputs([tmp_path])
    (tmp_path / "edited.py").write_text("# edited later\n")
    (tmp_path / "swapped.py").unlink()
    (tmp_path / "swapped.py").symlink_to(tmp_path / "same.py")
    (tmp_path / "gone.py").unlink()
    assert changed_since(tmp_path, loaded.files) == ["edited.py", "gone.py", "swapped.py"]
