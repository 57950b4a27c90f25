"""--python is checked by running it; a venv inside the input is judged by its files only."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from devsecbots.nodes.appenv import InterpreterError, checked_python, found_venv

from devsecbots.errors import exit_code_for


def bare_venv(where: Path) -> Path:
    """A real venv without pip or pytest; its interpreter."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True)
    return where / "bin" / "python"


def test_python_with_pytest_is_kept_as_given(tmp_path: Path) -> None:
    assert checked_python(sys.executable) == sys.executable


@pytest.mark.parametrize(
    ("name", "says"),
    [("missing", "no such file"), ("folder", "not an executable file"), ("notes.txt", "not an")],
)
def test_python_that_is_not_there_or_not_a_program_is_refused(
    tmp_path: Path, name: str, says: str
) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(InterpreterError, match=says) as caught:
        checked_python(str(tmp_path / name))
    assert exit_code_for(caught.value) == 2


def test_a_program_that_is_not_python_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\necho hello\n")
    fake.chmod(0o755)
    with pytest.raises(InterpreterError, match="not a working Python interpreter"):
        checked_python(str(fake))


def test_python_without_pytest_is_refused_with_how_to_install_it(tmp_path: Path) -> None:
    python = bare_venv(tmp_path / "env")
    with pytest.raises(InterpreterError) as caught:
        checked_python(str(python))
    assert "pytest is not installed there" in str(caught.value)
    assert f"{python} -m pip install pytest" in str(caught.value)


def test_no_venv_in_the_input_is_no_note(tmp_path: Path) -> None:
    assert found_venv(tmp_path).python == "" and found_venv(tmp_path).note == ""


def test_a_venv_whose_python_points_into_the_input_is_refused(tmp_path: Path) -> None:
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "python").write_text("#!/bin/sh\n")
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "python").symlink_to(tmp_path / "tools" / "python")
    found = found_venv(tmp_path)
    assert found.python == ""
    assert "resolves inside the input (tools/python)" in found.note


def test_a_venv_whose_home_is_inside_the_input_is_refused(tmp_path: Path) -> None:
    python = bare_venv(tmp_path / "venv")
    config = tmp_path / "venv" / "pyvenv.cfg"
    config.write_text(f"home = {tmp_path}/fake\n")
    assert python.exists()
    assert "pyvenv.cfg home is inside it" in found_venv(tmp_path).note


def test_a_venv_without_pytest_is_noted_and_one_with_pytest_is_used(tmp_path: Path) -> None:
    python = bare_venv(tmp_path / ".venv")
    assert (
        found_venv(tmp_path).note == "not using .venv/ in the input: pytest is not installed there"
    )
    site = next((tmp_path / ".venv").glob("lib/python*/site-packages"))
    (site / "pytest").mkdir()
    (site / "pytest" / "__init__.py").write_text("")  # never imported: files are only looked at
    assert found_venv(tmp_path).python == str(python)
