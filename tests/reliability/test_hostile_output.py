"""Hostile model output: escaping paths, symlink tricks, floods of files, huge files.

Each is refused (or capped) with a clear one-line message, and a walk of the whole temporary
directory proves that nothing was written outside --out. (The `..` + absolute pair lives in
tests/integration/test_build_errors.py; the unit checks of safe_target in
tests/unit/test_output.py.)
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from devsecbots.graphs.state import MAX_FILE_CHARS, MAX_SUBMITTED_FILES

from devsecbots.testing import FakeOpenAI
from tests.reliability.helpers import FAST, run_cli, tree
from tests.story import SECURE_APP, verdict

ESCAPES = {
    "drive_letter": "C:/Windows/evil.py",
    "drive_backslash": "C:\\Windows\\evil.py",
    "backslash_dotdot": "..\\..\\evil.py",
    "nested_dotdot": "pkg/../../evil.py",
    "unc_share": "\\\\server\\share\\evil.py",
    "nul_byte": "app.py\x00.txt",
    "absolute_home": "/root/.bashrc",
    "overlong": "a/" * 130 + "evil.py",
}


def files(*pairs: tuple[str, str]) -> dict:
    return {"summary": "hostile", "files": [{"path": p, "content": c} for p, c in pairs]}


def build(capsys, server: FakeOpenAI, out: Path, *extra: str):
    return run_cli(
        capsys,
        "build",
        "an app",
        "--out",
        str(out),
        "--model",
        "m",
        "--base-url",
        server.base_url,
        *FAST,
        *extra,
    )


def outside(tmp_path: Path, out: Path) -> list[str]:
    """Everything under tmp_path that is neither --out, inside it, nor the run database."""
    return [
        p
        for p in tree(tmp_path)
        if not (tmp_path / p).is_relative_to(out) and not p.startswith("runs.sqlite")
    ]


@pytest.mark.parametrize("path", ESCAPES.values(), ids=ESCAPES.keys())
def test_escaping_path_is_refused_and_nothing_is_written(path: str, capsys, tmp_path: Path) -> None:
    out = tmp_path / "box" / "out"
    evil = files(("app.py", SECURE_APP), (path, "import os\n"))
    with FakeOpenAI() as server:
        server.script("m", [evil, evil])
        run = build(capsys, server, out)
    assert run.code == 3 and len(run.error_lines) == 1, run.stderr
    assert "invalid output twice" in run.stderr
    assert not out.exists()  # the whole answer is refused, also its harmless file
    assert outside(tmp_path, out) == []


def test_path_checks_name_the_reason(capsys, tmp_path: Path) -> None:
    with FakeOpenAI() as server:
        server.script("m", [files(("C:/x.py", "")), files(("ok/../../x.py", ""))])
        run = build(capsys, server, tmp_path / "out")
        reask = server.requests[1].messages[-1]["content"]
    assert "is absolute" in reask  # the model was told why, before the second try
    assert "contains '..'" in " ".join(run.stderr.split())


def test_symlinked_file_in_out_is_not_written_through(capsys, tmp_path: Path) -> None:
    victim = tmp_path / "victim.py"
    victim.write_text("precious\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "app.py").symlink_to(victim)
    with FakeOpenAI() as server:
        server.script("m", [files(("app.py", SECURE_APP)), verdict("approved")])
        run = build(capsys, server, out)
    assert run.code == 3 and len(run.error_lines) == 1, run.stderr
    assert "symlink" in run.stderr
    assert victim.read_text() == "precious\n"
    assert outside(tmp_path, out) == ["victim.py"]


def test_symlinked_report_is_replaced_not_followed(capsys, tmp_path: Path) -> None:
    victim = tmp_path / "victim.md"
    victim.write_text("precious\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "SECURITY-REPORT.md").symlink_to(victim)
    with FakeOpenAI() as server:
        server.script("m", [files(("app.py", SECURE_APP)), verdict("approved")])
        run = build(capsys, server, out)
    assert run.code == 0, run.stderr
    assert victim.read_text() == "precious\n"
    assert not (out / "SECURITY-REPORT.md").is_symlink()
    assert outside(tmp_path, out) == ["victim.md"]


def test_symlinked_subdirectory_in_out_is_refused(capsys, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "templates").symlink_to(elsewhere, target_is_directory=True)
    answer = files(("app.py", SECURE_APP), ("templates/index.html", "<p>pwned</p>"))
    with FakeOpenAI() as server:
        server.script("m", [answer, verdict("approved")])
        run = build(capsys, server, out)
    assert run.code == 3 and "symlink" in run.stderr
    assert list(elsewhere.iterdir()) == []


def test_out_that_is_a_symlink_writes_into_its_target_only(capsys, tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    with FakeOpenAI() as server:
        server.script("m", [files(("app.py", SECURE_APP)), verdict("approved")])
        run = build(capsys, server, link)
    assert run.code == 0, run.stderr
    assert sorted(tree(real)) == ["SECURITY-REPORT.md", "app.py", "devsecbots-report.json"]
    assert outside(tmp_path, real) == ["link"]


def test_a_file_where_a_directory_is_needed_fails_cleanly(capsys, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with FakeOpenAI() as server:
        server.script(
            "m", [files(("lib", "x = 1\n"), ("lib/mod.py", "y = 2\n")), verdict("approved")]
        )
        run = build(capsys, server, out)
    assert run.code == 3 and len(run.error_lines) == 1, run.stderr
    assert "could not write" in run.stderr
    assert outside(tmp_path, out) == []


def test_thousands_of_files_are_refused(capsys, tmp_path: Path) -> None:
    flood = files(*((f"pkg/m{i}.py", "x = 1\n") for i in range(5000)))
    with FakeOpenAI() as server:
        server.script("m", [flood, flood])
        run = build(capsys, server, tmp_path / "out")
    assert run.code == 3 and len(run.error_lines) == 1
    assert f"at most {MAX_SUBMITTED_FILES}" in run.stderr
    assert outside(tmp_path, tmp_path / "out") == [] and not (tmp_path / "out").exists()


def test_the_file_count_limit_itself_is_accepted(capsys, tmp_path: Path) -> None:
    many = files(*((f"pkg/m{i}.py", f"X{i} = {i}\n") for i in range(MAX_SUBMITTED_FILES)))
    with FakeOpenAI() as server:
        server.script("m", [many, verdict("approved")])
        run = build(capsys, server, tmp_path / "out")
    assert run.code == 0, run.stderr
    assert len(list((tmp_path / "out" / "pkg").iterdir())) == MAX_SUBMITTED_FILES


def test_a_file_over_the_character_limit_is_refused(capsys, tmp_path: Path) -> None:
    # 2 MB: under the answer's byte limit (tests/reliability/test_answer_size.py cuts off
    # bigger answers as they arrive), over the one-file character limit.
    huge = "#" * (2 * MAX_FILE_CHARS)
    answer = files(("app.py", SECURE_APP), ("data.py", huge))
    with FakeOpenAI() as server:
        server.script("m", [answer, answer])
        started = time.monotonic()
        run = build(capsys, server, tmp_path / "out", "--request-timeout", "30")
        elapsed = time.monotonic() - started
    assert run.code == 3 and len(run.error_lines) == 1
    assert f"at most {MAX_FILE_CHARS:,}" in run.stderr
    assert not (tmp_path / "out").exists() and elapsed < 30
