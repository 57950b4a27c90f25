"""The interpreter the tests run with: where it lives (to bind read-only) and whether it has
pytest, as that interpreter itself says."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Asked with -I -S: no `site`, so no .pth file of the interpreter's site-packages runs outside the
# sandbox (a venv found in the input is the input's code). Without `site` Python does not apply a
# venv's pyvenv.cfg either, so the script finds the venv and looks for pytest on disk itself.
_ASK = """
import json, os, sys, sysconfig
exe = os.path.abspath(sys.executable)
venv = os.path.dirname(os.path.dirname(exe))
if os.path.isfile(os.path.join(venv, "pyvenv.cfg")):
    prefix, version = venv, "python%d.%d" % sys.version_info[:2]
    lib = [os.path.join(venv, d, version, "site-packages") for d in ("lib", "lib64")]
else:
    prefix, lib = sys.prefix, [sysconfig.get_paths()[k] for k in ("purelib", "platlib")]
has_pytest = any(
    os.path.isdir(os.path.join(d, "pytest"))
    or any(n.startswith("pytest-") and n.endswith(".dist-info") for n in os.listdir(d))
    for d in lib
    if os.path.isdir(d)
)
print(json.dumps([prefix, sys.base_prefix, exe, has_pytest, sys.version_info[:2] >= (3, 9)]))
"""


class InterpreterError(OSError):
    """The interpreter cannot be asked (missing, not Python, hung)."""


@dataclass(frozen=True)
class Interpreter:
    """An interpreter's executable and the directories it reads (prefix, base prefix)."""

    executable: str
    paths: tuple[str, ...]  # prefix, base prefix, executable: as given and as real paths
    has_pytest: bool

    def reachable_by_others(self, remounted: tuple[str, ...] | None = None) -> bool:
        """Whether a user with no relation to ours can read and run it, its directories being
        bound on their own (bubblewrap: their parents are the sandbox's, open to anyone) or,
        with `remounted`, bound back under those directories (the fallback's tmpfs covers)."""
        for path in self.paths:
            try:
                mode = os.stat(path).st_mode
            except OSError:
                return False
            wanted = stat.S_IROTH | (stat.S_IXOTH if stat.S_ISDIR(mode) else 0)
            if mode & wanted != wanted:
                return False
            if remounted is None:
                continue
            for parent in Path(path).parents:
                if str(parent) in remounted or str(parent) == "/":
                    break
                try:
                    if not os.stat(parent).st_mode & stat.S_IXOTH:
                        return False
                except OSError:
                    return False
        return True


def describe(python: str | None = None) -> Interpreter:
    """Ask `python` (default: this one) for its prefixes; InterpreterError when it cannot say."""
    found: list[Any]  # prefix, base prefix, executable, has pytest, recent enough
    if python is None or os.path.abspath(python) == os.path.abspath(sys.executable):
        found = [
            sys.prefix,
            sys.base_prefix,
            sys.executable,
            _has_pytest_here(),
            True,
        ]
        python = sys.executable
    else:
        found = _ask(python)
    prefix, base, executable, has_pytest, recent = found
    if not recent:
        raise InterpreterError(f"{python}: Python 3.9 or newer is needed to run the tests")
    given = [os.path.abspath(p) for p in (prefix, base, executable, python) if p]
    paths = set(given) | {os.path.realpath(p) for p in given}
    return Interpreter(executable=python, paths=tuple(sorted(paths)), has_pytest=bool(has_pytest))


def _ask(python: str) -> list[Any]:
    try:
        done = subprocess.run(
            [python, "-I", "-S", "-c", _ASK],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=30,
            env={"PATH": os.defpath, "LANG": "C.UTF-8"},
        )
        found = json.loads(done.stdout)
    except (OSError, subprocess.SubprocessError, ValueError) as err:
        raise InterpreterError(f"{python}: cannot ask it for its prefix ({err})") from None
    if (
        not isinstance(found, list)
        or len(found) != 5
        or not all(isinstance(x, str) for x in found[:3])
    ):
        raise InterpreterError(f"{python}: unexpected answer about its prefix")
    return found


def _has_pytest_here() -> bool:
    import importlib.util

    return importlib.util.find_spec("pytest") is not None
