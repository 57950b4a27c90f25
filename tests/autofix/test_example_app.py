"""End to end on examples/flask_upload: analysers before/after; the example's tests still pass."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from devsecbots.graphs.state import Finding, make_finding
from devsecbots.nodes.analyzers.bandit_runner import run_bandit
from devsecbots.nodes.analyzers.engine import analyze
from devsecbots.nodes.analyzers.errors import AnalyzerUnavailable
from devsecbots.nodes.autofix import apply_fixes
from devsecbots.nodes.sandbox.required_secrets import PLACEHOLDER, required_secrets

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "flask_upload"
BLOCKING = ("medium", "high", "critical")


def example_files() -> dict[str, str]:
    return {
        p.relative_to(EXAMPLE).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(EXAMPLE.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts and p.name != ".DS_Store"
    }


def semgrep_like(files: dict[str, str]) -> list[Finding]:
    """What our Semgrep rules report on the example, for when Semgrep is not wired in yet."""
    lines = files["app.py"].splitlines()
    wanted = [
        ("devsecbots.flask.missing-csrf-protection", "CWE-352", "app = Flask("),
        ("devsecbots.flask.upload-missing-max-content-length", "CWE-770", "app = Flask("),
        ("devsecbots.flask.hardcoded-secret-key", "CWE-798", "app.secret_key"),
        ("devsecbots.flask.upload-unsanitised-filename", "CWE-22", "f.save("),
        ("devsecbots.flask.bind-all-interfaces", "CWE-1327", "app.run("),
        ("devsecbots.flask.debug-enabled", "CWE-489", "app.run("),
    ]
    found = []
    for rule, cwe, needle in wanted:
        line = next(i for i, text in enumerate(lines, 1) if needle in text)
        found.append(
            make_finding(
                severity="high",
                file="app.py",
                title=rule,
                source="semgrep",
                rule_id=rule,
                cwe=cwe,
                line=line,
                snippet=lines[line - 1],
            )
        )
    return found


def findings_for(files: dict[str, str]) -> tuple[list[Finding], bool]:
    """Bandit + Semgrep through the analyser engine; hand-made Semgrep-like findings without it."""
    try:
        return analyze(files, ("bandit", "semgrep")).findings, True
    except AnalyzerUnavailable:  # no Semgrep here: Bandit plus what our rules would say
        return analyze(files, ("bandit",)).findings + semgrep_like(files), False


@pytest.mark.slow
def test_hardened_example_passes_its_own_tests(tmp_path: Path):
    files = example_files()
    findings, real_semgrep = findings_for(files)
    before = [f for f in run_bandit(files) if f["severity"] in BLOCKING]
    assert {f["rule_id"] for f in before} == {"B201", "B104"}

    outcome = apply_fixes(files, findings)

    assert [f for f in run_bandit(outcome.files) if f["severity"] in BLOCKING] == []
    assert sorted(outcome.changed) == ["app.py", "requirements.txt", "templates/upload.html"]
    fixed_rules = {f["rule_id"] for f in outcome.fixed}
    for bandit_rule, semgrep_rule in [  # merged duplicates carry the Semgrep rule id
        ("B201", "debug-enabled"),
        ("B104", "bind-all-interfaces"),
        ("B105", "hardcoded-secret-key"),
        (None, "upload-unsanitised-filename"),
        (None, "missing-csrf-protection"),
    ]:
        assert {bandit_rule, f"devsecbots.flask.{semgrep_rule}"} & fixed_rules
    assert "csrf_token()" in outcome.files["templates/upload.html"]
    assert "flask-wtf" in outcome.files["requirements.txt"]
    left, _ = findings_for(outcome.files)
    remaining = {f["rule_id"] for f in left if f["severity"] in BLOCKING}
    if real_semgrep:  # nothing blocking may stay (the test suite's CSRF switch is not flagged)
        assert remaining == set()

    for path, content in outcome.files.items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    # The hardened app requires SECRET_KEY at start-up; CI (and the sandbox) give it a value.
    assert required_secrets(outcome.files) == {"SECRET_KEY": PLACEHOLDER}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=tmp_path,
        env={**os.environ, **required_secrets(outcome.files)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 passed" in run.stdout
