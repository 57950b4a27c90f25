"""Cached virtual environments built from an input's declared requirements.

One venv per (requirements, Python version, platform), in `<cache>/envs/<key>/`. A build runs
under a file lock, so two runs never build the same env at once, in a temporary directory that
is renamed into place when complete: an env that exists is whole. Entries are never modified
after the rename; delete the directory to rebuild.

Building runs `pip install --only-binary :all:` with devsecbots' own pip pointed at the new
venv (`pip --python`). Only wheels are installed, so no package's setup code runs; the price is
that a requirement published only as a source distribution cannot be installed (pass --python
with an environment you built instead). The input's own code is never installed: the sandbox
puts it on the path when its tests run. A moved venv keeps working for `python -m ...` (which
is all we run), not for its console scripts.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from devsecbots.nodes.appenv.errors import EnvironmentUnavailable
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ENV_FORMAT = 1  # bump when the way envs are built changes: old entries are then not reused
PYTEST_REQUIREMENT = "pytest>=8"
BUILD_TIMEOUT = 300.0
MARKER = "devsecbots-env.json"
_PIP_OPTIONS = [
    "--only-binary",
    ":all:",
    "--no-input",
    "--disable-pip-version-check",
    "--no-warn-script-location",
    "--retries",
    "1",
    "--timeout",
    "15",
]
REMEMBER_FAILURE = 600.0  # seconds a failed build is not retried (later rounds of one run)
_failed: dict[str, tuple[float, str]] = {}  # key -> (when, why)


@dataclass(frozen=True)
class CachedEnv:
    """A built venv: its key, interpreter and installed distributions (name -> version)."""

    key: str
    path: Path
    packages: dict[str, str]

    @property
    def python(self) -> str:
        """The venv's interpreter (its own path, not resolved: that is what selects the venv)."""
        return str(self.path / "bin" / "python")

    def label(self, specs: tuple[str, ...]) -> str:
        """'cached venv 1f2e3d4c5b6a, flask 3.1.3' (the declared packages' versions)."""
        names = [canonicalize_name(Requirement(s).name) for s in specs]
        shown = [f"{n} {self.packages.get(n, '?')}" for n in names[:3]]
        more = [f"{len(names) - 3} more"] if len(names) > 3 else []
        return ", ".join([f"cached venv {self.key}", *(shown or ["pytest only"]), *more])


def cache_root() -> Path:
    """$DEVSECBOTS_CACHE_DIR, else $XDG_CACHE_HOME/devsecbots, else ~/.cache/devsecbots."""
    explicit = os.environ.get("DEVSECBOTS_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "devsecbots"


def env_key(specs: tuple[str, ...]) -> str:
    """The cache key: a hash of the requirements, the Python version and the platform."""
    identity = {
        "format": ENV_FORMAT,
        "python": [sys.implementation.name, *map(str, sys.version_info[:3])],
        "platform": [sys.platform, platform.machine()],
        "requirements": sorted(specs),
        "pytest": PYTEST_REQUIREMENT,
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:16]


def cached_env(
    specs: tuple[str, ...], *, root: Path | None = None, timeout: float = BUILD_TIMEOUT
) -> CachedEnv:
    """The venv for `specs` (plus pytest), built on first use; EnvironmentUnavailable when it
    cannot be built (registry unreachable, no wheel, conflict, timeout)."""
    envs = (root or cache_root()) / "envs"
    key = env_key(specs)
    final = envs / key
    if (final / MARKER).is_file():
        return _load(final, key)
    when, why = _failed.get(key, (0.0, ""))
    if why and time.monotonic() - when < REMEMBER_FAILURE:
        raise EnvironmentUnavailable(why)
    try:
        envs.mkdir(parents=True, exist_ok=True, mode=0o755)
        with _locked(envs / f"{key}.lock", timeout):
            if not (final / MARKER).is_file():
                _build_into(final, specs, timeout)
    except EnvironmentUnavailable as err:
        _failed[key] = (time.monotonic(), str(err))
        raise
    except OSError as err:
        raise EnvironmentUnavailable(f"could not build the environment ({err})") from None
    return _load(final, key)


def _build_into(final: Path, specs: tuple[str, ...], timeout: float) -> None:
    if final.exists():  # left without its marker by hand: not ours to trust
        shutil.rmtree(final)
    building = Path(tempfile.mkdtemp(prefix=f".build-{final.name}-", dir=final.parent))
    try:
        _create_venv(building, timeout)
        _pip_install(building, [*specs, PYTEST_REQUIREMENT], timeout)
        packages = {
            canonicalize_name(d.metadata["Name"]): d.version
            for d in metadata.distributions(path=[str(p) for p in _site_packages(building)])
        }
        marker = {"key": final.name, "requirements": list(specs), "packages": packages}
        (building / MARKER).write_text(json.dumps(marker, indent=1, sort_keys=True))
        building.chmod(0o755)  # mkdtemp's 0700 would hide it from a sandbox run as nobody
        os.rename(building, final)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise


def _create_venv(where: Path, timeout: float) -> None:
    if importlib.util.find_spec("pip") is None:
        raise EnvironmentUnavailable(
            "could not build the environment (pip is not installed in devsecbots' Python)"
        )
    _run([sys.executable, "-m", "venv", "--without-pip", str(where)], where, timeout, "venv")


def _pip_install(venv: Path, requirements: list[str], timeout: float) -> None:
    python = str(venv / "bin" / "python")
    argv = [sys.executable, "-m", "pip", "--python", python, "install", *_PIP_OPTIONS]
    _run([*argv, *requirements], venv, timeout, "pip")


def _run(argv: list[str], cwd: Path, timeout: float, tool: str) -> None:
    """Run a build step in its own process group (killed whole on timeout)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "PYTHONHOME") and not k.startswith(("OPENAI_", "DEVSECBOTS_"))
    }
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process.pid)
            process.wait()
            raise EnvironmentUnavailable(
                f"could not build the environment ({tool} took more than {timeout:.0f}s)"
            ) from None
        output.seek(0)
        text = output.read().decode("utf-8", "replace")
    if code != 0:
        raise EnvironmentUnavailable(f"could not build the environment ({_why(tool, text)})")


def _why(tool: str, output: str) -> str:
    """The line of a failed build's output that says what went wrong."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR:")]
    line = (errors or lines or ["failed without a message"])[-1].removeprefix("ERROR:").strip()
    hint = "; only wheels are installed" if "from versions: none" in output else ""
    return f"{tool}: {line[:200]}{hint}"


def _site_packages(venv: Path) -> list[Path]:
    return sorted(venv.glob("lib*/python*/site-packages"))


def _load(path: Path, key: str) -> CachedEnv:
    try:
        marker = json.loads((path / MARKER).read_text())
        packages = {str(k): str(v) for k, v in dict(marker.get("packages") or {}).items()}
    except (OSError, ValueError, TypeError) as err:
        raise EnvironmentUnavailable(
            f"the cached environment {path} is unreadable ({err})"
        ) from None
    return CachedEnv(key=key, path=path, packages=packages)


@contextmanager
def _locked(path: Path, timeout: float) -> Iterator[None]:
    """An exclusive lock on `path`; waits for another build of the same env to finish."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise EnvironmentUnavailable(
                        f"could not build the environment (another run held {path} for "
                        f"{timeout:.0f}s)"
                    ) from None
                time.sleep(0.2)
        yield
    finally:
        os.close(fd)  # releases the lock


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
