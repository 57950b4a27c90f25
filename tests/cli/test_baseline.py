"""Baselines: findings the project already had are reported but do not block, matched by
fingerprint so that moved lines are not new; bad baselines are one line and exit 2."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import cli, cli_env

OLD = "import hashlib\n\n\ndef hash_pwd(pwd):\n    return hashlib.md5(pwd).hexdigest()\n"
MOVED = (
    "import hashlib\n\nBLOCK = 4096\n\n\ndef size(data):\n    return len(data) // BLOCK\n\n\n"
    "def hash_pwd(pwd):\n    return hashlib.md5(pwd).hexdigest()\n"
)
NEW = MOVED + "\n\ndef token(key):\n    return hashlib.sha1(key).hexdigest()\n"


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def review(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        cli("review", "src", "--offline", "--analyzers", "bandit", *args),
        env=cli_env(),
        cwd=repo,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "src").mkdir(parents=True)
    (root / "src" / "util.py").write_text(OLD)
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "old")
    return root


def by_line(report: dict) -> dict[int, dict]:
    return {f["line"]: f for f in report["findings"]}


def test_baseline_ref_moved_lines_stay_baselined_and_a_new_finding_blocks(repo) -> None:
    (repo / "src" / "util.py").write_text(MOVED)  # six lines inserted above the old finding
    moved = review(repo, "--baseline-ref", "HEAD", "--format", "json")
    assert moved.returncode == 0, moved.stdout + moved.stderr
    (old,) = json.loads(moved.stdout)["findings"]
    assert (old["line"], old["blocking"], old["exempt"]) == (11, False, "in the baseline")
    (repo / "src" / "util.py").write_text(NEW)
    added = review(repo, "--baseline-ref", "HEAD", "--format", "json")
    assert added.returncode == 1
    report = json.loads(added.stdout)
    findings = by_line(report)
    assert findings[11]["exempt"] == "in the baseline" and not findings[11]["blocking"]
    assert findings[15]["exempt"] == "" and findings[15]["blocking"]
    assert report["baseline"]["matched"] == 1
    assert "baseline HEAD (" in added.stderr


def test_without_a_baseline_the_old_finding_blocks(repo) -> None:
    (repo / "src" / "util.py").write_text(MOVED)
    assert review(repo).returncode == 1


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_a_baseline_report_matches_across_moved_lines(repo, tmp_path, fmt) -> None:
    baseline = tmp_path / f"baseline.{fmt}"
    first = review(repo, "--format", fmt, "--output", str(baseline))
    assert first.returncode == 1  # the old finding blocks on its own
    (repo / "src" / "util.py").write_text(MOVED)
    assert review(repo, "--baseline", str(baseline)).returncode == 0
    (repo / "src" / "util.py").write_text(NEW)
    added = review(repo, "--baseline", str(baseline))
    assert added.returncode == 1
    assert "yes" in added.stdout and "in the baseline" in added.stdout


BANDIT_REPORT = {"errors": [], "generated_at": "2026-01-01T00:00:00Z", "metrics": {}, "results": []}
OTHER_SARIF = {
    "version": "2.1.0",
    "runs": [{"tool": {"driver": {"name": "Bandit"}}, "results": []}],
}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "not JSON"),
        (json.dumps(BANDIT_REPORT), "a Bandit JSON report, not a devsecbots JSON or SARIF report"),
        (json.dumps(OTHER_SARIF), "a SARIF log from Bandit, not from devsecbots"),
        (json.dumps({"findings": [{"rule_id": "B324"}]}), "a finding without a fingerprint"),
    ],
)
def test_a_bad_baseline_file_is_one_line_exit_2(repo, tmp_path, content, expected) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_text(content)
    done = review(repo, "--baseline", str(baseline))
    assert done.returncode == 2 and done.stdout == ""
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith(f"error: --baseline {baseline}: ") and expected in line, line


def test_an_unknown_ref_or_no_repository_is_one_line_exit_2(repo, tmp_path) -> None:
    unknown = review(repo, "--baseline-ref", "no-such-branch")
    assert unknown.returncode == 2 and unknown.stdout == ""
    assert unknown.stderr.strip() == "error: --baseline-ref no-such-branch: unknown git ref"
    plain = tmp_path / "plain"
    (plain / "src").mkdir(parents=True)
    (plain / "src" / "util.py").write_text(OLD)
    outside = review(plain, "--baseline-ref", "HEAD")
    assert outside.returncode == 2
    (line,) = outside.stderr.strip().splitlines()
    assert "is not in a git repository" in line
    both = review(repo, "--baseline", "x.json", "--baseline-ref", "HEAD")
    assert both.returncode == 2 and "not both" in both.stderr
