"""run_project_tests on ordinary suites: results, the example app, and how two runs compare."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from devsecbots.nodes.sandbox import TestRun, has_tests, run_project_tests, same_result
from devsecbots.nodes.sandbox.runner import SandboxUnavailable

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "flask_upload"

CALC = "def add(a, b):\n    return a + b\n"
CALC_TESTS = """
from calc import add

def test_adds():
    assert add(2, 3) == 5

def test_adds_negatives():
    assert add(-2, -3) == -5
"""


def example_files() -> dict[str, str]:
    """The example app as the graph sees it: relative path -> text."""
    return {
        p.relative_to(EXAMPLE).as_posix(): p.read_text()
        for p in EXAMPLE.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def run(passed=(), failing=(), timed_out=False) -> TestRun:
    """A TestRun with these outcomes (for comparing)."""
    return TestRun(
        passed=len(passed),
        failed=len(failing),
        errors=0,
        skipped=0,
        failing=tuple(failing),
        passed_ids=tuple(passed),
        exit_code=1 if failing else 0,
        timed_out=timed_out,
        duration=1.0,
        summary="s",
    )


def test_passing_suite_runs_and_passes() -> None:
    result = run_project_tests({"calc.py": CALC, "tests/test_calc.py": CALC_TESTS})
    assert result is not None
    assert (result.passed, result.failed, result.errors, result.exit_code) == (2, 0, 0, 0)
    assert result.passed_ids == (
        "tests.test_calc::test_adds",
        "tests.test_calc::test_adds_negatives",
    )
    assert not result.timed_out and result.summary.startswith("2 passed")
    assert "audit-hook" in result.isolation


def test_files_without_tests_give_none() -> None:
    files = {"calc.py": CALC, "tests/conftest.py": "", "tests/__init__.py": ""}
    assert not has_tests(files)
    assert run_project_tests(files) is None


def test_example_app_suite_passes_in_the_sandbox() -> None:
    result = run_project_tests(example_files())
    assert result is not None, "the example has tests/test_app.py"
    assert (result.passed, result.failed, result.errors) == (2, 0, 0), result.output


def test_a_required_secret_gets_a_throw_away_value_as_in_ci() -> None:
    """`os.environ["SECRET_KEY"]` and `os.environ.get("JWT_SECRET_KEY")` (what the secret-key
    codemod writes) are set for the tests; another optional read is not."""
    app = (
        'import os\nKEY = os.environ["SECRET_KEY"]\nJWT = os.environ.get("JWT_SECRET_KEY")\n'
        'TOKEN = os.environ.get("API_TOKEN")\n'
    )
    check = (
        "import app\n\ndef test_env():\n"
        "    assert app.KEY.startswith('devsecbots-test-run-placeholder')\n"
        "    assert app.JWT == app.KEY and app.TOKEN is None\n"
    )
    result = run_project_tests({"app.py": app, "tests/test_env.py": check})
    assert result is not None
    assert (result.passed, result.failed, result.errors) == (1, 0, 0), result.output


def test_same_result_names_what_got_worse() -> None:
    before = run(passed=["t::a", "t::b", "t::c"])
    assert same_result(before, run(passed=["t::a", "t::b", "t::c", "t::new"])) is None
    assert same_result(before, run(passed=["t::a", "t::b", "t::c"], failing=["t::new"])) is None
    worse = same_result(before, run(passed=["t::a"], failing=["t::b"]))
    assert worse is not None
    assert "failing now: t::b" in worse and "skipped or missing now: t::c" in worse
    assert "timed out" in (same_result(before, run(passed=before.passed_ids, timed_out=True)) or "")


def test_baseline_round_trips_through_state() -> None:
    before = run(passed=["t::a"], failing=["t::b"])
    assert TestRun.from_dict(before.as_dict()) == before


def test_tests_run_with_the_interpreter_given(containment: str) -> None:
    # Another name for this venv's interpreter: the runner asks it for its prefixes.
    other = (
        Path(sys.prefix)
        / "bin"
        / ("python3" if Path(sys.executable).name != "python3" else "python")
    )
    code = f"import sys\n\ndef test_where():\n    assert sys.executable == {str(other)!r}\n"
    result = run_project_tests({"tests/test_where.py": code}, python=str(other))
    assert result is not None
    assert (result.passed, result.failing) == (1, ()), result.output
    assert ("bubblewrap" in result.containment) == (containment == "bwrap")


def test_an_interpreter_without_pytest_is_refused_by_what_it_says(tmp_path: Path) -> None:
    venv = tmp_path / "bare"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    with pytest.raises(SandboxUnavailable, match="pytest is not installed in .*bare"):
        run_project_tests(
            {"calc.py": CALC, "tests/test_calc.py": CALC_TESTS}, python=str(venv / "bin" / "python")
        )
