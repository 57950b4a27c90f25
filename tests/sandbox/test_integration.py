"""The tests check in the loop: baseline, rollback of a breaking round, autofix, the CLI flag."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from devsecbots.nodes.analyzers import analyze
from devsecbots.nodes.approval import approval_check
from devsecbots.nodes.autofix import apply_fixes
from devsecbots.nodes.sandbox import run_project_tests
from langgraph.types import Overwrite
from typer.testing import CliRunner

from devsecbots.cli import app
from tests.sandbox.test_run import CALC, CALC_TESTS, example_files
from tests.unit.helpers import runtime, verdict

GOOD = {"calc.py": CALC, "tests/test_calc.py": CALC_TESTS}
HERE = sys.executable  # has pytest: the tests run with it (no environment to build)
# A conftest that reports every test as passed: how a round could fake green tests.
FAKE_GREEN = """
import pytest

@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    outcome.get_result().outcome = "passed"
"""


def round_state(round_no: int, files: dict[str, str], **values) -> dict:
    """The state approval_check sees after a DevBot round changed every file given."""
    base = {
        "round": round_no,
        "files": files,
        "changed": sorted(files),
        "findings": [],
        "verdict": verdict("changes_requested", "changes_requested"),
        "history": [],
        "usage": [],
    }
    return {**base, **values}


def test_round_that_breaks_the_tests_is_rolled_back_even_if_it_games_them() -> None:
    first = approval_check(round_state(1, GOOD), runtime(offline=False, tests_python=HERE))
    baseline = first["test_baseline"]
    assert baseline["passed"] == 2 and baseline["test_files"] == {"tests/test_calc.py": CALC_TESTS}
    status = first["tests_status"]
    assert status.startswith("tests: 2 passed in ") and f"(env: {HERE}; sandbox: " in status
    assert first["tests_status"] in first["history"][0]["note"]

    breaking = {
        "calc.py": "def add(a, b):\n    return a * b\n",
        "tests/test_calc.py": "def test_adds():\n    assert True\n",  # edited test
        "conftest.py": FAKE_GREEN,
    }  # and a new conftest that fakes green
    second = approval_check(
        round_state(
            2,
            breaking,
            snapshot=first["snapshot"],
            test_baseline=baseline,
            attempted_keys=["fix-key"],
        ),
        runtime(offline=False, tests_python=HERE),
    )
    assert second["files"] == GOOD
    assert second["history"][0]["verdict"] == "rolled_back"
    note = second["history"][0]["note"]
    assert "the project's tests got worse" in note and "tests.test_calc::test_adds" in note
    assert isinstance(second["findings"], Overwrite)
    assert second["findings"].value[-1]["rule_id"] == "rolled-back"
    assert second["declined_keys"] == ["fix-key"]
    assert "test_baseline" not in second  # the baseline is taken once


def test_run_tests_off_runs_nothing_and_rolls_nothing_back() -> None:
    first = approval_check(round_state(1, GOOD), runtime(offline=False, run_tests=False))
    assert "test_baseline" not in first and "tests:" not in first["history"][0]["note"]
    breaking = {"calc.py": "def add(a, b):\n    return a * b\n"}
    second = approval_check(
        round_state(2, {**GOOD, **breaking}, snapshot=first["snapshot"]),
        runtime(offline=False, run_tests=False),
    )
    assert second["history"][0]["verdict"] != "rolled_back"


def test_example_tests_still_pass_after_the_offline_autofix() -> None:
    files = example_files()
    fixed = apply_fixes(files, analyze(files, cache=None).findings)
    assert "app.py" in fixed.changed, "the autofix is expected to change the example app"
    result = run_project_tests(fixed.files)
    assert result is not None
    assert (result.passed, result.failing) == (2, ()), result.output


def test_harden_runs_the_tests_unless_told_not_to(tmp_path: Path) -> None:
    source = tmp_path / "src"
    (source / "tests").mkdir(parents=True)
    for path, content in GOOD.items():
        (source / path).write_text(content)
    notes = {}
    for flag in ("", "--no-tests"):
        out = tmp_path / f"out{flag}"
        args = [
            "harden",
            str(source),
            "--out",
            str(out),
            "--offline",
            "--analyzers",
            "bandit",
            "--no-persist",
            "--python",
            HERE,
            *([flag] if flag else []),
        ]
        done = CliRunner().invoke(app, args)  # in-process: two interpreter starts saved
        assert done.exit_code == 0, done.output
        report = json.loads((out / "devsecbots-report.json").read_text())
        notes[flag] = " ".join(h["note"] for h in report["history"])
    assert "tests: 2 passed" in notes[""]
    assert "tests:" not in notes["--no-tests"]


def test_tests_that_pytest_cannot_start_read_as_not_run() -> None:
    # A configuration asking for an option no installed plugin knows: pytest exits 4, no test runs.
    files = {**GOOD, "pytest.ini": "[pytest]\naddopts = --no-such-plugin-option\n"}
    update = approval_check(round_state(1, files), runtime(offline=False, tests_python=HERE))
    said = update["tests_status"]
    assert said.startswith("tests not run: pytest ran no test (exit code 4: usage error")
    assert "passed" not in said
    ran = approval_check(round_state(1, GOOD), runtime(offline=False, tests_python=HERE))
    assert ran["tests_status"].startswith("tests: 2 passed")
