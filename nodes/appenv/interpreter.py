"""Interpreters the person names (--python) or the input brings (.venv/, venv/).

A --python is the person's own choice: it is started (isolated, `-I`) to ask whether it has
pytest. A venv found inside the input is not started at all outside the sandbox — its
pyvenv.cfg and site-packages are the input's, so starting it would run the input's choices —
it is inspected by its files only, and refused when its interpreter resolves into the input.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from devsecbots.nodes.appenv.errors import InterpreterError

VENV_NAMES = (".venv", "venv")
_ASK = (
    "import sys, json, importlib.util as u; "
    "print(json.dumps([list(sys.version_info[:3]), u.find_spec('pytest') is not None]))"
)
_ASK_TIMEOUT = 30.0


def checked_python(path: str) -> str:
    """The --python interpreter as an absolute path, once it has been seen to run and to have
    pytest; InterpreterError (exit 2) otherwise."""
    given = Path(path).expanduser()
    if not given.exists():
        raise InterpreterError(f"--python {path}: no such file")
    if not given.is_file() or not os.access(given, os.X_OK):
        raise InterpreterError(f"--python {path}: not an executable file")
    absolute = str(given.absolute())  # not resolved: a venv's bin/python link selects the venv
    try:
        done = subprocess.run(
            [absolute, "-I", "-c", _ASK],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=_ASK_TIMEOUT,
            check=False,
        )
        version, has_pytest = json.loads(done.stdout.decode().strip().splitlines()[-1])
    except (OSError, subprocess.TimeoutExpired, ValueError, IndexError):
        raise InterpreterError(f"--python {path}: not a working Python interpreter") from None
    if tuple(version) < (3, 9):
        raise InterpreterError(f"--python {path}: Python 3.9 or newer is needed for the tests")
    if not has_pytest:
        raise InterpreterError(
            f"--python {path}: pytest is not installed there; run `{path} -m pip install pytest` "
            "(or pass --no-tests)"
        )
    return absolute


@dataclass(frozen=True)
class FoundVenv:
    """A venv inside the input: its interpreter when usable, else why it is not used."""

    python: str = ""
    note: str = ""


def found_venv(root: Path) -> FoundVenv:
    """The input's own .venv/ or venv/ when its interpreter lives outside the input and it has
    pytest; otherwise a note saying why it is not used (empty when there is none)."""
    top = root.resolve()
    for name in VENV_NAMES:
        venv = root / name
        python = venv / "bin" / "python"
        if not venv.is_dir() or not (python.exists() or python.is_symlink()):
            continue
        if venv.is_symlink():
            return FoundVenv(note=f"not using {name}/ in the input: it is a symbolic link")
        real = python.resolve()
        if real.is_relative_to(top):
            return FoundVenv(
                note=f"not using {name}/ in the input: its bin/python resolves inside the input "
                f"({real.relative_to(top)}), which the input controls"
            )
        home = _venv_home(venv / "pyvenv.cfg")
        if home is not None and Path(home).resolve().is_relative_to(top):
            return FoundVenv(
                note=f"not using {name}/ in the input: its pyvenv.cfg home is inside it"
            )
        if not real.is_file() or not os.access(real, os.X_OK):
            return FoundVenv(note=f"not using {name}/ in the input: its bin/python is broken")
        if not _has_pytest(venv):
            return FoundVenv(note=f"not using {name}/ in the input: pytest is not installed there")
        return FoundVenv(python=str(python.absolute()))
    return FoundVenv()


def _venv_home(config: Path) -> str | None:
    try:
        lines = config.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    for line in lines:
        key, _, value = line.partition("=")
        if key.strip() == "home":
            return value.strip()
    return None


def _has_pytest(venv: Path) -> bool:
    return any(
        (site / "pytest" / "__init__.py").is_file() or any(site.glob("pytest-*.dist-info"))
        for site in venv.glob("lib*/python*/site-packages")
    )
