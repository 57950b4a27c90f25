"""Input selection: .gitignore files (nested, negated) and --exclude globs leave files out of a
directory walk; a path given explicitly is still reviewed; what was left out is summarised."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from devsecbots.ignore import Excludes
from devsecbots.inputs import load_inputs
from tests.conftest import cli, cli_env


def python(loaded) -> list[str]:
    return sorted(p for p in loaded.files if p.endswith(".py"))  # .gitignore files are read too


APP = "import hashlib\n\n\ndef digest(data):\n    return hashlib.md5(data).hexdigest()\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git" / "info").mkdir(parents=True)
    (root / ".git" / "info" / "exclude").write_text("local_notes.py\n")
    (root / ".gitignore").write_text("build/\n*.gen.py\n")
    for rel in (
        "app.py",
        "build/out.py",
        "pkg/models.gen.py",
        "pkg/keep.gen.py",
        "pkg/secret_dump.py",
        "pkg/views.py",
        "local_notes.py",
        "vendor/lib.py",
    ):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(APP)
    (root / "pkg" / ".gitignore").write_text("secret_dump.py\n!keep.gen.py\n")
    return root


def test_gitignore_files_nested_and_negated_are_respected(repo) -> None:
    loaded = load_inputs([repo])
    assert python(loaded) == ["app.py", "pkg/keep.gen.py", "pkg/views.py", "vendor/lib.py"]
    excluded = dict(loaded.excluded)
    assert excluded["build/"] == ".gitignore"
    assert excluded["pkg/models.gen.py"] == ".gitignore"
    assert excluded["pkg/secret_dump.py"] == ".gitignore"  # the nested .gitignore
    assert excluded["local_notes.py"] == ".gitignore"  # .git/info/exclude


def test_a_subdirectory_still_sees_the_repository_root_gitignore(repo) -> None:
    assert python(load_inputs([repo / "pkg"])) == ["keep.gen.py", "views.py"]


def test_paths_given_explicitly_are_reviewed_even_when_ignored(repo) -> None:
    loaded = load_inputs([repo / "build" / "out.py", repo / "pkg" / "models.gen.py"])
    assert python(loaded) == ["build/out.py", "pkg/models.gen.py"]


def test_gitignore_can_be_turned_off_for_library_callers(repo) -> None:
    assert "build/out.py" in load_inputs([repo], gitignore=False).files


def test_exclude_globs_match_relative_to_where_they_were_given(repo) -> None:
    excludes = Excludes()
    excludes.add(repo, ["vendor/", "/pkg/views.py"])
    loaded = load_inputs([repo], exclude=excludes)
    assert python(loaded) == ["app.py", "pkg/keep.gen.py"]
    assert dict(loaded.excluded)["vendor/"] == "exclude vendor/"


def review(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        cli("review", *args, "--offline", "--analyzers", "bandit"),
        env=cli_env(),
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_cli_exclude_is_repeatable_and_left_out_files_are_one_summary_line(repo) -> None:
    (repo / "pkg" / "blob.py").write_bytes(b"\x00\x01binary")
    done = review(".", "--exclude", "vendor/", "--exclude", "app.py", "--format", "json", cwd=repo)
    report = json.loads(done.stdout)
    reviewed = [f["path"] for f in report["files"] if f["path"].endswith(".py")]
    assert reviewed == ["pkg/keep.gen.py", "pkg/views.py"]
    notes = [line for line in done.stderr.splitlines() if "skipped" in line or "excluded" in line]
    assert notes == [
        "skipped 3 file(s) (2 not a Python file, 1 binary file); "
        "excluded 6 path(s) (4 .gitignore, 1 exclude vendor/, 1 exclude app.py); "
        "--verbose lists them"
    ]
    verbose = review(".", "--exclude", "vendor/", "--verbose", "--format", "json", cwd=repo)
    listed = [line for line in verbose.stderr.splitlines() if line.startswith("excluded ")]
    assert "excluded build/: .gitignore" in listed and "excluded vendor/: exclude vendor/" in listed
    assert "skipped pkg/blob.py: binary file" in verbose.stderr


def test_a_bad_exclude_glob_is_exit_2_before_anything_is_reviewed(repo) -> None:
    done = review(".", "--exclude", "[z-a].py", cwd=repo)
    assert done.returncode == 2 and done.stdout == ""
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: --exclude '[z-a].py': bad glob")


def test_a_directory_named_explicitly_is_walked_even_when_an_outer_gitignore_ignores_it(
    repo,
) -> None:
    (repo / "build" / "inner").mkdir()
    (repo / "build" / "inner" / "x.py").write_text(APP)
    (repo / "build" / "inner" / "x.gen.py").write_text(APP)
    (repo / "build" / ".gitignore").write_text("*.gen.py\n")
    assert python(load_inputs([repo / "build"])) == ["inner/x.py", "out.py"]
