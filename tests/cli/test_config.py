"""[tool.devsecbots] in pyproject.toml: found like Ruff finds its own, flags win, and every bad
configuration is one line naming the file and key, exit 2, nothing reviewed."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from devsecbots.config import project_config
from devsecbots.errors import InputError
from tests.conftest import cli, cli_env

# Bandit's B324 (md5, high severity) in the app.
APP = "import hashlib\n\n\ndef hash_pwd(pwd):\n    return hashlib.md5(pwd).hexdigest()\n"


def review(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        cli("review", *args, "--offline", "--format", "json"),
        env=cli_env(),
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / ".git").mkdir(parents=True)  # the repository root: the search stops here
    (root / "src").mkdir()
    (root / "src" / "app.py").write_text(APP)
    (root / "src" / "generated").mkdir()
    (root / "src" / "generated" / "gen.py").write_text(APP)
    return root


def write_config(root: Path, body: str) -> Path:
    path = root / "pyproject.toml"
    path.write_text('[project]\nname = "x"\n\n[tool.devsecbots]\n' + body)
    return path


def test_the_nearest_pyproject_with_the_table_is_read_up_to_the_repository_root(project) -> None:
    write_config(project, 'blocking-severity = "high"\nexclude = ["generated/"]\n')
    (project / "src" / "pyproject.toml").write_text('[project]\nname = "inner"\n')  # no table
    found = project_config([project / "src"])
    assert found.path == project / "pyproject.toml"
    assert found.settings == {"blocking_severity": "high"}
    assert found.exclude == ("generated/",)
    (project.parent / "pyproject.toml").write_text("[tool.devsecbots]\nblock-tests = true\n")
    (project / "pyproject.toml").unlink()
    assert project_config([project / "src"]).path is None  # above .git: another project's


def test_config_settings_apply_and_flags_override_them(project) -> None:
    write_config(
        project,
        'blocking-severity = "critical"\nanalyzers = ["bandit"]\nexclude = ["generated/"]\n',
    )
    done = review("src", cwd=project)
    report = json.loads(done.stdout)
    assert report["blocking_severity"] == "critical"
    assert {f["source"] for f in report["findings"]} == {"bandit"}
    assert [f["path"] for f in report["files"]] == ["app.py"]  # generated/ excluded
    assert done.returncode == 0, done.stderr  # md5 is high: below the configured threshold
    flagged = review("src", "--blocking-severity", "medium", cwd=project)
    assert json.loads(flagged.stdout)["blocking_severity"] == "medium"
    assert flagged.returncode == 1


def test_config_names_another_file(project, tmp_path) -> None:
    other = tmp_path / "ci.toml"
    other.write_text('[tool.devsecbots]\nmin-confidence = "high"\nanalyzers = ["bandit"]\n')
    report = json.loads(review("src", "--config", str(other), cwd=project).stdout)
    assert report["min_confidence"] == "high"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("colour = 'red'\n", "[tool.devsecbots] unknown key 'colour'"),
        ("block-tests = 'yes'\n", "[tool.devsecbots] block-tests: expected true or false"),
        ("blocking-severity = 'severe'\n", "[tool.devsecbots] blocking-severity: expected one of"),
        ("min-confidence = 3\n", "[tool.devsecbots] min-confidence: expected one of"),
        ("exclude = 'tests/'\n", "[tool.devsecbots] exclude: expected a list of glob strings"),
        ("exclude = ['']\n", "[tool.devsecbots] exclude: bad glob ''"),
        ("exclude = ['[z-a].py']\n", "[tool.devsecbots] exclude: bad glob '[z-a].py'"),
        ("exclude = ['build\\']\n", "[tool.devsecbots] exclude: bad glob"),
        ("exclude = ['# notes']\n", "exclude: bad glob '# notes': matches nothing"),
        (
            "analyzers = ['bandit', 'pylint']\n",
            "[tool.devsecbots] analyzers: unknown analyser 'pylint'",
        ),
        ("analyzers = 'bandit'\n", "[tool.devsecbots] analyzers: expected a non-empty list"),
        ("blocking-severity = \n", "malformed TOML"),
    ],
)
def test_bad_config_is_one_line_naming_file_and_key_exit_2(project, body, expected) -> None:
    path = write_config(project, body)
    done = review("src", cwd=project)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout == ""  # nothing reviewed
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith(f"error: {path}: ") and expected in line, line


def test_an_analyser_that_is_not_installed_is_refused(project, monkeypatch) -> None:
    from devsecbots.nodes.analyzers.registry import find_analyzer

    write_config(project, "analyzers = ['semgrep']\n")
    semgrep = find_analyzer("semgrep")
    monkeypatch.setattr(type(semgrep), "unavailable", lambda self: "semgrep is not installed")
    with pytest.raises(
        InputError, match=r"analyzers: semgrep cannot run: semgrep is not installed"
    ):
        project_config([project / "src"])


def test_config_without_the_table_named_by_config_is_refused(project, tmp_path) -> None:
    other = tmp_path / "empty.toml"
    other.write_text("[tool.ruff]\nline-length = 100\n")
    done = review("src", "--config", str(other), cwd=project)
    assert done.returncode == 2 and "no [tool.devsecbots] table" in done.stderr
    missing = review("src", "--config", str(tmp_path / "nope.toml"), cwd=project)
    assert missing.returncode == 2 and "no such file" in missing.stderr
