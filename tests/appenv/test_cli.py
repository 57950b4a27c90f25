"""harden and the input's environment: --python, a venv in the input, requirements, and the
words the round note and both reports use when the tests could not run."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from devsecbots.cli import app
from devsecbots.errors import CliError, exit_code_for
from tests.conftest import cli, cli_env
from tests.sandbox.test_run import CALC, CALC_TESTS

CALC_PROJECT = {"calc.py": CALC, "tests/test_calc.py": CALC_TESTS}


def write_project(root: Path, files: dict[str, str]) -> Path:
    """The files under root/src; the source folder."""
    for path, content in files.items():
        target = root / "src" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content)
    return root / "src"


def harden_in_process(source: Path, out: Path, *extra: str) -> tuple[dict, str, str]:
    """Run harden offline (bandit only) in this process; (JSON report, Markdown report, output)."""
    args = ["harden", str(source), "--out", str(out), "--offline", "--analyzers", "bandit"]
    done = CliRunner().invoke(app, [*args, "--no-persist", *extra])
    assert done.exit_code == 0, done.output
    report = json.loads((out / "devsecbots-report.json").read_text())
    return report, (out / "SECURITY-REPORT.md").read_text(), done.output


def refusal(source: Path, out: Path, *extra: str) -> str:
    """Run harden in this process expecting bad input: the one-line message (exit 2)."""
    done = CliRunner().invoke(app, ["harden", str(source), "--out", str(out), "--offline", *extra])
    assert isinstance(done.exception, CliError), done.output
    assert exit_code_for(done.exception) == 2 and not out.exists()
    message = str(done.exception)
    assert "\n" not in message
    return message


def harden_subprocess(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        cli("harden", *args), env=cli_env(), capture_output=True, text=True, timeout=120
    )


def test_python_at_nothing_is_exit_2_in_one_line(tmp_path: Path) -> None:
    source = write_project(tmp_path, CALC_PROJECT)
    out = tmp_path / "out"
    run = harden_subprocess(str(source), "--out", str(out), "--offline", "--python", "/no/py")
    assert run.returncode == 2
    assert run.stderr.strip() == "error: --python /no/py: no such file"
    assert not out.exists()


def test_python_without_pytest_is_exit_2_saying_to_install_it(tmp_path: Path) -> None:
    source = write_project(tmp_path, CALC_PROJECT)
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(tmp_path / "env")], check=True
    )
    python = tmp_path / "env" / "bin" / "python"
    message = refusal(source, tmp_path / "out", "--python", str(python))
    assert "pytest is not installed there" in message and "pip install pytest" in message


def test_requirements_asking_for_local_code_are_reported_as_tests_not_run(tmp_path: Path) -> None:
    # A git or local dependency is common in real projects: the hardening goes on, untested,
    # and says so (it never reads as passed).
    source = write_project(tmp_path, {**CALC_PROJECT, "requirements.txt": "flask\n-e .\n"})
    report, markdown, output = harden_in_process(source, tmp_path / "o")
    said = report["tests"]
    assert said.startswith("tests not run: could not build the environment (requirements.txt:2:")
    assert "option '-e' is not supported" in said and "tests will not run" in output
    assert "**Tests:** not run: could not build the environment" in markdown


def test_requirements_that_do_not_install_are_reported_as_tests_not_run(tmp_path: Path) -> None:
    broken = {**CALC_PROJECT, "requirements.txt": "devsecbots-no-such-package-4242\n"}
    report, markdown, output = harden_in_process(write_project(tmp_path, broken), tmp_path / "o")
    said = report["tests"]
    assert said.startswith("tests not run: could not build the environment (pip: ")
    assert "devsecbots-no-such-package-4242" in said
    assert said in report["history"][0]["note"] and "tests not run: could not build" in output
    assert "**Tests:** not run: could not build the environment" in markdown
    assert "passed" not in said


def test_no_environment_is_reported_as_tests_not_run(tmp_path: Path) -> None:
    report, markdown, _ = harden_in_process(write_project(tmp_path, CALC_PROJECT), tmp_path / "o")
    assert report["tests"].startswith("tests not run: no environment (no --python")
    assert report["tests"] in report["history"][0]["note"]
    assert "**Tests:** not run: no environment" in markdown


def test_python_given_runs_the_tests_and_says_with_what(tmp_path: Path) -> None:
    source = write_project(tmp_path, CALC_PROJECT)
    report, markdown, _ = harden_in_process(source, tmp_path / "o", "--python", sys.executable)
    assert report["tests"].startswith("tests: 2 passed in ")
    assert f"(env: {sys.executable}; sandbox: " in report["tests"]
    assert "**Tests:** 2 passed in " in markdown


def test_no_tests_and_tests_turned_off_are_said_too(tmp_path: Path) -> None:
    source = write_project(tmp_path, {"calc.py": CALC})
    report, _, _ = harden_in_process(source, tmp_path / "o1")
    assert report["tests"] == "tests: the input has none"
    source = write_project(tmp_path / "b", CALC_PROJECT)
    report, _, _ = harden_in_process(source, tmp_path / "o2", "--no-tests")
    assert report["tests"] == "tests not run: turned off (--no-tests)"


def test_a_venv_in_the_input_pointing_into_it_is_refused_with_the_reason(tmp_path: Path) -> None:
    source = write_project(tmp_path, CALC_PROJECT)
    (source / ".venv" / "bin").mkdir(parents=True)
    (source / "python-impostor").write_text("#!/bin/sh\nexit 0\n")
    (source / ".venv" / "bin" / "python").symlink_to(source / "python-impostor")
    report, _, output = harden_in_process(source, tmp_path / "o")
    assert "not using .venv/ in the input: its bin/python resolves inside the input" in output
    assert report["tests"].startswith("tests not run: no environment")


@pytest.mark.slow
def test_a_venv_in_the_input_with_pytest_runs_the_tests(tmp_path: Path, example_env) -> None:
    source = write_project(tmp_path, CALC_PROJECT)
    venv = source / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next(venv.glob("lib/python*/site-packages"))
    built = next(example_env.path.glob("lib/python*/site-packages"))
    shutil.copytree(built, site, dirs_exist_ok=True)  # pytest installed in it, as a user's venv
    report, _, output = harden_in_process(source, tmp_path / "o")
    assert report["tests"].startswith("tests: 2 passed")
    assert f"(env: {venv / 'bin' / 'python'}; sandbox: " in report["tests"]
