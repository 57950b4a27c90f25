"""Text from code, analysers, models and servers is printed as text, never as Rich markup.

A `[/red]` in a string literal (which Bandit quotes in its finding title), in DevBot's summary or
in a server's error message must neither crash the run (MarkupError) nor vanish or style output.
"""

from __future__ import annotations

from pathlib import Path

from devsecbots.testing import FakeOpenAI, Fault
from tests.reliability.helpers import FAST, run_cli
from tests.story import SECURE_APP, submission, verdict

CODE = 'import subprocess\nPASSWORD = "[/red] not markup [link=https://evil.example]x[/link]"\n'


def test_review_prints_finding_titles_that_quote_markup(capsys, tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(CODE)
    run = run_cli(capsys, "review", str(tmp_path / "app.py"), "--analyzers", "bandit")
    assert run.code == 0, run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert "[/red]" in " ".join(run.stdout.split())


def test_build_prints_model_text_that_looks_like_markup(capsys, tmp_path: Path) -> None:
    answer = submission(SECURE_APP, summary="fixed [/bold] everything [link=https://evil.example]")
    with FakeOpenAI() as server:
        server.script("m", [answer, verdict("approved")])
        run = run_cli(
            capsys,
            "build",
            "x",
            "--out",
            str(tmp_path / "out"),
            "--model",
            "m",
            "--base-url",
            server.base_url,
            *FAST,
        )
    assert run.code == 0, run.stdout + run.stderr
    assert "fixed [/bold] everything" in run.stdout


def test_error_lines_keep_bracketed_text(capsys, tmp_path: Path) -> None:
    with FakeOpenAI() as server:
        server.default("m", Fault.status(500, message="upstream [/red] failed"))
        run = run_cli(
            capsys,
            "build",
            "x",
            "--out",
            str(tmp_path / "out"),
            "--model",
            "m",
            "--base-url",
            server.base_url,
            *FAST,
        )
        server.reset()
        server.default("m", Fault.invalid_schema({"summary": "no files"}))
        invalid = run_cli(
            capsys,
            "build",
            "x",
            "--out",
            str(tmp_path / "out2"),
            "--model",
            "m",
            "--base-url",
            server.base_url,
            *FAST,
        )
    assert run.code == 3 and invalid.code == 3
    assert "[type=missing" in invalid.stderr


def test_harden_prints_file_names_that_look_like_markup(capsys, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "app.py").write_text("x = 1\n")
    (src / "[bold]data.bin").write_bytes(b"\x00\x01")
    run = run_cli(
        capsys,
        "harden",
        str(src),
        "--out",
        str(tmp_path / "out"),
        "--offline",
        "--analyzers",
        "bandit",
        "--no-persist",
        "--no-tests",
        "--verbose",  # one line per skipped file, its name printed as it is
    )
    assert run.code == 0, run.stdout + run.stderr
    assert "skipped [bold]data.bin" in run.stdout
    assert (tmp_path / "out" / "[bold]data.bin").read_bytes() == b"\x00\x01"
