"""Output people read in CI logs: no wrapping when stdout is not a terminal, and paths and rule
ids whole (never cut or ellipsised) even in a narrow terminal."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

from devsecbots.graphs.state import make_finding
from rich.console import Console

from devsecbots.jobs.review import print_text
from tests.conftest import cli, cli_env

DEEP = "services/payments/reconciliation/adapters/legacy_settlement_gateway"
RULE = "devsecbots.flask.upload-unsanitised-filename"
APP = "import hashlib\n\n\ndef hash_pwd(pwd):\n    return hashlib.md5(pwd).hexdigest()\n"


def test_review_text_is_not_wrapped_when_stdout_is_a_pipe(tmp_path: Path) -> None:
    target = tmp_path / DEEP / "checksum_of_uploaded_statement.py"
    target.parent.mkdir(parents=True)
    target.write_text(APP)
    env = cli_env(COLUMNS="80")  # often exported by shells and CI runners: not a terminal width
    done = subprocess.run(
        cli("review", str(tmp_path), "--offline", "--analyzers", "bandit"),
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
    )
    where = f"{DEEP}/checksum_of_uploaded_statement.py:5"
    (row,) = [line for line in done.stdout.splitlines() if where in line]
    assert "B324" in row and "md5" in row.lower()  # the whole finding on one line
    assert "…" not in done.stdout
    (verdict,) = [line for line in done.stdout.splitlines() if line.startswith("changes_requested")]
    assert verdict.endswith("changes requested.")


def test_paths_and_rule_ids_stay_whole_in_a_narrow_terminal() -> None:
    finding = make_finding(
        severity="high",
        file=f"{DEEP}/views.py",
        line=120,
        title="The client's file name is used as a path without secure_filename " * 2,
        source="semgrep",
        rule_id=RULE,
        cwe="CWE-22",
    )
    out = io.StringIO()
    console = Console(file=out, width=100, force_terminal=True, color_system=None)
    print_text(
        {"findings": [finding], "status": "changes_requested", "summary": "s", "advice": []},
        console,
    )
    text = out.getvalue()
    assert f"{DEEP}/views.py:120" in text
    assert RULE in text
    assert "…" not in text
